"""Roles of the architecture note, as groups with their permissions.

The group names are the role codes. `sync_role_groups` runs after every migrate so that a role
picks up the permissions of models added by later apps. An app grants its own permissions in
`<app>/roles.py` with a `ROLE_PERMISSIONS` dict of the same shape (found by core.discovery, so
core never names the apps).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.personal import ALL_PERSONAL_DATA


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    STAFF = "staff", _("局业务人员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇（街道）经办人")
    VILLAGE_ASSISTANT = "village_assistant", _("村（居）协理员")
    LEADER = "leader", _("领导")
    API_CLIENT = "api_client", _("接口用户")


#: Roles whose users belong to one township and see only it.
TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_OFFICER, Role.VILLAGE_ASSISTANT})

# Custom permissions, defined on core.User's Meta (personal data: one per kind, core.personal).
VIEW_FULL_ID = "core.view_full_id_number"
EXPORT_PERSONAL_DATA = "core.export_personal_data"
IMPORT_DATA = "core.import_data"
MANAGE_USERS = "core.manage_users"

_PEOPLE_READ = ["core.view_person", "core.view_household", "core.view_householdmember", "core.view_division"]
_PEOPLE_WRITE = [
    "core.add_person",
    "core.change_person",
    "core.add_household",
    "core.change_household",
    "core.add_householdmember",
    "core.change_householdmember",
    "core.delete_householdmember",
]

#: "app_label.codename" per role. Admin holds every permission (superuser).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [],
    Role.STAFF: [
        *_PEOPLE_READ,
        *_PEOPLE_WRITE,
        "core.add_division",
        "core.change_division",
        *ALL_PERSONAL_DATA,
        EXPORT_PERSONAL_DATA,
        IMPORT_DATA,
        "core.view_importjob",
    ],
    Role.TOWNSHIP_OFFICER: [
        *_PEOPLE_READ,
        *_PEOPLE_WRITE,
        *ALL_PERSONAL_DATA,
        EXPORT_PERSONAL_DATA,
        IMPORT_DATA,
        "core.view_importjob",
    ],
    Role.VILLAGE_ASSISTANT: [*_PEOPLE_READ, *_PEOPLE_WRITE, *ALL_PERSONAL_DATA],
    Role.LEADER: [*_PEOPLE_READ],
    Role.API_CLIENT: [*_PEOPLE_READ],
}


def role_permissions() -> dict[str, list[str]]:
    """Core's grants plus every installed app's `roles.ROLE_PERMISSIONS`."""
    from core.discovery import app_modules

    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for _config, module in app_modules("roles"):
        for role, perms in module.ROLE_PERMISSIONS.items():
            merged.setdefault(role, []).extend(perms)
    return merged


def sync_role_groups(apps=None, **kwargs) -> None:
    """Create one group per role and set exactly its permissions (idempotent), in one query for the
    permissions and two or three per role, whatever the number of grants."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, perms in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=str(role))
        group.permissions.set([by_name[perm] for perm in perms if perm in by_name])
