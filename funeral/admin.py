from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funeral.models import (
    DeathRecord,
    Facility,
    FeeItemPrice,
    Placement,
    TombCase,
    Waiver,
    WaiverEligibleCategory,
    WaiverLine,
)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "level",
        "township",
        "graves_used",
        "grave_capacity",
        "niches_used",
        "niche_capacity",
        "status",
    ]
    list_filter = ["kind", "level", "status"]
    search_fields = ["name"]


class PlacementInline(admin.StackedInline):
    model = Placement
    extra = 0
    raw_id_fields = ["facility"]


@admin.register(DeathRecord)
class DeathRecordAdmin(SimpleHistoryAdmin):
    list_display = ["id", "person", "identity_unknown", "township", "date_of_death", "cremation_date"]
    list_filter = ["township", "identity_unknown"]
    raw_id_fields = ["person", "funeral_home", "created_by"]
    date_hierarchy = "date_of_death"
    inlines = [PlacementInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # a death is recorded through the service (it tells core and the other apps)


class WaiverLineInline(admin.TabularInline):
    model = WaiverLine
    extra = 0
    can_delete = False
    readonly_fields = ["item", "charged", "amount"]


@admin.register(Waiver)
class WaiverAdmin(admin.ModelAdmin):
    list_display = ["record", "granted_on", "total"]
    raw_id_fields = ["record", "granted_by"]
    readonly_fields = ["total", "categories"]
    inlines = [WaiverLineInline]


@admin.register(FeeItemPrice)
class FeeItemPriceAdmin(admin.ModelAdmin):
    list_display = ["item", "price", "effective_from", "note"]
    list_filter = ["item"]


@admin.register(WaiverEligibleCategory)
class WaiverEligibleCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]


@admin.register(TombCase)
class TombCaseAdmin(SimpleHistoryAdmin):
    list_display = ["township", "location", "kind", "found_on", "action", "closed_on"]
    list_filter = ["kind", "action", "township"]
    raw_id_fields = ["village", "created_by"]
