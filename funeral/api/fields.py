"""Serializer fields the funeral resources share."""

from rest_framework import serializers

from funeral.models import DeathRecord


class RecordInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """A record the caller may see: another township's answers exactly like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", DeathRecord.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return DeathRecord.objects.for_user(request.user if request else None)
