"""Retention: closed requests are deleted once their closing is old enough; open ones never are."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from intake.models import REACHED_STATUSES, AccessRecord, ContactAttempt, IntakeRequest

Status = IntakeRequest.Status


def purge(*args):
    out = StringIO()
    call_command("purge_intake_requests", *args, stdout=out)
    return out.getvalue()


def closed(make_request, *, closed_ago, received_ago=None, **fields):
    """A request closed ``closed_ago`` ago, received ``received_ago`` ago (default: the same)."""
    now = timezone.now()
    received_ago = closed_ago if received_ago is None else received_ago
    return make_request(
        age=received_ago,
        status=Status.CLOSED,
        close_reason=IntakeRequest.CloseReason.REFERRED,
        closed_at=now - closed_ago,
        next_action_due=None,
        promised_by=now - received_ago + timedelta(hours=1),
        **fields,
    )


def still_open(make_request, *, received_ago, status=Status.NEW, **fields):
    """An open request received ``received_ago`` ago, its next action long overdue."""
    promised_by = timezone.now() - received_ago + timedelta(hours=1)
    return make_request(
        age=received_ago,
        status=status,
        closed_at=None,
        next_action_due=promised_by,
        promised_by=promised_by,
        first_contact_at=promised_by if status in REACHED_STATUSES else None,
        **fields,
    )


def days(n):
    return timedelta(days=n)


def attempt_on(intake_request):
    return ContactAttempt.objects.create(
        request=intake_request,
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
    )


@pytest.fixture
def requests_of_every_kind(make_request, admissions):
    old_closed = closed(
        make_request, closed_ago=days(91), received_ago=days(120), first_name="Marisol"
    )
    attempt_on(old_closed)
    attempt_on(old_closed)
    kept = {
        "old_open": still_open(make_request, received_ago=days(400), status=Status.ATTEMPTED),
        "old_new": still_open(make_request, received_ago=days(200)),
        "recent_closed": closed(make_request, closed_ago=days(89), received_ago=days(400)),
    }
    attempt_on(kept["old_open"])
    record = AccessRecord.objects.create(
        user=admissions,
        action=AccessRecord.Action.VIEW,
        request=old_closed,
        reference=old_closed.reference,
    )
    return old_closed, kept, record


def test_request_received_long_ago_but_closed_today_is_kept(settings, make_request):
    settings.INTAKE_RETENTION_DAYS = 90
    worked_for_a_year = closed(
        make_request, closed_ago=timedelta(minutes=5), received_ago=days(365)
    )
    output = purge()
    assert IntakeRequest.objects.filter(pk=worked_for_a_year.pk).exists()
    assert "Requests deleted: 0." in output


def test_age_counts_from_closing_not_from_arrival(settings, make_request):
    settings.INTAKE_RETENTION_DAYS = 90
    a_minute = timedelta(minutes=1)
    past = closed(make_request, closed_ago=days(90) + a_minute, received_ago=days(400))
    within = closed(make_request, closed_ago=days(90) - a_minute, received_ago=days(400))
    purge()
    assert not IntakeRequest.objects.filter(pk=past.pk).exists()
    assert IntakeRequest.objects.filter(pk=within.pk).exists()


def test_purge_deletes_requests_closed_past_retention_with_their_attempts_only(
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


def test_purge_clears_the_reference_only_in_access_records_of_purged_requests(
    settings, requests_of_every_kind, admissions
):
    settings.INTAKE_RETENTION_DAYS = 90
    _old_closed, kept, record = requests_of_every_kind
    kept_record = AccessRecord.objects.create(
        user=admissions,
        action=AccessRecord.Action.EXPORT,
        request=kept["recent_closed"],
        reference=kept["recent_closed"].reference,
    )
    purge()
    record.refresh_from_db()
    assert (record.request, record.reference) == (None, "")
    assert record.action == AccessRecord.Action.VIEW
    kept_record.refresh_from_db()
    assert kept_record.reference == kept["recent_closed"].reference


def test_dry_run_counts_and_deletes_nothing(settings, requests_of_every_kind):
    settings.INTAKE_RETENTION_DAYS = 90
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
    settings.INTAKE_RETENTION_DAYS = 100
    output = purge()
    assert IntakeRequest.objects.count() == 4
    assert "Requests deleted: 0." in output
    assert "Retention period in days: 100." in output


def test_days_option_overrides_the_setting(settings, requests_of_every_kind):
    settings.INTAKE_RETENTION_DAYS = 30
    output = purge("--days", "365")
    assert IntakeRequest.objects.count() == 4
    assert "Requests deleted: 0." in output
    assert "Retention period in days: 365." in output


def test_open_requests_of_any_age_are_never_deleted(make_request):
    open_statuses = [status for status in Status.values if status != Status.CLOSED]
    for status in open_statuses:
        still_open(make_request, received_ago=days(5000), status=status)
    reopened = closed(make_request, closed_ago=days(4000), received_ago=days(5000))
    reopened.save(update_fields=reopened.set_status(Status.ATTEMPTED))
    output = purge("--days", "1")
    assert IntakeRequest.objects.count() == len(open_statuses) + 1
    assert "Requests deleted: 0." in output


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("days_given", ["0", "-5", "1000000"])
def test_days_out_of_range_is_a_clear_error(days_given):
    with pytest.raises(CommandError):
        purge("--days", days_given)
