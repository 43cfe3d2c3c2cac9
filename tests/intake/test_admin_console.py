"""The admissions console: who gets in, the request list, the request page, actions, access log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from intake.models import AccessRecord, ContactAttempt, IntakeRequest
from tests.auth import sign_in

Status = IntakeRequest.Status
Outcome = ContactAttempt.Outcome

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def url(name, *args):
    return reverse(f"admin:intake_{name}", args=args)


def changelist(client, **params):
    return client.get(url("intakerequest_changelist"), params)


def listed(response):
    return [intake_request.reference for intake_request in response.context["cl"].result_list]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_data(intake_request, **changes):
    """What the request's change form posts: its handling fields, ``changes`` applied."""
    due = intake_request.next_action_due
    data = {
        "status": intake_request.status,
        "next_action_due_0": timezone.localtime(due).date().isoformat() if due else "",
        "next_action_due_1": timezone.localtime(due).time().isoformat("seconds") if due else "",
        "close_reason": intake_request.close_reason,
        "assigned_to": intake_request.assigned_to_id or "",
        "notes": intake_request.notes,
        "attempts-TOTAL_FORMS": intake_request.attempts.count(),
        "attempts-INITIAL_FORMS": intake_request.attempts.count(),
    }
    for index, attempt in enumerate(intake_request.attempts.all()):
        data[f"attempts-{index}-id"] = attempt.pk
        data[f"attempts-{index}-request"] = intake_request.pk
    data.update(changes)
    return data


@pytest.fixture
def request_with_attempt(make_request, admissions):
    intake_request = make_request()
    attempt = ContactAttempt.objects.create(
        request=intake_request,
        by=admissions,
        method=ContactAttempt.Method.PHONE,
        outcome=Outcome.NO_ANSWER,
        note="Rang twice",
    )
    return intake_request, attempt


@pytest.fixture
def access_record(request_with_attempt, admissions):
    intake_request, _attempt = request_with_attempt
    return AccessRecord.objects.create(
        user=admissions,
        action=AccessRecord.Action.VIEW,
        request=intake_request,
        reference=intake_request.reference,
    )


def every_intake_admin_url(intake_request, attempt, record):
    return {
        "changelist": url("intakerequest_changelist"),
        "change": url("intakerequest_change", intake_request.pk),
        "history": url("intakerequest_history", intake_request.pk),
        "dashboard": url("intakerequest_dashboard"),
        "export": url("intakerequest_export"),
        "attempts": url("contactattempt_changelist"),
        "attempt": url("contactattempt_change", attempt.pk),
        "access_records": url("accessrecord_changelist"),
        "access_record": url("accessrecord_change", record.pk),
    }


# Who gets in ------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_content_staff_get_403_on_every_intake_admin_url(
    client, request, user_fixture, request_with_attempt, access_record
):
    sign_in(client, request.getfixturevalue(user_fixture))
    urls = every_intake_admin_url(*request_with_attempt, access_record)
    statuses = {name: client.get(address).status_code for name, address in urls.items()}
    assert statuses == dict.fromkeys(urls, 403)
    assert client.post(url("intakerequest_export")).status_code == 403


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_content_staff_do_not_see_or_log_a_request(client, request, user_fixture, make_request):
    intake_request = make_request(first_name="Quinlan")
    sign_in(client, request.getfixturevalue(user_fixture))
    response = client.get(url("intakerequest_change", intake_request.pk))
    assert response.status_code == 403
    assert "Quinlan" not in response.content.decode()
    assert not AccessRecord.objects.exists()
    assert "intake" not in client.get(reverse("admin:index")).content.decode()


def test_admissions_staff_open_the_console_but_not_the_access_log(
    client, admissions, request_with_attempt, access_record
):
    sign_in(client, admissions)
    urls = every_intake_admin_url(*request_with_attempt, access_record)
    statuses = {name: client.get(address).status_code for name, address in urls.items()}
    assert statuses == {
        "changelist": 200,
        "change": 200,
        "history": 200,
        "dashboard": 200,
        # Export is granted per person, on top of the group.
        "export": 403,
        "attempts": 200,
        "attempt": 200,
        "access_records": 403,
        "access_record": 403,
    }


def test_admissions_staff_cannot_edit_content(client, admissions):
    sign_in(client, admissions)
    assert client.get(reverse("admin:content_article_changelist")).status_code == 403
    assert client.get(reverse("admin:content_article_add")).status_code == 403


