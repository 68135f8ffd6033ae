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


def test_every_message_has_an_english_translation():
    import re
    from pathlib import Path

    base = Path(settings.BASE_DIR)
    # The project's catalogue, and one per app that keeps its own (assistance/locale, ...).
    catalogues = [base / "locale/en/LC_MESSAGES/django.po", *sorted(base.glob("*/locale/en/LC_MESSAGES/django.po"))]
    total = 0
    for po_path in catalogues:
        po = po_path.read_text(encoding="utf-8")
        entries = re.findall(r'\nmsgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n)+)', po)
        untranslated = [
            i for i, s in entries if "".join(re.findall(r'"(.*)"', i)) and not "".join(re.findall(r'"(.*)"', s))
        ]
        assert untranslated == [], po_path
        assert "#, fuzzy" not in po, po_path
        assert po_path.with_suffix(".mo").exists(), f"{po_path}: run msgfmt"
        total += len(entries)
    assert total > 200
    mo = base / "locale/en/LC_MESSAGES/django.mo"
    assert mo.stat().st_size > 10_000  # compiled and committed (no gettext needed at run time)
