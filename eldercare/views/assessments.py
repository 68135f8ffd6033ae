from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.identifiers import mask_id_number, normalize_id_number
from core.jurisdiction import get_for_user_or_404
from core.models import Person
from core.payments import next_month
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import (
    AdaptationApplyForm,
    AdaptationStepForm,
    AssessmentFilterForm,
    AssessmentForm,
    PersonLookupForm,
    SubsidyEndForm,
    SubsidyForm,
    VisitForm,
    VisitTargetForm,
)  # fmt: skip
from eldercare.models import SubsidyKind
from eldercare.services.assessments import assessment_record
from eldercare.services.subsidies import ends_too_late, person_outlook, subsidy_enroll
from eldercare.views.common import export_rows, yes_no


def _filtered(request):
    form = AssessmentFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.assessment_list(user=request.user).none()
    return form, selectors.assessment_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_assessment", raise_exception=True)
def assessment_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    # Lists are masked for every role (as core's people list); the person page shows what the role may see.
    rows = [{"a": a, "name": pd.name(a.person.name), "id_number": mask_id_number(a.person.id_number)} for a in page]
    return render(
        request,
        "eldercare/assessment_list.html",
        {"form": form, "page": page, "rows": rows, "query": query, "lookup": PersonLookupForm()},
    )


@login_required
@permission_required("eldercare.view_assessment", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def assessment_export(request):
    _form, qs = _filtered(request)
    assessments = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(assessments) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:assessment_list")
    pd = personal_data(request.user).for_export()
    headers = [
        _("姓名"), _("身份证号"), _("乡镇（街道）"), _("评估日期"), _("自理能力"), _("基础运动能力"), _("精神状态"),
        _("感知觉与社会参与"), _("总分"), _("昏迷"), _("确诊认知障碍/痴呆或精神科专科疾病"),
        _("近30天照护风险事件次数"), _("能力等级"), _("评估员"),
    ]  # fmt: skip
    rows = [
        [
            pd.name(a.person.name),
            pd.id_number(a.person.id_number),
            a.person.township.name if a.person.township else "",
            a.assessed_on,
            a.self_care,
            a.basic_motion,
            a.mental_state,
            a.perception_social,
            a.total,
            yes_no(a.coma),
            yes_no(a.dementia_or_mental_disorder),
            a.risk_events_30d,
            a.get_level_display(),
            a.assessor,
        ]
        for a in assessments
    ]
    return export_rows(
        request, headers=headers, rows=rows, filename="eldercare-assessments", object_type="person",
        object_ids=sorted({a.person_id for a in assessments}), personal=True,
    )  # fmt: skip


@login_required
@permission_required("eldercare.add_assessment", raise_exception=True)
def person_lookup(request):
    """From an ID number to the older person's page (within the user's jurisdiction)."""
    form = PersonLookupForm(request.GET or None)
    if form.is_valid():
        number = normalize_id_number(form.cleaned_data["id_number"]) or form.cleaned_data["id_number"].upper()
        person = selectors.older_people(user=request.user).filter(id_number=number).first()
        if person is not None:
            return redirect("eldercare:person", pk=person.pk)
        messages.error(request, _("本辖区内没有身份证号为 %(n)s 的人员，请先在人员管理中登记。") % {"n": number})
    return redirect("eldercare:assessment_list")


@login_required
@permission_required("eldercare.view_assessment", raise_exception=True)
def older_person(request, pk):
    """An older person's elderly-care page: the assessment history and a form to record one, the
    subsidies the person holds and what each would pay today (or why not)."""
    person = get_for_user_or_404(Person.objects.select_related("township", "village"), request.user, pk=pk)
    can_add = request.user.has_perm("eldercare.add_assessment")
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate(), "risk_events_30d": 0})
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                assessment = assessment_record(user=request.user, person=person, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已记录评估：总分 %(t)d，%(l)s。") % {"t": assessment.total, "l": assessment.get_level_display()},
                )
                return redirect("eldercare:person", pk=person.pk)
    return _person_page(request, person, form=form)


