"""Serializer fields the child welfare resources share."""

from rest_framework import serializers

from childwelfare.models import Child


class ChildInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """A child's file the caller may see: another township's answers exactly like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Child.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Child.objects.for_user(request.user if request else None).select_related("person")
