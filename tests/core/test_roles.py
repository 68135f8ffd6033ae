import pytest
from django.urls import reverse

from core.models import AccessLog
from core.roles import Role


def test_village_assistant_cannot_reach_user_management_or_admin(assistant, client_for):
    client = client_for(assistant)
    assert client.get(reverse("core:user_list")).status_code == 403
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    assert client.get("/admin/core/user/").status_code == 302


def test_admin_reaches_user_management_and_admin(admin_user, client_for):
    client = client_for(admin_user)
    assert client.get(reverse("core:user_list")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_leader_sees_masked_ids_and_nothing_is_logged(leader, client_for, honglai_household):
    person = honglai_household.head
    client = client_for(leader)
    page = client.get(reverse("core:person_detail", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.id_number not in html
    assert person.id_number[:6] + "********" + person.id_number[-4:] in html
    api = client.get(f"/api/v1/people/{person.pk}/").json()
    assert api["id_number"] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert not AccessLog.objects.exists()


def test_leader_cannot_export_or_edit(leader, client_for, honglai_household):
    client = client_for(leader)
    assert client.get(reverse("core:person_export")).status_code == 403
    assert client.get(reverse("core:person_edit", args=[honglai_household.head_id])).status_code == 403
    assert client.post("/api/v1/people/", {}, content_type="application/json").status_code == 403


def test_full_id_view_is_written_to_the_access_log(officer, client_for, honglai_household):
    person = honglai_household.head
    page = client_for(officer).get(reverse("core:person_detail", args=[person.pk]))
    assert person.id_number in page.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_type, log.object_ids) == (
        officer,
        AccessLog.Action.VIEW_FULL_ID,
        "person",
        [person.pk],
    )


def test_export_is_logged_and_masked_for_roles_without_full_id(make_user, client_for, honglai_household):
    from django.contrib.auth.models import Group, Permission

    # A role that may export but not see full IDs (the bureau may configure one).
    user = make_user(Role.STAFF)
    group = Group.objects.create(name="export-only")
    group.permissions.add(
        Permission.objects.get(codename="export_personal_data"), Permission.objects.get(codename="view_person")
    )
    user.groups.set([group])
    response = client_for(user).get(reverse("core:person_export"))
    assert response.status_code == 200
    assert honglai_household.head.id_number.encode() not in response.content
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.object_ids == [honglai_household.head_id]
    assert "脱敏" in log.detail


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        (Role.STAFF, "core.view_full_id_number", True),
        (Role.TOWNSHIP_OFFICER, "core.export_personal_data", True),
        (Role.VILLAGE_ASSISTANT, "core.export_personal_data", False),
        (Role.VILLAGE_ASSISTANT, "core.add_person", True),
        (Role.LEADER, "core.view_full_id_number", False),
        (Role.LEADER, "core.view_person", True),
        (Role.API_CLIENT, "core.add_person", False),
        (Role.ADMIN, "core.manage_users", True),
    ],
)
def test_role_groups_carry_their_permissions(make_user, role, perm, expected):
    township = "350583113" if role in {Role.TOWNSHIP_OFFICER, Role.VILLAGE_ASSISTANT} else None
    assert make_user(role, township).has_perm(perm) is expected


def test_create_staff_command_sets_role_and_township(db):
    from django.core.management import call_command

    call_command(
        "create_staff", "hl_officer", role="township_officer", township="350583113", password="Another-pass-77"
    )
    from core.models import User

    user = User.objects.get(username="hl_officer")
    assert (user.role, user.township_id, user.check_password("Another-pass-77")) == (
        "township_officer",
        "350583113",
        True,
    )
    assert [g.name for g in user.groups.all()] == ["township_officer"]


def test_create_staff_refuses_township_role_without_township(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="township"):
        call_command("create_staff", "x", role="village_assistant", password="Another-pass-77")


def test_a_migrate_or_test_flush_syncs_the_role_groups_once_and_puts_lost_grants_back(
    db, django_assert_max_num_queries
):
    """post_migrate is sent once per app (about thirty a migrate, and after every flush of a
    transactional test); the role groups are synced after the last, in a bounded number of queries
    (87 measured here; syncing after every app took thousands, ~20 s a flush)."""
    from django.contrib.auth.models import Group
    from django.core.management.sql import emit_post_migrate_signal

    from core.roles import role_permissions

    staff = Group.objects.get(name=Role.STAFF)
    staff.permissions.clear()
    with django_assert_max_num_queries(150):
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.select_related("content_type")}
    assert granted == set(role_permissions()[Role.STAFF])


def test_the_admin_shows_a_users_role_and_permissions_but_cannot_change_them(admin_user, officer, client_for):
    """Found by an attacker's walk: the admin's user form changed the role or the township without
    the groups (user_set_role changes them together), so a user could hold another role's rights."""
    client = client_for(admin_user)
    url = f"/admin/core/user/{officer.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="role"' not in page.content.decode() and 'name="groups"' not in page.content.decode()
    client.post(url, {"username": officer.username, "first_name": "改名", "role": "staff", "is_active": "on",
                      "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00"})  # fmt: skip
    officer.refresh_from_db()
    assert officer.role == "township_officer" and list(officer.groups.values_list("name", flat=True)) == [
        "township_officer"
    ]
    assert client.get("/admin/core/user/add/").status_code == 403
