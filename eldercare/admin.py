from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from eldercare.models import (
    Assessment,
    BedCount,
    CommunityFacility,
    HomeAdaptation,
    Institution,
    InstitutionListing,
    Subsidy,
    SubsidyStandard,
    TrainingSession,
    Visit,
    VisitInterval,
    VisitTarget,
)  # fmt: skip
from eldercare.services.visits import visit_targets_refresh


class BedCountInline(admin.TabularInline):
    model = BedCount
    extra = 0
    fields = ["as_of", "total_beds", "nursing_beds", "created_by"]
    readonly_fields = ["created_by"]


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "ownership", "township", "status", "star_grade", "opened_on", "closed_on"]
    list_filter = ["ownership", "status", "star_grade", "medical_care"]
    search_fields = ["name", "credit_code"]
    inlines = [BedCountInline]


@admin.register(CommunityFacility)
class CommunityFacilityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "township", "status", "full_time_care", "day_care", "home_visits"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "assessed_on", "total", "level", "assessor"]
    list_filter = ["level"]
    raw_id_fields = ["person", "created_by"]
    exclude = ["township"]  # the person's, set on save
    date_hierarchy = "assessed_on"

    def has_change_permission(self, request, obj=None):
        return False  # an assessment is never edited: a new one is recorded


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(admin.ModelAdmin):
    list_display = ["kind", "threshold", "amount", "effective_from", "note"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False  # a new standard is a new row from its date; the old one pays the past


@admin.register(Subsidy)
class SubsidyAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "starts_on", "status", "ended_on"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["person", "created_by"]
    exclude = ["township"]  # the person's, set on save


@admin.register(VisitInterval)
class VisitIntervalAdmin(admin.ModelAdmin):
    list_display = ["group", "days", "updated_at"]


@admin.register(VisitTarget)
class VisitTargetAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "since", "ended_on"]
    list_filter = ["group"]
    raw_id_fields = ["person", "created_by"]
    exclude = ["township"]  # the person's, set on save

    def save_model(self, request, obj, form, change):
        """An entry made or moved to another person here starts from that person's latest visit."""
        super().save_model(request, obj, form, change)
        visit_targets_refresh([obj.person_id])


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """A visit changed or deleted here moves the due day of the people it was, and is, of (the
    programme keeps each person's latest visit: eldercare.services.visits)."""

    list_display = ["person", "visited_on", "way", "visitor"]
    raw_id_fields = ["person", "created_by"]
    date_hierarchy = "visited_on"

    def save_model(self, request, obj, form, change):
        before = Visit.objects.filter(pk=obj.pk).values_list("person_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        visit_targets_refresh({obj.person_id, before} - {None})

    def delete_model(self, request, obj):
        person_id = obj.person_id
        super().delete_model(request, obj)
        visit_targets_refresh([person_id])

    def delete_queryset(self, request, queryset):
        people = set(queryset.values_list("person_id", flat=True))
        super().delete_queryset(request, queryset)
        visit_targets_refresh(people)


@admin.register(InstitutionListing)
class InstitutionListingAdmin(admin.ModelAdmin):
    list_display = ["institution", "kind", "listed_on", "removed_on"]
    list_filter = ["kind"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "held_on", "trainees", "township"]
    list_filter = ["audience"]


@admin.register(HomeAdaptation)
class HomeAdaptationAdmin(admin.ModelAdmin):
    list_display = ["person", "state", "applied_on", "accepted_on", "cost"]
    list_filter = ["state"]
    raw_id_fields = ["person", "created_by"]