def _person_page(
    request, person, *, form=None, subsidy_form=None, visit_form=None, target_form=None, adaptation_form=None
):
    pd = personal_data(request.user)
    if person.id_number:
        pd.log_view(request=request, object_type="person", object_ids=[person.pk], detail=_("老年人养老服务页"))
    assessments = list(selectors.person_assessments(person))
    can_view_subsidies = request.user.has_perm("eldercare.view_subsidy")
    today = timezone.localdate()
    context = {
        "person": person,
        "name": pd.name(person.name),
        "id_number": pd.id_number(person.id_number),
        "birth": pd.birth_date(person.birth_date),
        "assessments": assessments,
        "latest": assessments[0] if assessments else None,
        "form": form or AssessmentForm(initial={"assessed_on": today, "risk_events_30d": 0}),
        "can_add": request.user.has_perm("eldercare.add_assessment"),
        "can_view_subsidies": can_view_subsidies,
        "outlook": person_outlook(person, today) if can_view_subsidies else [],
        "subsidies": _with_endable(selectors.person_subsidies(person)) if can_view_subsidies else [],
        "subsidy_form": subsidy_form
        or SubsidyForm(initial={"starts_on": f"{next_month(today):%Y-%m}", "kind": SubsidyKind.HIGH_AGE}),
        "end_form": SubsidyEndForm(initial={"ended_on": today}),
        "can_enroll": request.user.has_perm("eldercare.add_subsidy") and not person.date_of_death,
        "can_change_subsidy": request.user.has_perm("eldercare.change_subsidy"),
        "can_view_visits": request.user.has_perm("eldercare.view_visit"),
        "targets": list(selectors.person_visit_targets(person)),
        # Free text names people: masked as on the visits list and in the API.
        "visits": [
            {
                "v": v,
                "findings": pd.text(v.findings, names=[person.name]),
                "follow_up": pd.text(v.follow_up, names=[person.name]),
            }
            for v in selectors.person_visits(person)[:20]
        ],
        "visit_form": visit_form or VisitForm(prefix="visit", initial={"visited_on": today}),
        "target_form": target_form or VisitTargetForm(prefix="target", initial={"since": today}),
        "can_add_visit": request.user.has_perm("eldercare.add_visit") and not person.date_of_death,
        "can_add_target": request.user.has_perm("eldercare.add_visittarget") and not person.date_of_death,
        "can_end_target": request.user.has_perm("eldercare.change_visittarget"),
        "can_view_adaptations": request.user.has_perm("eldercare.view_homeadaptation"),
        "adaptations": list(selectors.person_adaptations(person)),
        "adaptation_form": adaptation_form or AdaptationApplyForm(prefix="adapt", initial={"applied_on": today}),
        "step_form": AdaptationStepForm(initial={"on": today}),
        "can_apply_adaptation": request.user.has_perm("eldercare.add_homeadaptation") and not person.date_of_death,
        "can_step_adaptation": request.user.has_perm("eldercare.change_homeadaptation"),
    }
    failed = any(f is not None and f.errors for f in (form, subsidy_form, visit_form, target_form, adaptation_form))
    return render(request, "eldercare/person.html", context, status=400 if failed else 200)


@login_required
@permission_required("eldercare.add_subsidy", raise_exception=True)
@require_POST
def subsidy_enroll_view(request, pk):
    """Put the older person on a subsidy's roster (the service checks eligibility)."""
    person = get_for_user_or_404(Person.objects.select_related("township", "village"), request.user, pk=pk)
    form = SubsidyForm(request.POST)
    if form.is_valid():
        try:
            subsidy = subsidy_enroll(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记%(k)s，自 %(m)s 起发放。")
                % {"k": subsidy.get_kind_display(), "m": f"{subsidy.starts_on:%Y-%m}"},
            )
            return redirect("eldercare:person", pk=person.pk)
    return _person_page(request, person, subsidy_form=form)


def _with_endable(subsidies) -> list:
    """The person's entries, each saying whether it can be ended: an open one, or one ended on a
    day past the end of next month (subsidies.ends_too_late), which is ended again earlier."""
    rows = list(subsidies)
    for s in rows:
        s.endable = s.status != s.Status.ENDED or ends_too_late(s)
    return rows
