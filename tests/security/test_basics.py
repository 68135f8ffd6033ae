"""Security basics that stay checked (issue 15): templates escape everything they print, and the
logs never carry the personal data a refused request held. (Cache-Control: no-store on every
signed-in response is asserted by the access matrix on each request it walks.)"""

import logging
import re
from pathlib import Path

from django.conf import settings

from tests.factories import make_id_number

ROOT = Path(__file__).resolve().parents[2]
PROJECT = [p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in {"var", "tests"}]


def _files(pattern):
    for folder in PROJECT:
        yield from folder.rglob(pattern)


def test_templates_autoescape_and_nothing_is_marked_safe():
    """No template turns escaping off or marks a value safe, and no Python code builds markup with
    mark_safe: user data (names, reasons, addresses) always reaches the page escaped."""
    for engine in settings.TEMPLATES:
        assert engine.get("OPTIONS", {}).get("autoescape", True) is True
    found = []
    for path in _files("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\|\s*safe\b", r"{%\s*autoescape\s+off", r"\|\s*safeseq\b"):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    for path in _files("*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: mark_safe" for _ in re.finditer(r"\bmark_safe\(", text)]
    assert found == []


def test_a_request_refused_for_its_id_number_leaves_no_personal_data_in_the_log(officer, client_for, caplog):
    number = make_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    client = client_for(officer)
    with caplog.at_level(logging.DEBUG):
        api = client.post(
            "/api/v1/people/",
            {"name": "陈志明", "id_number": wrong, "township": "350583113", "phone": "13905951234"},
            content_type="application/json",
        )
        page = client.post("/core/people/new/", {"name": "陈志明", "id_number": wrong, "phone": "13905951234"})
        looked_up = client.get("/api/v1/people/", {"id_number": wrong})
    assert api.status_code == 400 and page.status_code in (200, 400) and looked_up.status_code in (200, 400)
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert caplog.records, "the refused requests were not logged at all"
    for secret in (wrong, wrong[:6] + wrong[-4:], "13905951234", "陈志明"):
        assert secret not in logged