@pytest.mark.parametrize("user_fixture", ["admissions", "superuser"])
def test_nobody_adds_or_deletes_requests_in_the_admin(client, request, user_fixture, make_request):
    intake_request = make_request()
    sign_in(client, request.getfixturevalue(user_fixture))
    assert client.get(url("intakerequest_add")).status_code == 403
    assert client.get(url("intakerequest_delete", intake_request.pk)).status_code == 403
    assert client.post(url("intakerequest_delete", intake_request.pk)).status_code == 403
    response = client.post(
        url("intakerequest_changelist"),
        {"action": "delete_selected", "_selected_action": [intake_request.pk], "post": "yes"},
    )
    assert IntakeRequest.objects.filter(pk=intake_request.pk).exists()
    assert "delete_selected" not in response.content.decode()


def test_contact_attempts_are_listed_without_their_note_and_not_edited_there(
    client, admissions, request_with_attempt
):
    intake_request, attempt = request_with_attempt
    sign_in(client, admissions)
    html = client.get(url("contactattempt_changelist")).content.decode()
    assert intake_request.reference in html
    assert url("intakerequest_change", intake_request.pk) in html
    assert "Rang twice" not in html
    assert (
        "Rang twice" not in client.get(url("contactattempt_change", attempt.pk)).content.decode()
    )
    assert client.get(url("contactattempt_add")).status_code == 403
    assert client.post(url("contactattempt_delete", attempt.pk)).status_code == 403


# The request list -------------------------------------------------------------


def test_list_shows_a_click_to_call_link_and_the_request_at_a_glance(
    client, admissions, make_request
):
    earlier = make_request(age=timedelta(days=2))
    make_request(
        first_name="Marisol",
        phone="+16145550142",
        who_for=IntakeRequest.WhoFor.MYSELF,
        best_time=IntakeRequest.BestTime.MORNING,
        assigned_to=admissions,
        source_path="/articles/naloxone/",
        duplicate_of=earlier,
    )
    sign_in(client, admissions)
    html = changelist(client).content.decode()
    assert '<a href="tel:+16145550142">(614) 555-0142</a>' in html
    for shown in ("Marisol", "Myself", "Morning", "ada-admissions", "Possible duplicate"):
        assert shown in html


def test_list_shows_open_requests_unless_asked_for_closed_ones(client, admissions, make_request):
    new = make_request()
    admitted = make_request(status=Status.ADMITTED)
    closed = make_request(status=Status.CLOSED, close_reason=IntakeRequest.CloseReason.SPAM)
    sign_in(client, admissions)
    assert set(listed(changelist(client))) == {new.reference, admitted.reference}
    assert listed(changelist(client, status="closed")) == [closed.reference]
    assert len(listed(changelist(client, status="all"))) == 3
    assert listed(changelist(client, status="admitted")) == [admitted.reference]


def test_list_filter_shows_open_as_the_current_choice(client, admissions, make_request):
    make_request()
    sign_in(client, admissions)
    html = changelist(client).content.decode()
    assert '<li class="selected">\n    <a href="?status=open">Open</a></li>' in html


@pytest.mark.parametrize("column", range(1, 12))
def test_list_sorts_by_every_sortable_column(client, admissions, make_request, column):
    received = timezone.now() - timedelta(hours=2)
    make_request(received_at=received, first_contact_at=received + timedelta(minutes=9))
    make_request(assigned_to=admissions)
    sign_in(client, admissions)
    for order in (str(column), f"-{column}"):
        response = changelist(client, o=order)
        assert response.status_code == 200
        assert len(listed(response)) == 2


def test_list_filters_by_who_is_assigned(client, admissions, superuser, make_request):
    mine = make_request(assigned_to=admissions)
    make_request(assigned_to=superuser)
    nobodys = make_request()
    sign_in(client, admissions)
    assert listed(changelist(client, assigned="me")) == [mine.reference]
    assert listed(changelist(client, assigned="nobody")) == [nobodys.reference]


def test_list_filters_by_who_the_help_is_for(client, admissions, make_request):
    make_request(who_for=IntakeRequest.WhoFor.LOVED_ONE)
    myself = make_request(who_for=IntakeRequest.WhoFor.MYSELF)
    sign_in(client, admissions)
    assert listed(changelist(client, who_for__exact="myself")) == [myself.reference]


@pytest.mark.parametrize(
    "typed", ["(614) 555-0142", "614.555.0142", "+1 614 555 0142", "6145550142", "555-0142"]
)
def test_search_finds_a_phone_number_however_it_is_typed(client, admissions, make_request, typed):
    wanted = make_request(phone="+16145550142")
    make_request(phone="+13805550199")
    sign_in(client, admissions)
    assert listed(changelist(client, q=typed)) == [wanted.reference]


