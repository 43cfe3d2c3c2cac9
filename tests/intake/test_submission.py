"""The call-back and contact forms: save once, notify safely, refuse bad input clearly."""

import time

import pytest
from django.core import mail
from django.test import Client

from intake.antispam import issue_form_token
from intake.models import IntakeRequest

CALLBACK = "/call-back/"
CONTACT = "/contact/"


def callback_data(**overrides):
    data = {
        "first_name": "Jordan",
        "phone": "(614) 555-0199",
        "who_for": "loved_one",
        "best_time": "evening",
        "voicemail_ok": "no",
        "message": "My brother needs help with withdrawal.",
        "source_path": "/articles/heroin-withdrawal-symptoms-and-timeline/?utm=x#top",
        "form_token": issue_form_token("callback", now=time.time() - 30),
        "hp_z7q": "",
    }
    data.update(overrides)
    return data


def contact_data(**overrides):
    data = {
        "first_name": "Sam",
        "email": "sam@example.org",
        "phone": "",
        "subject": "insurance",
        "message": "Do you take Medicaid?",
        "form_token": issue_form_token("contact", now=time.time() - 30),
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _notify(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["admissions@example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_callback_page_leads_with_crisis_numbers_and_promise(client, center):
    response = client.get(CALLBACK)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.index('href="tel:911"') < html.index('<form method="post"')
    assert 'href="sms:988"' in html and 'href="tel:+16145550187"' in html
    assert "call you back within one hour, any time of day" in html
    assert 'href="/privacy/"' in html
    assert 'name="form_token"' in html


def test_voicemail_has_no_default_and_texts_are_unticked(client, center):
    html = client.get(CALLBACK).content.decode()
    assert 'name="voicemail_ok"' in html
    assert "checked" not in html
    assert "You do not need to agree to texts to get help." in html


def test_valid_callback_is_saved_once_and_redirects_with_303(
    client, center, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CALLBACK, callback_data())
    assert response.status_code == 303
    assert response["Location"].startswith("/call-back/thanks/?r=")
    assert "no-store" in response["Cache-Control"]
    saved = IntakeRequest.objects.get()
    assert saved.phone == "+16145550199"
    assert saved.voicemail_ok is False and saved.texts_ok is False
    assert saved.source_path == "/articles/heroin-withdrawal-symptoms-and-timeline/"
    assert saved.kind == "callback" and saved.status == "new"
    # Staff are told by the worker, not in this request (tests/intake/test_notifications.py).
    assert saved.notified_at is None


def test_thank_you_page_confirms_next_steps_and_repeats_crisis_numbers(client, center):
    response = client.get("/call-back/thanks/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "What happens next" in html
    assert 'href="tel:911"' in html and "1-800-662-4357" in html
    # Reloading it is a GET that saves and sends nothing.
    assert client.post("/call-back/thanks/").status_code == 405


def test_the_same_form_sent_twice_makes_one_request(client, center):
    data = callback_data()
    assert client.post(CALLBACK, data).status_code == 303
    assert client.post(CALLBACK, data).status_code == 303
    assert IntakeRequest.objects.count() == 1


def test_a_filled_honeypot_looks_successful_but_saves_and_sends_nothing(
    client, center, django_capture_on_commit_callbacks
):
    # The one silent drop left (tests/intake/test_nothing_dropped.py has the rest).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CALLBACK, callback_data(hp_z7q="https://spam.example"))
    assert response.status_code == 303
    assert response["Location"] == "/call-back/thanks/"
    assert IntakeRequest.objects.count() == 0
    assert mail.outbox == []


US_PHONE = "Enter a US phone number with its area code, like 614 555 0142"
NAME_SPECIAL = "First name must not include tabs, line breaks or other special characters"
MESSAGE_SPECIAL = "Your message must not include special characters, other than line breaks"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "555-0199", US_PHONE),
        ("phone", "+44 20 7946 0958", US_PHONE),
        ("first_name", "Jor\x07dan", NAME_SPECIAL),
        ("first_name", "Jordan\nBcc: x@example.org", NAME_SPECIAL),
        ("message", "x" * 1_000_000, "Your message must be 1,000 characters or fewer"),
        ("message", "line one\x1b[31m", MESSAGE_SPECIAL),
        ("voicemail_ok", "", "Select whether we may leave a voicemail"),
        ("who_for", "everyone", "Select who the help is for"),
    ],
    # A NUL never reaches the form: the whole post gets the 400 page
    # (wellness_site.middleware.ControlCharacterMiddleware, tests/security/test_hostile_bytes.py).
    ids=["short-phone", "non-us-phone", "bell", "newline-in-name",
         "one-megabyte", "escape-sequence", "no-voicemail-choice", "bad-choice"],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_keeps_what_was_typed_and_saves_nothing(
    client, center, field, value, message
):
    response = client.post(CALLBACK, callback_data(**{field: value}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert IntakeRequest.objects.count() == 0
    # What the person typed elsewhere is still in the form.
    if field != "first_name":
        assert 'value="Jordan"' in html
    if field != "message":
        assert "My brother needs help with withdrawal." in html


def test_error_summary_links_to_each_field_and_errors_are_tied_to_fields(client, center):
    html = client.post(CALLBACK, callback_data(phone="12", voicemail_ok="")).content.decode()
    assert '<a href="#id_phone">' in html
    assert '<a href="#id_voicemail_ok_0">' in html
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'id="id_phone_error"' in html
    assert 'aria-invalid="true"' in html


def test_the_form_needs_no_csrf_cookie(center):
    client = Client(enforce_csrf_checks=True)
    response = client.post(CALLBACK, callback_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert IntakeRequest.objects.count() == 1


def test_contact_form_needs_an_email_or_a_phone(client, center):
    html = client.post(CONTACT, contact_data(email="")).content.decode()
    assert "Enter an email address or a phone number so that we can reply" in html
    assert IntakeRequest.objects.count() == 0


def test_contact_email_with_a_line_break_is_refused(client, center):
    html = client.post(
        CONTACT, contact_data(email="sam@example.org\nBcc: all@example.org")
    ).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert IntakeRequest.objects.count() == 0


def test_contact_message_is_saved(client, center):
    response = client.post(CONTACT, contact_data())
    assert response.status_code == 303
    assert response["Location"].startswith("/contact/thanks/?r=")
    saved = IntakeRequest.objects.get()
    assert (saved.kind, saved.email, saved.subject) == ("contact", "sam@example.org", "insurance")


def test_a_phone_seen_in_the_last_30_days_is_flagged_as_a_possible_duplicate(client, center):
    client.post(CALLBACK, callback_data())
    client.post(
        CALLBACK, callback_data(form_token=issue_form_token("callback", now=time.time() - 30))
    )
    first, second = IntakeRequest.objects.order_by("pk")
    assert first.duplicate_of is None
    assert second.duplicate_of == first


def test_nothing_personal_reaches_the_logs(client, center, caplog):
    caplog.set_level("DEBUG")
    client.post(CALLBACK, callback_data())
    client.post(CALLBACK, callback_data(phone="bad"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for personal in ("Jordan", "555-0199", "5550199", "brother"):
        assert personal not in logged


def test_the_page_a_visitor_came_from_is_kept_without_its_query_string(client, center):
    html = client.get(
        CALLBACK, HTTP_REFERER="http://testserver/articles/x-y/?name=Jordan&phone=1"
    ).content.decode()
    assert 'name="source_path" value="/articles/x-y/"' in html
    html = client.get(
        CALLBACK, HTTP_REFERER="https://other.example/articles/x-y/"
    ).content.decode()
    assert "/articles/x-y/" not in html
