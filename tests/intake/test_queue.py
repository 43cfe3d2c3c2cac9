"""The call-back queue: due times, lateness, order, and logging an attempt in one step."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from content.models import CenterProfile
from intake.models import AccessRecord, ContactAttempt, IntakeRequest
from intake.services import intake_request_log_attempt, submit_intake_request
from tests.auth import sign_in

Status = IntakeRequest.Status
Outcome = ContactAttempt.Outcome
Method = ContactAttempt.Method

# A Tuesday, mid-morning, in the site's time zone (America/New_York).
NOW = timezone.make_aware(datetime(2026, 11, 24, 10, 0))


def url(name, *args):
    return reverse(f"admin:intake_{name}", args=args)


def listed(response):
    return [r.reference for r in response.context["cl"].result_list]


@pytest.fixture
def clock(monkeypatch):
    """Fix "now" for the console; returns a function that moves it."""
    moments = [NOW]
    monkeypatch.setattr("django.utils.timezone.now", lambda: moments[-1])
    return moments.append


@pytest.fixture
def business_hours_promise(db):
    """One business hour, Monday to Friday, 9 a.m. to 5 p.m."""
    profile = CenterProfile.objects.get_cached()
    profile.callback_promise_minutes = 60
    profile.callback_business_hours_only = True
    profile.business_days = "12345"
    profile.business_opens = time(9)
    profile.business_closes = time(17)
    profile.save()
    return profile


def local(*args):
    return timezone.make_aware(datetime(*args))


def log(client, intake_request, **data):
    return client.post(url("intakerequest_log_attempt", intake_request.pk), data)


# The promise is fixed when a request arrives ------------------------------------------


def test_a_request_sent_on_friday_evening_is_due_on_monday_morning(business_hours_promise):
    intake_request, created = submit_intake_request(
        form_token=uuid.uuid4(),
        kind=IntakeRequest.Kind.CALLBACK,
        first_name="Jordan",
        phone="+16145550199",
        received_at=local(2026, 11, 27, 16, 30),
    )
    assert created
    assert intake_request.promised_by == local(2026, 11, 30, 9, 30)
    assert intake_request.next_action_due == intake_request.promised_by


def test_a_request_around_the_clock_is_due_an_hour_after_it_arrives(db):
    profile = CenterProfile.objects.get_cached()
    profile.callback_business_hours_only = False
    profile.callback_promise_minutes = 45
    profile.save()
    received = local(2026, 11, 28, 23, 50)
    intake_request, _created = submit_intake_request(
        form_token=uuid.uuid4(),
        kind=IntakeRequest.Kind.CALLBACK,
        first_name="Jordan",
        phone="+16145550199",
        received_at=received,
    )
    assert intake_request.promised_by == received + timedelta(minutes=45)


# Late, and the order of the queue -----------------------------------------------------


def test_a_request_sent_at_the_weekend_is_not_late_before_monday(
    client, admissions, business_hours_promise, clock
):
    clock(local(2026, 11, 28, 15, 0))  # Saturday afternoon
    intake_request, _created = submit_intake_request(
        form_token=uuid.uuid4(),
        kind=IntakeRequest.Kind.CALLBACK,
        first_name="Jordan",
        phone="+16145550199",
        received_at=local(2026, 11, 28, 9, 0),
    )
    sign_in(client, admissions)
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert "intake-overdue" not in html
    assert "Due Mon Nov. 30, 10 a.m." in html
    clock(local(2026, 11, 30, 10, 20))  # Monday: due at 10:00
    sign_in(client, admissions)  # a new day, a new sign-in
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert "Call-back late by 20 min" in html
    assert intake_request.reference in html


def test_a_follow_up_is_late_once_its_next_try_has_passed(client, admissions, make_request, clock):
    make_request(
        status=Status.ATTEMPTED,
        received_at=NOW - timedelta(days=1),
        next_action_due=NOW - timedelta(minutes=35),
    )
    make_request(
        status=Status.ATTEMPTED,
        received_at=NOW - timedelta(days=2),
        next_action_due=NOW + timedelta(hours=2),
    )
    sign_in(client, admissions)
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert html.count('class="intake-overdue"') == 1
    assert "Late by 35 min" in html
    assert "Due noon" in html
    late = client.get(url("intakerequest_changelist"), {"due": "late"})
    assert len(listed(late)) == 1


def test_queue_puts_the_most_overdue_first_then_the_rest_by_due_time(
    client, admissions, make_request, clock
):
    def request(status, received_ago, due_in):
        fields = {"status": status, "received_at": NOW - received_ago}
        if status == Status.NEW:
            fields["promised_by"] = NOW + due_in
        fields["next_action_due"] = NOW + due_in
        return make_request(**fields).reference

    follow_up_overdue = request(Status.ATTEMPTED, timedelta(days=3), -timedelta(hours=3))
    new_late_a_little = request(Status.NEW, timedelta(hours=2), -timedelta(minutes=10))
    contacted_due_later = request(Status.CONTACTED, timedelta(days=4), timedelta(hours=5))
    new_late_a_lot = request(Status.NEW, timedelta(hours=5), -timedelta(hours=4))
    new_not_due = request(Status.NEW, timedelta(minutes=5), timedelta(minutes=55))
    follow_up_just_due = request(Status.ATTEMPTED, timedelta(days=1), -timedelta(minutes=1))
    sign_in(client, admissions)
    assert listed(client.get(url("intakerequest_changelist"))) == [
        new_late_a_lot,
        new_late_a_little,
        follow_up_overdue,
        follow_up_just_due,
        new_not_due,
        contacted_due_later,
    ]


def test_waiting_stops_at_the_first_contact(client, admissions, make_request, clock):
    make_request(
        status=Status.CONTACTED,
        received_at=NOW - timedelta(days=2),
        first_contact_at=NOW - timedelta(days=2) + timedelta(minutes=25),
    )
    make_request(received_at=NOW - timedelta(minutes=40))
    sign_in(client, admissions)
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert "Reached after 25 min" in html
    assert '<td data-label="Waiting" class="field-waiting">40 min</td>' in html


def test_list_shows_the_discretion_badges_and_the_attempts(
    client, admissions, make_request, clock
):
    no_voicemail = make_request(voicemail_ok=False, texts_ok=True)
    ContactAttempt.objects.create(
        request=no_voicemail, method=Method.PHONE, outcome=Outcome.NO_ANSWER
    )
    sign_in(client, admissions)
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert '<span class="intake-badge intake-badge-stop">No voicemail</span>' in html
    assert '<span class="intake-badge">Texts OK</span>' in html
    log_url = url("intakerequest_log_attempt", no_voicemail.pk)
    assert f'1 <a class="intake-log-link" href="{log_url}">Log attempt</a>' in html


def test_list_query_count_stays_the_same_with_500_requests(
    client, admissions, make_request, django_assert_max_num_queries
):
    from django.db import connection

    earlier = make_request(age=timedelta(days=1))
    make_request(assigned_to=admissions, duplicate_of=earlier)
    sign_in(client, admissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("intakerequest_changelist")).status_code == 200
    now = timezone.now()
    many = [
        IntakeRequest(
            kind=IntakeRequest.Kind.CALLBACK,
            first_name=f"Person {n}",
            phone="+16145550199",
            form_token=uuid.uuid4(),
            received_at=now - timedelta(minutes=n),
            promised_by=now - timedelta(minutes=n) + timedelta(hours=1),
            next_action_due=now - timedelta(minutes=n) + timedelta(hours=1),
            assigned_to=admissions,
            duplicate_of=earlier,
            voicemail_ok=bool(n % 2),
        )
        for n in range(500)
    ]
    IntakeRequest.objects.bulk_create(many)
    ContactAttempt.objects.bulk_create(
        ContactAttempt(request=r, method=Method.PHONE, outcome=Outcome.NO_ANSWER)
        for r in IntakeRequest.objects.all()[:200]
    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("intakerequest_changelist"))
    assert len(listed(response)) == 100  # one page of the list


# Logging an attempt in one step -----------------------------------------------------


def test_no_answer_try_again_in_two_hours(client, admissions, make_request, clock):
    intake_request = make_request(received_at=NOW - timedelta(minutes=30))
    sign_in(client, admissions)
    response = log(
        client, intake_request, method="phone", outcome="no_answer", next_try="2h", note="Rang"
    )
    assert response.status_code == 302
    assert response.url == url("intakerequest_changelist")
    queue = client.get(response.url).content.decode()
    assert f"{intake_request.reference}: “No answer” logged. Next try: 11/24/2026 noon<" in queue
    intake_request.refresh_from_db()
    assert intake_request.status == Status.ATTEMPTED
    assert intake_request.next_action_due == NOW + timedelta(hours=2)
    assert intake_request.first_contact_at is None
    attempt = intake_request.attempts.get()
    assert (attempt.by, attempt.outcome, attempt.note) == (admissions, Outcome.NO_ANSWER, "Rang")
    assert attempt.next_try_at == NOW + timedelta(hours=2)


@pytest.mark.parametrize(
    ("button", "best_time", "expected"),
    [
        ("1h", "evening", NOW + timedelta(hours=1)),
        ("best", "evening", local(2026, 11, 24, 18, 0)),
        ("best", "morning", local(2026, 11, 25, 9, 0)),
        ("tomorrow", "any", local(2026, 11, 25, 9, 0)),
    ],
)
def test_quick_choices_schedule_the_next_try(
    client, admissions, make_request, clock, button, best_time, expected
):
    intake_request = make_request(best_time=best_time)
    sign_in(client, admissions)
    log(client, intake_request, method="phone", outcome="no_answer", next_try=button)
    intake_request.refresh_from_db()
    assert intake_request.next_action_due == expected


def test_best_time_choice_is_offered_only_when_they_gave_one(
    client, admissions, make_request, clock
):
    sign_in(client, admissions)
    evening = make_request(best_time="evening")
    anytime = make_request(best_time="any")
    page = client.get(url("intakerequest_log_attempt", evening.pk)).content.decode()
    assert "At their best time (evening): today at 6 p.m." in page
    page = client.get(url("intakerequest_log_attempt", anytime.pk)).content.decode()
    assert 'value="best"' not in page


def test_next_try_at_a_chosen_time(client, admissions, make_request, clock):
    intake_request = make_request()
    sign_in(client, admissions)
    log(
        client,
        intake_request,
        method="phone",
        outcome="no_answer",
        next_try="at",
        next_try_at="2026-11-26T14:30",
    )
    intake_request.refresh_from_db()
    assert intake_request.next_action_due == local(2026, 11, 26, 14, 30)


def test_a_next_try_in_the_past_or_missing_is_refused_and_the_note_kept(
    client, admissions, make_request, clock
):
    intake_request = make_request()
    sign_in(client, admissions)
    response = log(
        client,
        intake_request,
        method="phone",
        outcome="no_answer",
        note="Line busy",
        next_try="at",
        next_try_at="2026-11-20T14:30",
    )
    assert response.status_code == 200
    assert "The next try must be later than now." in response.content.decode()
    assert 'value="Line busy"' in response.content.decode()
    response = log(client, intake_request, method="phone", outcome="no_answer", next_try="at")
    assert "Enter the date and time of the next try." in response.content.decode()
    response = log(
        client,
        intake_request,
        method="phone",
        outcome="no_answer",
        next_try="at",
        next_try_at="2062-11-26T14:30",
    )
    assert "The next try must be within 30 days." in response.content.decode()
    response = log(client, intake_request, method="phone", next_try="1h")
    assert "Choose what happened." in response.content.decode()
    assert not intake_request.attempts.exists()


def test_an_attempt_can_close_the_request_with_a_reason(client, admissions, make_request, clock):
    intake_request = make_request()
    sign_in(client, admissions)
    response = log(
        client, intake_request, method="phone", outcome="wrong_number", next_try="close"
    )
    assert "Choose why the request is closed." in response.content.decode()
    log(
        client,
        intake_request,
        method="phone",
        outcome="wrong_number",
        next_try="close",
        close_reason="unreachable",
    )
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.close_reason) == (Status.CLOSED, "unreachable")
    assert (intake_request.closed_at, intake_request.next_action_due) == (NOW, None)
    # A closed request takes no more attempts until it is reopened.
    response = log(client, intake_request, method="phone", outcome="no_answer", next_try="1h")
    assert response.status_code == 302
    assert intake_request.attempts.count() == 1


def test_the_request_page_carries_the_same_form_and_comes_back(
    client, admissions, make_request, clock
):
    intake_request = make_request()
    sign_in(client, admissions)
    page = client.get(url("intakerequest_change", intake_request.pk)).content.decode()
    action = url("intakerequest_log_attempt", intake_request.pk) + "?from=request"
    assert f'action="{action}"' in page
    response = client.post(action, {"method": "phone", "outcome": "reached", "next_try": "1h"})
    assert response.url == url("intakerequest_change", intake_request.pk)


def test_opening_the_attempt_page_is_recorded_and_needs_admissions(
    client, admissions, editor, make_request
):
    intake_request = make_request()
    sign_in(client, editor)
    assert client.get(url("intakerequest_log_attempt", intake_request.pk)).status_code == 403
    sign_in(client, admissions)
    assert client.get(url("intakerequest_log_attempt", intake_request.pk)).status_code == 200
    assert AccessRecord.objects.filter(
        request=intake_request, user=admissions, action=AccessRecord.Action.VIEW
    ).exists()


def test_what_the_person_typed_is_escaped_on_the_attempt_page(client, admissions, make_request):
    typed = "<script>alert(1)</script> & co"
    intake_request = make_request(first_name=typed)
    sign_in(client, admissions)
    html = client.get(url("intakerequest_log_attempt", intake_request.pk)).content.decode()
    assert typed not in html
    assert escape(typed) in html


# Discretion -------------------------------------------------------------------------


def test_a_voicemail_for_someone_who_said_no_is_refused_with_the_reason(
    client, admissions, make_request, clock
):
    intake_request = make_request(voicemail_ok=False)
    sign_in(client, admissions)
    response = log(client, intake_request, method="phone", outcome="voicemail", next_try="1h")
    assert response.status_code == 200
    assert "They said no voicemail: someone else may hear it." in response.content.decode()
    assert not intake_request.attempts.exists()
    intake_request.refresh_from_db()
    assert intake_request.status == Status.NEW


def test_a_voicemail_against_their_choice_needs_a_reason_that_is_recorded(
    client, admissions, make_request, clock
):
    intake_request = make_request(voicemail_ok=False)
    sign_in(client, admissions)
    log(
        client,
        intake_request,
        method="phone",
        outcome="voicemail",
        next_try="1h",
        override_reason="Referring doctor asked us to leave the clinic's number.",
    )
    attempt = intake_request.attempts.get()
    assert attempt.override_reason == "Referring doctor asked us to leave the clinic's number."


def test_a_voicemail_is_fine_when_they_said_yes_and_no_reason_is_kept(
    admissions, make_request, clock
):
    intake_request = make_request(voicemail_ok=True)
    attempt = intake_request_log_attempt(
        intake_request=intake_request,
        by=admissions,
        method=Method.PHONE,
        outcome=Outcome.VOICEMAIL,
        next_try_at=NOW + timedelta(hours=1),
        override_reason="not needed",
    )
    assert attempt.override_reason == ""


def test_a_text_needs_their_yes(admissions, make_request, clock):
    from django.core.exceptions import ValidationError

    declined = make_request(texts_ok=False)
    with pytest.raises(ValidationError) as refused:
        intake_request_log_attempt(
            intake_request=declined,
            by=admissions,
            method=Method.TEXT,
            outcome=Outcome.MESSAGE_SENT,
            next_try_at=NOW + timedelta(hours=1),
        )
    assert "did not agree to texts" in str(refused.value.message_dict["method"])
    agreed = make_request(texts_ok=True)
    intake_request_log_attempt(
        intake_request=agreed,
        by=admissions,
        method=Method.TEXT,
        outcome=Outcome.MESSAGE_SENT,
        next_try_at=NOW + timedelta(hours=1),
    )
    assert agreed.attempts.count() == 1
    assert not declined.attempts.exists()


def test_the_attempt_page_says_no_voicemail_before_anything_is_chosen(
    client, admissions, make_request
):
    intake_request = make_request(voicemail_ok=False, texts_ok=False)
    sign_in(client, admissions)
    html = client.get(url("intakerequest_log_attempt", intake_request.pk)).content.decode()
    assert '<span class="intake-badge intake-badge-stop">No voicemail</span>' in html
    assert '<span class="intake-badge intake-badge-stop">No texts</span>' in html


# Status and first contact never disagree ----------------------------------------------


def test_reaching_them_stamps_the_first_contact_once(admissions, make_request, clock):
    intake_request = make_request(status=Status.ATTEMPTED, received_at=NOW - timedelta(hours=3))
    for minutes_ago in (30, 5):
        intake_request_log_attempt(
            intake_request=intake_request,
            by=admissions,
            method=Method.PHONE,
            outcome=Outcome.REACHED,
            next_try_at=NOW + timedelta(days=1),
            at=NOW - timedelta(minutes=minutes_ago),
        )
    intake_request.refresh_from_db()
    assert intake_request.status == Status.CONTACTED
    assert intake_request.first_contact_at == NOW - timedelta(minutes=30)


@pytest.mark.parametrize("status", [Status.CONTACTED, Status.ASSESSMENT, Status.ADMITTED])
def test_setting_a_reached_status_by_hand_stamps_the_first_contact(
    client, admissions, make_request, clock, status
):
    from tests.intake.test_admin_console import change_data

    intake_request = make_request(received_at=NOW - timedelta(hours=2))
    sign_in(client, admissions)
    response = client.post(
        url("intakerequest_change", intake_request.pk), change_data(intake_request, status=status)
    )
    assert response.status_code == 302
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.first_contact_at) == (status, NOW)
    # The list and the dashboard read the same fields.
    html = client.get(url("intakerequest_changelist")).content.decode()
    assert "Reached after 2 h" in html
    dashboard = client.get(url("intakerequest_dashboard"))
    assert dashboard.status_code == 200


def test_the_database_refuses_a_reached_status_without_a_first_contact(make_request):
    intake_request = make_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeRequest.objects.filter(pk=intake_request.pk).update(status=Status.CONTACTED)


def test_the_database_refuses_an_open_request_without_a_next_action(make_request):
    intake_request = make_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeRequest.objects.filter(pk=intake_request.pk).update(next_action_due=None)


def test_closing_by_hand_stamps_the_closing_and_reopening_makes_it_due_now(
    client, admissions, make_request, clock
):
    from tests.intake.test_admin_console import change_data

    intake_request = make_request()
    sign_in(client, admissions)
    client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, status=Status.CLOSED, close_reason="referred"),
    )
    intake_request.refresh_from_db()
    assert (intake_request.closed_at, intake_request.next_action_due) == (NOW, None)
    client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, status=Status.ATTEMPTED, close_reason=""),
    )
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.closed_at) == (Status.ATTEMPTED, None)
    assert intake_request.next_action_due == NOW


def test_an_open_request_cannot_lose_its_next_action(client, admissions, make_request):
    from tests.intake.test_admin_console import change_data

    intake_request = make_request(status=Status.ATTEMPTED)
    sign_in(client, admissions)
    response = client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, next_action_due_0="", next_action_due_1=""),
    )
    assert response.status_code == 200
    assert "An open request needs a next action" in response.content.decode()


def test_the_close_action_stamps_the_closing(client, admissions, make_request, clock):
    intake_request = make_request()
    sign_in(client, admissions)
    client.post(
        url("intakerequest_changelist"),
        {
            "action": "close_with_reason",
            "_selected_action": [intake_request.pk],
            "close_reason": "duplicate",
            "apply": "Close",
        },
    )
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.closed_at) == (Status.CLOSED, NOW)


def test_the_request_page_says_no_voicemail_in_words(client, admissions, make_request):
    intake_request = make_request(voicemail_ok=False, texts_ok=True)
    sign_in(client, admissions)
    html = client.get(url("intakerequest_change", intake_request.pk)).content.decode()
    assert (
        '<span class="intake-badge intake-badge-stop">No voicemail</span> '
        "They asked us not to leave one."
    ) in html
    assert "Texts OK" in html
