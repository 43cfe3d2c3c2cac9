"""An intake failure shows the friendly 500 page and leaks nothing anywhere.

Error reports (what Django would email to ADMINS, or show in DEBUG) and
log lines are both checked for every value the visitor typed.
"""

import io
import json
import logging
import sys
import time

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter

from intake.antispam import issue_form_token
from wellness_site.logs import JsonFormatter

SUBMITTED = {
    "first_name": "Zebulon",
    "phone": "(614) 555-0123",
    "who_for": "myself",
    "best_time": "morning",
    "voicemail_ok": "yes",
    "message": "Relapsed after nine months, scared to tell my wife",
}
# The forms of those values that could appear in a report or a log.
SECRETS = ["Zebulon", "555-0123", "6145550123", "Relapsed", "scared to tell"]


@pytest.fixture
def stdout_log():
    """What the site's JSON log handler writes, for the loggers a failure touches."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("", "django.request", "intake")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def reports():
    """The full error report Django builds for each request exception."""
    built = []

    def _build(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        built.append(reporter.get_traceback_text())
        built.append(reporter.get_traceback_html())

    got_request_exception.connect(_build)
    yield built
    got_request_exception.disconnect(_build)


def _explode(**fields):
    # Its arguments hold every submitted value, as a real service's would.
    raise RuntimeError("the database went away")


def test_a_failing_intake_view_shows_the_friendly_page_and_leaks_nothing(
    center, monkeypatch, stdout_log, reports
):
    monkeypatch.setattr("intake.views.submit_intake_request", _explode)
    visitor = Client(raise_request_exception=False)
    visitor.get("/call-back/")  # the visitor saw the form (and the phone was cached)
    data = {
        **SUBMITTED,
        "form_token": issue_form_token("callback", now=time.time() - 30),
        "hp_z7q": "",
    }
    response = visitor.post("/call-back/", data)

    assert response.status_code == 500
    page = response.content.decode()
    assert "Traceback" not in page and "RuntimeError" not in page
    assert center.main_phone_display in page
    for secret in SECRETS:
        assert secret not in page

    assert len(reports) == 2
    text_report = reports[0]
    assert "the database went away" in text_report  # the report is real...
    assert "_explode" in text_report
    for report in reports:  # ...and holds none of what was typed
        for secret in SECRETS:
            assert secret not in report, secret

    log = stdout_log.getvalue()
    lines = [json.loads(line) for line in log.splitlines()]
    errors = [line for line in lines if line["logger"] == "django.request"]
    assert errors and errors[0]["path"] == "/call-back/" and errors[0]["status"] == 500
    assert "RuntimeError" in errors[0]["exception"]
    for secret in SECRETS:
        assert secret not in log, secret


def test_error_reports_hide_post_values_and_locals_for_every_view(rf, settings):
    typed = "".join(["Zeb", "ulon"])  # so the source lines in the report do not hold it
    request = rf.post("/anywhere/", {"note": typed})
    try:
        note = request.POST["note"]
        raise ValueError("boom")
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert note == typed and typed not in report
    assert "boom" in report


def test_log_lines_are_json_with_the_path_and_never_the_query_string(rf):
    request = rf.get("/office/intake/intakerequest/?q=Zebulon")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 404
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/office/intake/intakerequest/"
    assert line["status"] == 404 and line["level"] == "WARNING"
    assert "Zebulon" not in json.dumps(line)


def test_the_development_servers_request_lines_lose_their_query_strings():
    from wellness_site.logs import DropQueryStrings

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /office/intake/intakerequest/?q=Zebulon+555-0123 HTTP/1.1", "200", "512"),
        None,
    )
    assert DropQueryStrings().filter(record)
    message = record.getMessage()
    assert message == '"GET /office/intake/intakerequest/ HTTP/1.1" 200 512'
