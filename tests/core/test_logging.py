"""A refused request is one log line without a traceback; a server error keeps its traceback."""

import logging


def test_a_403_is_logged_once_without_a_traceback(leader, client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(leader).get("/core/imports/people/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and "Traceback" not in caplog.text
