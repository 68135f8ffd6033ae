"""Care-worker training records (plan ch.5 §3: 培养培训养老护理员3000人次、养老院院长20人次)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from eldercare.models import TRAINEES_MAX, TrainingSession


@transaction.atomic
def training_record(
    *, user, title: str, audience: str, held_on, trainees, organiser: str = "", township=None, note: str = ""
) -> TrainingSession:
    errors = FieldErrors()
    title = (title or "").strip()
    if not title:
        errors.add("title", _("请填写培训课程。"))
    check_text(errors, "title", title, max_length=100)
    check_text(errors, "organiser", organiser, max_length=100)
    check_text(errors, "note", note, max_length=200)
    if audience not in TrainingSession.Audience.values:
        errors.add("audience", _("请选择培训对象。"))
    if held_on is None:
        errors.add("held_on", _("请填写培训日期。"))
    check_date(errors, "held_on", held_on, not_after_today=True)
    try:
        trainees = int(trainees)
    except (TypeError, ValueError):
        trainees = None
    if trainees is None or not 1 <= trainees <= TRAINEES_MAX:
        errors.add("trainees", _("培训人次应在 1 至 %(n)d 之间。") % {"n": TRAINEES_MAX})
    if township is None and not user.is_city_level:
        errors.add("township", _("请选择本乡镇（街道）。"))
    elif township is not None and not user_can_act_in(user, township.code):
        errors.add("township", _("只能登记本乡镇（街道）的培训。"))
    errors.raise_if_any()
    return TrainingSession.objects.create(
        title=title, audience=audience, held_on=held_on, trainees=trainees, organiser=(organiser or "").strip(),
        township=township, note=note or "", created_by=user,
    )  # fmt: skip
