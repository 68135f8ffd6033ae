from django.conf import settings
from django.test import Client


def test_pages_are_chinese_even_for_an_english_browser(db):
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert 'lang="zh-CN"' in html and "登录" in html


def test_english_is_selectable(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html and "Log in" in html
