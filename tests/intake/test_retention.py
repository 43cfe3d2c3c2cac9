"""Retention: closed requests are deleted once old enough; open ones never are."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from intake.models import AccessRecord, ContactAttempt, IntakeRequest

Status = IntakeRequest.Status


def purge(*args):
    out = StringIO()
    call_command("purge_intake_requests", *args, stdout=out)
    return out.getvalue()


def closed(make_request, days_old, **fields):
    return make_request(
        age=timedelta(days=days_old),
        status=Status.CLOSED,
        close_reason=IntakeRequest.CloseReason.REFERRED,
        **fields,
    )


def attempt_on(intake_request):
    return ContactAttempt.objects.create(
        request=intake_request,
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
    )


@pytest.fixture
def requests_of_every_kind(make_request, admissions):
    old_closed = closed(make_request, 91, first_name="Marisol")
    attempt_on(old_closed)
    attempt_on(old_closed)
    kept = {
        "old_open": make_request(age=timedelta(days=400), status=Status.ATTEMPTED),
        "old_new": make_request(age=timedelta(days=200)),
        "recent_closed": closed(make_request, 89),
    }
    attempt_on(kept["old_open"])
    record = AccessRecord.objects.create(
        user=admissions,
        action=AccessRecord.Action.VIEW,
        request=old_closed,
        reference=old_closed.reference,
    )
    return old_closed, kept, record


def test_purge_deletes_old_closed_requests_with_their_attempts_only(
    settings, requests_of_every_kind
):
    settings.INTAKE_RETENTION_DAYS = 90
    old_closed, kept, _record = requests_of_every_kind
    output = purge()
    assert not IntakeRequest.objects.filter(pk=old_closed.pk).exists()
    assert set(IntakeRequest.objects.all()) == set(kept.values())
    assert not ContactAttempt.objects.filter(request_id=old_closed.pk).exists()
    assert ContactAttempt.objects.filter(request=kept["old_open"]).count() == 1
    assert "Requests deleted: 1." in output
    assert "Contact attempts deleted: 2." in output
    assert "Marisol" not in output


def test_purge_keeps_the_access_record_without_its_reference(requests_of_every_kind):
    _old_closed, _kept, record = requests_of_every_kind
    purge()
    record.refresh_from_db()
    assert (record.request, record.reference) == (None, "")
    assert record.action == AccessRecord.Action.VIEW


def test_purge_leaves_access_records_of_kept_requests_alone(requests_of_every_kind, admissions):
    _old_closed, kept, _record = requests_of_every_kind
    kept_record = AccessRecord.objects.create(
        user=admissions,
        action=AccessRecord.Action.EXPORT,
        request=kept["recent_closed"],
        reference=kept["recent_closed"].reference,
    )
    purge()
    kept_record.refresh_from_db()
    assert kept_record.reference == kept["recent_closed"].reference


def test_dry_run_counts_and_deletes_nothing(requests_of_every_kind):
    _old_closed, _kept, record = requests_of_every_kind
    output = purge("--dry-run")
    assert IntakeRequest.objects.count() == 4
    assert ContactAttempt.objects.count() == 3
    record.refresh_from_db()
    assert record.reference
    assert "Dry run, nothing deleted." in output
    assert "Requests to delete: 1." in output
    assert "Contact attempts to delete: 2." in output


def test_retention_period_comes_from_settings(settings, requests_of_every_kind):
    settings.INTAKE_RETENTION_DAYS = 30
    purge()
    assert not IntakeRequest.objects.filter(status=Status.CLOSED).exists()
    assert IntakeRequest.objects.count() == 2


def test_days_option_overrides_the_setting(settings, requests_of_every_kind):
    settings.INTAKE_RETENTION_DAYS = 30
    output = purge("--days", "365")
    assert IntakeRequest.objects.count() == 4
    assert "Requests deleted: 0." in output


def test_open_requests_of_any_age_are_never_deleted(make_request):
    for status in Status.values:
        if status != Status.CLOSED:
            make_request(age=timedelta(days=5000), status=status)
    purge("--days", "1")
    assert IntakeRequest.objects.count() == len(Status.values) - 1


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("days", ["0", "-5"])
def test_days_must_be_positive(days):
    with pytest.raises(CommandError):
        purge("--days", days)
