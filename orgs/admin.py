from django.contrib import admin

from orgs.models import AnnualReportCheck, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Read-only here: the registry is kept through the portal's pages and import (the services' rules)."""

    list_display = ["name", "credit_code", "type", "township", "status", "registered_on"]
    list_filter = ["type", "status"]
    search_fields = ["name", "credit_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnualReportCheck)
class AnnualReportCheckAdmin(admin.ModelAdmin):
    list_display = ["year", "run_on", "listed", "flagged", "finished_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
