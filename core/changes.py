"""`updated_at` is when anything a REST client reads of a record last changed, including what the API
shows inside it (a household's members, a child's categories, an organisation's list entries), so a
pull with `?updated_since=` (core.api.filters) finds it. Saving the record itself moves it (auto_now);
a change made elsewhere, or with `QuerySet.update()`, which skips auto_now, moves it with `touch`
(or, in the update itself, with `updated_at=timezone.now()`; `stamp(model)` for code shared by
models with and without the field, such as core.jobs). So does `save(update_fields=[...])`, which
writes only the fields it names: name "updated_at" among them."""

from django.utils import timezone

FIELD = "updated_at"


def tracks_changes(model) -> bool:
    return any(field.name == FIELD for field in model._meta.concrete_fields)


def stamp(model) -> dict:
    """The keyword arguments that move `updated_at` in a `QuerySet.update()` on `model`; none for a
    model without it."""
    return {FIELD: timezone.now()} if tracks_changes(model) else {}


def touch(model, pks) -> int:
    """Mark the records of `model` with these primary keys (an iterable, or a queryset of them) changed now."""
    return model.objects.filter(pk__in=pks).update(updated_at=timezone.now())
