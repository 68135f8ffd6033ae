"""The Django admin for the bureau's administrators: read-mostly views of the registers (every
change to a child's file goes through the services from the pages, the API or the import)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from childwelfare.models import (
    Adoption,
    AllowanceStandard,
    Child,
    ChildCategory,
    ChildWorker,
    Recognition,
    Station,
    Visit,
    VisitInterval,
)


class CategoryInline(admin.TabularInline):
    model = ChildCategory
    extra = 0
    fields = ["code", "start", "end", "end_reason", "father_situation", "mother_situation", "distress_reason"]
    readonly_fields = fields
    can_delete = False


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ["person", "township", "care_setting", "opened_on", "closed_on", "visit_due_on"]
    list_filter = ["care_setting", "township", "in_school"]
    search_fields = ["person__name", "person__id_number"]
    raw_id_fields = ["person", "village", "created_by"]
    readonly_fields = ["last_visit_on", "visit_due_on", "turning_18_flagged_on", "created_by"]
    inlines = [CategoryInline]


@admin.register(Recognition)
class RecognitionAdmin(SimpleHistoryAdmin):
    list_display = ["child", "kind", "state", "applied_on", "verify_due", "verified_on", "confirm_due", "decided_on"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["child", "verified_by", "decided_by", "created_by"]
    readonly_fields = ["state", "verified_by", "decided_by", "created_by"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["child", "visited_on", "visitor_name"]
    raw_id_fields = ["child", "created_by"]
    date_hierarchy = "visited_on"


@admin.register(VisitInterval)
class VisitIntervalAdmin(admin.ModelAdmin):
    list_display = ["code", "days"]


@admin.register(AllowanceStandard)
class AllowanceStandardAdmin(admin.ModelAdmin):
    list_display = ["kind", "amount", "effective_from", "note"]
    list_filter = ["kind"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["township", "kind", "name", "opened_on", "closed_on", "status"]
    list_filter = ["kind", "status", "township"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["registration_no", "registered_on", "child", "adopter", "second_adopter", "township"]
    raw_id_fields = ["child", "adopter", "second_adopter", "created_by"]
    date_hierarchy = "registered_on"


@admin.register(ChildWorker)
class ChildWorkerAdmin(admin.ModelAdmin):
    list_display = ["kind", "name", "township", "village", "since", "until", "last_trained_on"]
    list_filter = ["kind", "township"]
    raw_id_fields = ["village"]
