from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import ImportUploadForm
from core.imports import (
    REGISTRY,
    ImportFileError,
    bad_rows_workbook,
    check_upload_size,
    count_data_rows,
    import_job_run,
    template_workbook,
)
from core.jurisdiction import get_for_user_or_404
from core.models import AccessLog, ImportJob
from core.services.access import access_log_record
from core.tasks import run_import_job
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
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            rows = count_data_rows(upload)
            job = ImportJob.objects.create(
                kind=kind, file=upload, original_name=upload.name[:200], created_by=request.user,
                township_id=None if request.user.is_city_level else request.user.township_id, total_rows=rows,
            )  # fmt: skip
            access_log_record(
                user=request.user, action=AccessLog.Action.IMPORT, object_type=kind, object_ids=[job.pk],
                detail=upload.name, request=request,
            )  # fmt: skip
            if rows > settings.IMPORT_BACKGROUND_ROWS:
                transaction.on_commit(lambda: run_import_job.delay(job.pk))
                messages.info(request, _("文件较大（%(n)d 行），已转入后台导入。") % {"n": rows})
            else:
                import_job_run(job)
            return redirect("core:import_job", pk=job.pk)
    jobs = ImportJob.objects.for_user(request.user).filter(kind=kind, created_by=request.user)[:10]
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
def import_job(request, pk):
    job = _job(request, pk)
    template = "core/_import_progress.html" if request.headers.get("HX-Request") else "core/import_job.html"
    return render(request, template, {"job": job, "importer": REGISTRY[job.kind], "errors": job.errors[:500]})


@login_required
def import_template(request, kind):
    importer = _importer(request, kind)
    return xlsx_response(template_workbook(importer), f"{importer.kind}-template.xlsx")


@login_required
def import_bad_rows(request, pk):
    job = _job(request, pk)
    if job.state != ImportJob.State.REJECTED or not job.errors:
        raise Http404
    return xlsx_response(bad_rows_workbook(job), f"{job.kind}-errors-{job.pk}.xlsx")
