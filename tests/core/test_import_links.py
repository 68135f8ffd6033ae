"""A finished import links to what it saved, and the bad-rows file names a column once (issue 16,
item 9)."""

from core.imports import REGISTRY, reason_text


def test_every_importer_that_saves_records_links_to_their_list():
    missing = [kind for kind, importer in REGISTRY.items() if kind != "villages" and not importer.done_url]
    assert missing == []


def test_a_reason_names_its_column_once():
    assert reason_text("统一社会信用代码", "统一社会信用代码校验位错误：按前17位应为 B。") == (
        "统一社会信用代码校验位错误：按前17位应为 B。"
    )
    assert reason_text("死亡日期", "日期应在 1900-01-01 至 2100-12-31 之间。") == (
        "死亡日期：日期应在 1900-01-01 至 2100-12-31 之间。"
    )
    assert reason_text("", "文件中没有数据行") == "文件中没有数据行"