def test_search_finds_a_name_or_a_reference(client, admissions, make_request):
    marisol = make_request(first_name="Marisol")
    other = make_request(first_name="Jordan")
    sign_in(client, admissions)
    assert listed(changelist(client, q="mari")) == [marisol.reference]
    assert listed(changelist(client, q=other.reference)) == [other.reference]


# The request page -------------------------------------------------------------


def test_what_the_person_sent_is_shown_but_not_editable(client, admissions, make_request):
    intake_request = make_request(first_name="Marisol", email="m@example.org", message="Help")
    sign_in(client, admissions)
    html = client.get(url("intakerequest_change", intake_request.pk)).content.decode()
    for shown in ("Marisol", "m@example.org", "Help", intake_request.reference):
        assert shown in html
    assert '<a href="tel:+16145550199">(614) 555-0199</a>' in html
    for submitted in ("first_name", "phone", "email", "message", "who_for", "source_path"):
        assert f'name="{submitted}"' not in html
    for handling in ("status", "close_reason", "assigned_to", "notes"):
        assert f'name="{handling}"' in html


def test_posting_submitted_fields_does_not_change_them(client, admissions, make_request):
    intake_request = make_request(first_name="Marisol")
    sign_in(client, admissions)
    response = client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(
            intake_request,
            first_name="Mallory",
            phone="(380) 555-0100",
            message="changed",
            notes="Prefers Spanish.",
            assigned_to=admissions.pk,
        ),
    )
    assert response.status_code == 302
    intake_request.refresh_from_db()
    assert (intake_request.first_name, intake_request.phone, intake_request.message) == (
        "Marisol",
        "+16145550199",
        "",
    )
    assert intake_request.notes == "Prefers Spanish."
    assert intake_request.assigned_to == admissions


def test_assigning_offers_only_admissions_staff(client, admissions, editor, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = client.get(url("intakerequest_change", intake_request.pk))
    choices = response.context["adminform"].form.fields["assigned_to"].queryset
    assert admissions in choices
    assert editor not in choices


def test_closing_needs_a_close_reason(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, status=Status.CLOSED),
    )
    assert response.status_code == 200
    assert "Choose why the request is closed." in response.content.decode()
    intake_request.refresh_from_db()
    assert intake_request.status == Status.NEW


def test_a_close_reason_needs_the_request_closed(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, status=Status.CONTACTED, close_reason="referred"),
    )
    assert response.status_code == 200
    assert "A close reason is only for closed requests" in response.content.decode()
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.close_reason) == (Status.NEW, "")


