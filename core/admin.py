from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.models import AccessLog, Division, Household, HouseholdMember, ImportJob, Person, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are created and given their role on the user management page, where the role, the
    township, the groups and the staff flags change together (core.services.users.user_set_role).
    Here they are shown, not edited: an edit of one without the others left a user whose groups
    (and so permissions) were another role's."""

    list_display = ["username", "first_name", "role", "township", "is_active", "last_login"]
    list_filter = ["role", "township", "is_active"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("角色", {"fields": ["role", "township"]})]
    readonly_fields = ["role", "township", "is_staff", "is_superuser", "groups", "user_permissions"]

    def has_add_permission(self, request):
        return False


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "in_plan", "is_active"]
    list_filter = ["level", "kind", "in_plan"]
    search_fields = ["code", "name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "village", "sex", "birth_date", "date_of_death"]
    list_filter = ["township", "hukou", "sex"]
    search_fields = ["name", "id_number"]
    raw_id_fields = ["township", "village"]
    readonly_fields = ["birth_date", "sex", "id_note", "created_at", "updated_at"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        """An administrator's move is a move like the clerk's: the apps hear it (core.events), as
        person_update tells them."""
        from core.events import person_moved

        # The stored township, not the form's initial one: simple_history's revert builds its form
        # on the historical row, so a revert of a move shows no change in the form.
        before = Person.objects.filter(pk=obj.pk).values_list("township_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and before != obj.township_id:
            person_moved.send(
                Person, person=obj, township_from=before, township_to=obj.township_id, user=request.user
            )  # fmt: skip


class MemberInline(admin.TabularInline):
    model = HouseholdMember
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["id", "head", "township", "village"]
    list_filter = ["township"]
    raw_id_fields = ["head", "township", "village"]
    inlines = [MemberInline]
    show_full_result_count = False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "object_type", "detail", "ip_address"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "original_name", "state", "total_rows", "created_rows", "created_by"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
