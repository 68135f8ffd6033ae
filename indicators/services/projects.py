"""Table 3's key projects: staff update status, progress, milestones and notes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.limits import REASON_MAX, check_text
from indicators.models import KeyProject

#: The database holds the same limit (KeyProject's constraints).
TEXT_MAX = {"milestones": REASON_MAX, "notes": REASON_MAX}


@transaction.atomic
def key_project_update(*, user, project: KeyProject, **values) -> KeyProject:
    allowed = {"status", "progress", "milestones", "notes"}
    if set(values) - allowed:
        raise TypeError(f"unknown key project fields: {sorted(set(values) - allowed)}")
    errors = FieldErrors()
    for field, limit in TEXT_MAX.items():
        check_text(errors, field, values.get(field), max_length=limit)
    errors.raise_if_any()
    for field, value in values.items():
        setattr(project, field, value)
    if project.progress is None or not 0 <= project.progress <= 100:
        raise ValidationError({"progress": [_("完成进度应在0–100之间。")]})
    if project.status == KeyProject.Status.COMPLETED and project.progress != 100:
        raise ValidationError({"progress": [_("已完成的项目进度应为100%。")]})
    project.updated_by, project.updated_at = user, timezone.now()
    project.full_clean()
    project.save()
    return project