def test_closing_with_a_reason_is_saved(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    client.post(
        url("intakerequest_change", intake_request.pk),
        change_data(intake_request, status=Status.CLOSED, close_reason="referred"),
    )
    intake_request.refresh_from_db()
    assert (intake_request.status, intake_request.close_reason) == (Status.CLOSED, "referred")


def test_saved_attempts_are_read_only_on_the_request_page(
    client, admissions, request_with_attempt
):
    intake_request, attempt = request_with_attempt
    sign_in(client, admissions)
    html = client.get(url("intakerequest_change", intake_request.pk)).content.decode()
    assert "Rang twice" in html
    assert 'name="attempts-0-outcome"' not in html
    assert 'name="attempts-1-outcome"' not in html
    data = change_data(intake_request)
    data.update(
        {
            "attempts-0-outcome": "reached",
            "attempts-0-method": "email",
            "attempts-TOTAL_FORMS": 2,
            "attempts-1-method": "phone",
            "attempts-1-outcome": "reached",
        }
    )
    client.post(url("intakerequest_change", intake_request.pk), data)
    attempt.refresh_from_db()
    assert (attempt.outcome, attempt.method) == (Outcome.NO_ANSWER, "phone")
    assert intake_request.attempts.count() == 1


def test_change_page_links_a_possible_duplicate_to_the_earlier_request(
    client, admissions, make_request
):
    earlier = make_request(age=timedelta(days=1))
    later = make_request(duplicate_of=earlier)
    sign_in(client, admissions)
    html = client.get(url("intakerequest_change", later.pk)).content.decode()
    link = url("intakerequest_change", earlier.pk)
    assert f'<a href="{link}">possible duplicate of {earlier.reference}</a>' in html


# Hostile input ------------------------------------------------------------


@pytest.mark.parametrize("payload", [XSS_SCRIPT, XSS_ATTRIBUTE])
def test_what_a_visitor_typed_is_escaped_in_the_list_and_the_request_page(
    client, admissions, make_request, payload
):
    intake_request = make_request(first_name=payload, message=payload)
    sign_in(client, admissions)
    pages = {
        "list": changelist(client).content.decode(),
        "change": client.get(url("intakerequest_change", intake_request.pk)).content.decode(),
    }
    for name, html in pages.items():
        assert payload not in html, name
        assert "<img src=x" not in html, name
        assert escape(payload) in html, name
    # On the request page: the name above the attempt form and in the details,
    # and the message.
    assert pages["change"].count(escape(payload)) == 3


# Actions ------------------------------------------------------------------


def run_action(client, action, requests, **extra):
    return client.post(
        url("intakerequest_changelist"),
        {"action": action, "_selected_action": [r.pk for r in requests], **extra},
    )


def test_assign_to_me(client, admissions, superuser, make_request):
    first, second = make_request(), make_request(assigned_to=superuser)
    sign_in(client, admissions)
    response = run_action(client, "assign_to_me", [first, second], index=0)
    assert response.status_code == 302
    assert set(IntakeRequest.objects.values_list("assigned_to", flat=True)) == {admissions.pk}
    assert messages_of(response) == ["2 requests are assigned to you."]


def test_close_with_a_reason_asks_for_the_reason_first(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = run_action(client, "close_with_reason", [intake_request], index=0)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="close_reason"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert intake_request.reference in html
    intake_request.refresh_from_db()
    assert intake_request.status == Status.NEW


def test_close_with_a_reason_closes_the_selected_requests(client, admissions, make_request):
    chosen, untouched = make_request(), make_request()
    sign_in(client, admissions)
    response = run_action(
        client, "close_with_reason", [chosen], close_reason="unreachable", apply="Close"
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    untouched.refresh_from_db()
    assert (chosen.status, chosen.close_reason) == (Status.CLOSED, "unreachable")
    assert untouched.status == Status.NEW


def test_close_with_a_reason_refuses_no_reason(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = run_action(client, "close_with_reason", [intake_request], apply="Close")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    intake_request.refresh_from_db()
    assert intake_request.status == Status.NEW


def test_actions_need_the_csrf_token(admissions, make_request):
    intake_request = make_request()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, admissions)
    response = run_action(
        client, "close_with_reason", [intake_request], close_reason="spam", apply="Close"
    )
    assert response.status_code == 403
    intake_request.refresh_from_db()
    assert intake_request.status == Status.NEW


# The access log -----------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["admissions", "superuser"])
def test_opening_a_request_is_recorded(client, request, user_fixture, make_request):
    user = request.getfixturevalue(user_fixture)
    intake_request = make_request()
    sign_in(client, user)
    client.get(url("intakerequest_change", intake_request.pk))
    client.get(url("intakerequest_change", intake_request.pk))
    records = list(AccessRecord.objects.values_list("user", "action", "request", "reference"))
    opened = (user.pk, AccessRecord.Action.VIEW, intake_request.pk, intake_request.reference)
    assert records == [opened, opened]


def test_listing_and_searching_records_each_request_shown_but_not_the_terms(
    client, admissions, make_request
):
    shown = make_request(first_name="Quinlan")
    other = make_request(first_name="Marisol")
    sign_in(client, admissions)
    changelist(client)
    listed = AccessRecord.objects.filter(action=AccessRecord.Action.LIST)
    assert sorted(listed.values_list("reference", flat=True)) == sorted(
        [shown.reference, other.reference]
    )
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.VIEW).exists()
    AccessRecord.objects.all().delete()
    client.get(url("intakerequest_changelist"), {"q": "Quinlan"})
    assert list(AccessRecord.objects.values_list("user", "action", "reference")) == [
        (admissions.pk, AccessRecord.Action.LIST, shown.reference)
    ]
    # The terms themselves are nowhere in the record.
    record = AccessRecord.objects.get()
    assert "Quinlan" not in str(record) and "Quinlan" not in record.reference


def test_access_log_stays_closed_to_staff_given_its_view_permission(
    client, admissions, access_record
):
    admissions.user_permissions.add(
        Permission.objects.get(content_type__app_label="intake", codename="view_accessrecord")
    )
    sign_in(client, admissions)
    assert client.get(url("accessrecord_changelist")).status_code == 403
    assert client.get(url("accessrecord_change", access_record.pk)).status_code == 403


def test_access_log_is_read_only_even_for_superusers(client, superuser, access_record):
    sign_in(client, superuser)
    html = client.get(url("accessrecord_changelist")).content.decode()
    for shown in ("ada-admissions", "Opened", access_record.reference):
        assert shown in html
    assert client.get(url("accessrecord_add")).status_code == 403
    assert client.post(url("accessrecord_delete", access_record.pk)).status_code == 403
    client.post(url("accessrecord_change", access_record.pk), {"reference": "R-FORGED"})
    access_record.refresh_from_db()
    assert access_record.reference != "R-FORGED"
