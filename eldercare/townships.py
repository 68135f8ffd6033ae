"""Elder care's records of a person are filed under the person's township, kept beside them
(assessments, subsidies, visit programme entries): a township's list reads one index instead of joining its records to 1.5
million people. Written by the services (from the person), by the bulk writers through
`with_townships`, by the models' save() otherwise, and moved by core.events.person_moved."""

from django.utils import timezone

from core.models import Person


def with_townships(rows: list) -> list:
    """Give unsaved rows without a township their person's, in one query; returns the rows."""
    missing = {r.person_id for r in rows if r.township_id is None}
    if missing:
        by_person = dict(Person.objects.filter(pk__in=missing).values_list("pk", "township_id"))
        for row in rows:
            if row.township_id is None:
                row.township_id = by_person.get(row.person_id)
    return rows


def township_of(person_id) -> str | None:
    return Person.objects.filter(pk=person_id).values_list("township_id", flat=True).first()


def records_follow_move(sender, *, person, township_to, **kwargs) -> None:
    """core.events.person_moved: the person's assessments, subsidies and visit entries move with them."""
    from eldercare.models import Assessment, Subsidy, VisitTarget

    for model in (Assessment, Subsidy, VisitTarget):
        model.objects.filter(person=person).update(township_id=township_to, updated_at=timezone.now())
