"""`updated_at` is when anything a REST client reads of a record last changed, including what the API
shows inside it (a household's members, a child's categories, an organisation's list entries), so a
pull with `?updated_since=` (core.api.filters) finds it. Saving the record itself moves it (auto_now);
a change made elsewhere, or with `QuerySet.update()`, which skips auto_now, moves it with `touch`."""

from django.utils import timezone


def touch(model, pks) -> int:
    """Mark the records of `model` with these primary keys (an iterable, or a queryset of them) changed now."""
    return model.objects.filter(pk__in=pks).update(updated_at=timezone.now())
