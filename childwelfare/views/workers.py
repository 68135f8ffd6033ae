"""Child directors and supervisors: coverage by township (villages and townships missing one, and
training), the roster and its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from childwelfare import selectors
from childwelfare.forms import WorkerForm
from childwelfare.models import ChildWorker
from childwelfare.services.workers import worker_save
from childwelfare.views.common import export_rows
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404


@login_required
@permission_required("childwelfare.view_childworker", raise_exception=True)
def worker_coverage(request):
    rows = selectors.worker_coverage(user=request.user)
    township = request.GET.get("township", "")
    missing = selectors.villages_without_director(user=request.user, township=township) if township else []
    totals = {
        "villages": sum(r["villages"] for r in rows),
        "directors": sum(r["directors"] for r in rows),
        "trained": sum(r["trained"] for r in rows),
        "townships": len(rows),
        "supervisors": sum(1 for r in rows if r["supervisor"]),
        "supervisors_trained": sum(1 for r in rows if r["supervisor"] and r["supervisor"].last_trained_on),
    }
    workers = ChildWorker.objects.for_user(request.user).select_related("township", "village")
    if township:
        workers = workers.filter(township_id=township)
    context = {"rows": rows, "totals": totals, "township": township, "missing": missing, "workers": workers[:500]}
    return render(request, "childwelfare/worker_coverage.html", context)


@login_required
@permission_required("childwelfare.view_childworker", raise_exception=True)
def worker_export(request):
    workers = ChildWorker.objects.for_user(request.user).select_related("township", "village")
    headers = [
        _("类型"),
        _("姓名"),
        _("乡镇（街道）"),
        _("村（社区）"),
        _("任职日期"),
        _("离任日期"),
        _("最近参加培训日期"),
    ]
    rows = [[w.get_kind_display(), w.name, w.township.name, w.village.name if w.village else "", w.since, w.until,
             w.last_trained_on] for w in workers]  # fmt: skip
    return export_rows(request, headers=headers, rows=rows, object_type="childwelfare_worker", object_ids=[],
                       filename="child-directors", personal=False)  # fmt: skip


def _save(request, worker=None):
    initial = {}
    if worker is not None:
        initial = {f: getattr(worker, f) for f in ("kind", "name", "phone", "since", "until", "last_trained_on")}
        initial.update(township=worker.township_id, village=worker.village_id)
    form = WorkerForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            worker_save(user=request.user, worker=worker, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("childwelfare:worker_coverage")
    title = _("登记儿童主任（督导员）") if worker is None else _("修改：%(n)s") % {"n": worker.name}
    return render(
        request, "childwelfare/form.html", {"form": form, "title": title, "back": "childwelfare:worker_coverage"}
    )


@login_required
@permission_required("childwelfare.add_childworker", raise_exception=True)
def worker_create(request):
    return _save(request)


@login_required
@permission_required("childwelfare.change_childworker", raise_exception=True)
def worker_edit(request, pk):
    return _save(request, get_for_user_or_404(ChildWorker.objects.all(), request.user, pk=pk))
