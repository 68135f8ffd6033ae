"""The plan's reference text speaks the page's language (issue 16, item 4): in Chinese, every
indicator's 计算口径 and every key project's 可衡量目标 are Chinese, as the plan writes them; in
English, the indicator names and the projects' targets are English."""

import re

from django.utils.html import strip_tags

#: ASCII words a Chinese page may carry: the language switch, file formats and the API's name.
ALLOWED = {"English", "Excel", "PDF", "API", "xlsx", "REST"}
WORD = re.compile(r"[A-Za-z]{2,}")


def visible_words(html: str, username: str) -> set[str]:
    body = html.split("<body", 1)[1].split(">", 1)[1].replace(username, "")
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return set(WORD.findall(strip_tags(body))) - ALLOWED


def test_the_dashboard_and_an_indicator_page_in_chinese_hold_no_english_words(leader, client_for):
    client = client_for(leader)
    for url in ("/indicators/", "/indicators/2/", "/indicators/5/", "/indicators/13/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert visible_words(html, leader.username) == set(), url
    assert "年末运营中的养老机构护理型床位数之和" in client.get("/indicators/2/").content.decode()
    assert "床位350张" in client.get("/indicators/").content.decode()


def test_in_english_the_names_and_targets_are_english(leader, client_for):
    client = client_for(leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/indicators/"})
    dashboard = client.get("/indicators/").content.decode()
    assert "Nursing-type beds as a share of all beds" in dashboard
    assert "350 beds; 16937 m2 floor area" in dashboard
    detail = client.get("/indicators/2/").content.decode()
    assert "sum(nursing-type beds)" in detail
