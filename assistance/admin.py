from django.contrib import admin

from assistance.models import Holiday, Standard


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The working-day calendar the deadlines count with: holidays and make-up working days (调休)."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    """Read-only here: standards are added on the standards page (a decision points at its row)."""

    list_display = ["kind", "amount", "effective_from", "method", "rounding", "note"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
