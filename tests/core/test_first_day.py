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
