"""Small things a clerk notices on the first day (issue 16 item 9)."""

from core.roles import Role
from core.services.users import user_create
from tests.conftest import PASSWORD
from tests.factories import SHUITOU


def test_the_top_bar_does_not_repeat_a_role_the_name_already_says(db, client_for):
    user = user_create(username="wangli", password=PASSWORD, role=Role.STAFF, full_name="局业务人员 王丽")
    html = client_for(user).get("/").content.decode()
    assert "局业务人员 王丽 · 局业务人员" not in html and "局业务人员 王丽" in html


def test_the_new_user_form_starts_on_the_narrowest_role(admin_user, client_for):
    html = client_for(admin_user).get("/core/users/").content.decode()
    assert 'value="village_assistant" selected' in html
    assert 'value="admin" selected' not in html


def test_a_township_officer_is_named_once_with_their_title_and_township(db, client_for):
    user = user_create(username="lin", password=PASSWORD, role=Role.TOWNSHIP_OFFICER, township_code=SHUITOU,
                       full_name="水头镇经办人 林建国")  # fmt: skip
    assert user.top_bar_label == "水头镇经办人 林建国"
    plain = user_create(username="lin2", password=PASSWORD, role=Role.TOWNSHIP_OFFICER, township_code=SHUITOU)
    assert plain.top_bar_label == "lin2 · 乡镇（街道）经办人 · 水头镇"


def test_pages_say_what_they_are_in_the_browser_tab(admin_user, client_for):
    import re

    client = client_for(admin_user)
    for path, title in [
        ("/core/imports/people/", "导入"),
        ("/core/people/new/", "登记人员"),
        ("/core/users/", "用户管理"),
    ]:
        html = client.get(path).content.decode()
        assert re.search(r"<title>\s*[^<]*" + title, html), path


def test_the_address_box_beside_create_household_has_a_label(staff, client_for, honglai):
    from tests.factories import PersonFactory

    person = PersonFactory(township=honglai)
    html = client_for(staff).get(f"/core/people/{person.pk}/").content.decode()
    assert '<label class="form-label small mb-0 text-nowrap" for="id_address">住址</label>' in html


def test_the_menu_follows_a_role_change_and_the_language_at_once(db, make_user, client_for):
    """The top menu is cached per user, role and language (it costs a third of a small page);
    a changed role or a switched language never shows the old one."""
    from core.roles import Role
    from core.services.users import user_set_role

    user = make_user(Role.LEADER)
    client = client_for(user)
    assert "用户管理" not in client.get("/").content.decode()
    user_set_role(user=user, role=Role.ADMIN)
    assert "用户管理" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Users" in english and "用户管理" not in english
