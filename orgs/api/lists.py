"""/api/v1/orgs/abnormal-list/ and dishonest-list/: the two public lists. The law makes them public,
so they answer without login; an entry carries the organisation's name, code and township, the
dates and the reasons, and no personal data.

A list shows the organisations on it now. A pull with `?updated_since=` (core.api.filters) also
receives the entries removed since, with `removed_on` set: a copy kept by a REST client drops them
instead of keeping them listed for ever."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from core.api.filters import PARAM as UPDATED_SINCE
from orgs import selectors
from orgs.models import ListEntry


class PublicListEntrySerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    credit_code = serializers.CharField(source="organisation.credit_code", read_only=True)
    township = serializers.CharField(source="organisation.township_id", read_only=True)
    township_name = serializers.CharField(source="organisation.township.name", read_only=True)
    decided_on = serializers.DateField(source="confirmed_on", read_only=True, allow_null=True)

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "organisation",
            "name",
            "credit_code",
            "township",
            "township_name",
            "listed_on",
            "decided_on",
            "reason",
            "removed_on",
            "updated_at",
        ]
        read_only_fields = ["removed_on", "updated_at"]
        extra_kwargs = {
            "removed_on": {"help_text": _("移出日期；仍在名录中为 null（仅带 updated_since 的查询返回已移出的记录）")}
        }


class _PublicList(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicListEntrySerializer
    permission_classes = [AllowAny]
    authentication_classes = []  # public: a session or token changes nothing
    kind = ""
    queryset = ListEntry.objects.none()
    ordering_fields = ["listed_on", "id"]
    ordering = ["-listed_on", "id"]

    def get_queryset(self):
        return selectors.public_list(self.kind, removed_too=UPDATED_SINCE in self.request.query_params)


class AbnormalListViewSet(_PublicList):
    """The abnormal-activity list (活动异常名录): organisations on it now, public without login."""

    kind = ListEntry.Kind.ABNORMAL


class DishonestListViewSet(_PublicList):
    """The serious dishonesty list (严重违法失信名单): decided entries not yet removed, public without login."""

    kind = ListEntry.Kind.DISHONEST
