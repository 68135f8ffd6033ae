from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import ImportUploadForm
from core.imports import (
    ERRORS_SHOWN,
    NAME_MAX,
    REGISTRY,
    bad_rows_workbook,
    import_errors_shown,
    import_file_name,
    import_job_retry,
    import_job_start,
    import_jobs_expire,
    template_workbook,
)
from core.jurisdiction import get_for_user_or_404
from core.models import AccessLog, ImportJob
from core.personal import personal_data
from core.services.access import access_log_record
from core.spreadsheets import ImportFileError, check_upload_size, inspect_workbook
from core.views.people import xlsx_response


def _importer(request, kind):
    importer = REGISTRY.get(kind)
    if importer is None:
        raise Http404
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    return importer


@login_required
def import_upload(request, kind):
    importer = _importer(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload_size(upload)  # before anything is parsed
            # what it is and the rows filled (empty formatted rows are no rows), before it is read
            inspected = inspect_workbook(upload)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            name = import_file_name(upload.name)  # the name as uploaded stays in the access log
            job = ImportJob.objects.create(
                kind=kind, file=upload, original_name=name, created_by=request.user,
                township_id=None if request.user.is_city_level else request.user.township_id,
                total_rows=inspected.filled_rows, inspected_sha256=inspected.digest,  # the worker need not look again
            )  # fmt: skip
            access_log_record(
                user=request.user, action=AccessLog.Action.IMPORT, object_type=kind, object_ids=[job.pk],
                detail=upload.name, request=request,
            )  # fmt: skip
            if name != upload.name:
                messages.warning(
                    request,
                    _("文件名过长（%(n)d 个字），导入记录最多保存 %(max)d 个字，已缩短为“%(name)s”。")
                    % {"n": len(upload.name), "max": NAME_MAX, "name": name},
                )
            if import_job_start(job):  # QueueUnavailable: a 503 page (core.jobs), the job marked failed
                messages.info(request, _("文件较大（%(n)d 行），已转入后台导入。") % {"n": inspected.filled_rows})
            return redirect("core:import_job", pk=job.pk)
    mine = ImportJob.objects.for_user(request.user).filter(kind=kind, created_by=request.user)
    import_jobs_expire(mine)
    jobs = mine[:10]
    return render(
        request,
        "core/import_upload.html",
        {"importer": importer, "form": form, "jobs": jobs, "max_mb": settings.IMPORT_MAX_BYTES / 1048576},
    )


def _job(request, pk):
    job = get_for_user_or_404(ImportJob.objects.select_related("created_by"), request.user, pk=pk)
    _importer(request, job.kind)
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request, pk):
    """The job's progress and outcome (polled while it runs); POST runs a failed job again."""
    job = _job(request, pk)
    if request.method == "POST":
        if import_job_retry(job):
            messages.info(request, _("已重新转入后台导入。"))
        return redirect("core:import_job", pk=job.pk)
    if import_jobs_expire(ImportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    template = "core/_import_progress.html" if request.headers.get("HX-Request") else "core/import_job.html"
    # The errors quote the uploaded cells (names, ID numbers): shown, and logged, as the API's job does.
    pd = personal_data(request.user)
    errors, shown = job.errors[:ERRORS_SHOWN], import_errors_shown(pd)
    if errors and shown:
        pd.log_view(request=request, object_type="core.importjob", object_ids=[job.pk], detail=request.path)
    elif errors:
        errors = [{**e, "message": ""} for e in errors]
    context = {"job": job, "importer": REGISTRY[job.kind], "errors": errors, "errors_shown": shown}
    return render(request, template, context)


@login_required
def import_template(request, kind):
    importer = _importer(request, kind)
    return xlsx_response(template_workbook(importer), f"{importer.kind}-template.xlsx")


@login_required
def import_bad_rows(request, pk):
    """The rejected rows as uploaded, in full (to correct and upload again): for a reader who sees
    names and ID numbers in full, and logged as an export of them."""
    job = _job(request, pk)
    if job.state != ImportJob.State.REJECTED or not job.errors or not import_errors_shown(personal_data(request.user)):
        raise Http404
    content = bad_rows_workbook(job)
    rows = len({e["row"] for e in job.errors})
    access_log_record(
        user=request.user, action=AccessLog.Action.EXPORT, object_type="core.importjob", object_ids=[job.pk],
        detail=_("导出 %(n)d 行（完整身份证号）") % {"n": rows}, request=request,
    )  # fmt: skip
    return xlsx_response(content, f"{job.kind}-errors-{job.pk}.xlsx")
