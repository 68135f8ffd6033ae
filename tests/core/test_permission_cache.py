"""Each user's permission set is cached between requests (core.backends.CachedPermissionsBackend):
a page asks no permission query once the set is cached, and any change of what the user may do
applies from the very next request (perms_version moves), whichever way it was made."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import User
from core.roles import Role


def _permission_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries if "auth_permission" in q["sql"]]


def test_a_second_page_asks_no_permission_query(staff, client_for):
    client = client_for(staff)
    _response, first = _permission_queries(client, "/orgs/stations/")
    response, second = _permission_queries(client, "/orgs/stations/")
    assert first and response.status_code == 200
    assert second == []


def test_a_permission_given_or_taken_applies_on_the_next_request(make_user, client_for):
    user = make_user(Role.LEADER)
    client = client_for(user)
    url = "/core/users/"
    assert client.get(url).status_code == 403  # a leader does not manage users
    permission = Permission.objects.get(codename="manage_users", content_type__app_label="core")
    user.user_permissions.add(permission)
    assert User.objects.get(pk=user.pk).perms_version > user.perms_version
    assert client.get(url).status_code == 200
    user.user_permissions.remove(permission)
    assert client.get(url).status_code == 403


def test_a_change_to_the_roles_group_applies_to_its_members_on_the_next_request(make_user, client_for):
    user = make_user(Role.LEADER)
    client = client_for(user)
    assert client.get("/core/users/").status_code == 403
    group = Group.objects.get(name=Role.LEADER)
    permission = Permission.objects.get(codename="manage_users", content_type__app_label="core")
    group.permissions.add(permission)
    assert client.get("/core/users/").status_code == 200
    permission.group_set.remove(group)  # from the other side
    assert client.get("/core/users/").status_code == 403


def test_a_new_role_applies_on_the_next_request(make_user, client_for):
    from core.services.users import user_set_role

    user = make_user(Role.LEADER)
    client = client_for(user)
    assert client.get("/orgs/new/").status_code == 403
    user_set_role(user=user, role=Role.STAFF)
    assert client.get("/orgs/new/").status_code == 200


def test_a_deactivated_user_has_no_permission_even_with_a_cached_set(make_user, client_for):
    user = make_user(Role.STAFF)
    client = client_for(user)
    assert client.get("/orgs/new/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/orgs/new/").status_code in (302, 403)


def test_the_signed_in_users_township_comes_with_the_user(make_user, client_for):
    """One query for the user and their township, not a Division query on top (seen under load)."""
    from tests.factories import HONGLAI

    client = client_for(make_user(Role.TOWNSHIP_OFFICER, HONGLAI))
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    division_alone = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "core_division"')]
    assert not [q for q in division_alone if '"core_division"."code" = ' in q and "LIMIT 21" in q]


def test_deleting_a_group_takes_its_permissions_away_on_the_next_request(make_user, client_for):
    """Found by review: Django removes a deleted group's memberships without m2m_changed."""
    user = make_user(Role.LEADER)
    extra = Group.objects.create(name="临时授权")
    extra.permissions.add(Permission.objects.get(codename="manage_users", content_type__app_label="core"))
    user.groups.add(extra)
    client = client_for(user)
    assert client.get("/core/users/").status_code == 200
    extra.delete()
    assert client.get("/core/users/").status_code == 403


def test_a_stale_user_saved_in_full_does_not_bring_an_old_permission_set_back(make_user, client_for):
    """Found by review: a full save of an instance read before a change wrote the old version back."""
    user = make_user(Role.LEADER)
    permission = Permission.objects.get(codename="manage_users", content_type__app_label="core")
    user.user_permissions.add(permission)
    stale = User.objects.get(pk=user.pk)
    client = client_for(user)
    assert client.get("/core/users/").status_code == 200  # the set with the grant is now cached
    user.user_permissions.remove(permission)
    stale.first_name = "新名字"
    stale.save()
    assert client.get("/core/users/").status_code == 403
