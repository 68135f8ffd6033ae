"""/api/v1/orgs/grades/, annual-reports/, supervisions/: dated records about an organisation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import personal
from core.jurisdiction import JurisdictionMixin
from orgs.models import NOTE_MAX, AnnualReport, GradeEvaluation, Organisation, Supervision
from orgs.services.grades import grade_record
from orgs.services.reports import annual_report_record, annual_report_review
from orgs.services.supervision import supervision_record


class OrganisationInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """An organisation the caller may see: another township's answers exactly like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Organisation.objects.for_user(request.user if request else None)


class _NoteMasked:
    """A record's note is free text that may name the organisation's legal representative, whose
    name the reader may see only masked."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["note"] = personal(self.context).text(instance.note, names=[instance.organisation.legal_representative])
        return data


class _RecordViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    ordering = ["-id"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation")


class GradeEvaluationSerializer(_NoteMasked, serializers.ModelSerializer):
    organisation = OrganisationInJurisdictionField()

    class Meta:
        model = GradeEvaluation
        fields = ["id", "organisation", "grade", "evaluated_on", "valid_until", "note", "updated_at"]
        read_only_fields = ["valid_until", "updated_at"]

    def get_validators(self):
        return []


class GradeViewSet(_RecordViewSet):
    """Grade evaluations 1A–5A, valid five years; refused (400 naming `evaluated_on`) unless two full
    calendar years lie between registration and evaluation, or (`organisation`) when it was not
    registered on that day."""

    serializer_class = GradeEvaluationSerializer
    queryset = GradeEvaluation.objects.all()
    filterset_fields = ["organisation", "grade"]
    ordering_fields = ["id", "evaluated_on"]

    def perform_create(self, serializer):
        serializer.instance = grade_record(user=self.request.user, **serializer.validated_data)


class AnnualReportSerializer(_NoteMasked, serializers.ModelSerializer):
    organisation = OrganisationInJurisdictionField()
    due_on = serializers.DateField(read_only=True)
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = AnnualReport
        fields = ["id", "organisation", "year", "submitted_on", "due_on", "late", "result", "note", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class AnnualReportReviewInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=AnnualReport.Result.choices, help_text=_("审查结论"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)


class AnnualReportViewSet(_RecordViewSet):
    """Annual work reports, one per organisation and year, due by 31 May of the next year. A report
    is recorded pending (`result` only from the bureau's reviewers); the review is a POST to
    `{id}/review/` (the right to change annual reports)."""

    serializer_class = AnnualReportSerializer
    queryset = AnnualReport.objects.all()
    filterset_fields = ["organisation", "year", "result"]
    ordering_fields = ["id", "year", "submitted_on"]

    def perform_create(self, serializer):
        serializer.instance = annual_report_record(user=self.request.user, **serializer.validated_data)

    @extend_schema(request=AnnualReportReviewInput, responses={200: AnnualReportSerializer})
    @action(detail=True, methods=["post"], url_path="review")
    def review(self, request, pk=None):
        data = AnnualReportReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = annual_report_review(user=request.user, report=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(report).data)


class SupervisionSerializer(_NoteMasked, serializers.ModelSerializer):
    organisation = OrganisationInJurisdictionField()

    class Meta:
        model = Supervision
        fields = ["id", "organisation", "kind", "done_on", "result", "fine", "note", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class SupervisionViewSet(_RecordViewSet):
    """Inspections (双随机抽查, audits) and sanctions (warnings, fines) as dated records."""

    serializer_class = SupervisionSerializer
    queryset = Supervision.objects.all()
    filterset_fields = ["organisation", "kind"]
    ordering_fields = ["id", "done_on"]

    def perform_create(self, serializer):
        serializer.instance = supervision_record(user=self.request.user, **serializer.validated_data)
