"""Nothing a person sent is dropped: every post is saved, or shown back with what was typed."""

import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from intake.antispam import issue_form_token
from intake.models import FilteredPostCount, IntakeRequest
from tests.auth import sign_in
from tests.intake_forms import callback_post

CALLBACK, CONTACT = "/call-back/", "/contact/"
SITE = "http://testserver"


def _post(client, url=CALLBACK, **overrides):
    return client.post(url, callback_post(**overrides), HTTP_ORIGIN=SITE)


def _count(reason):
    row = FilteredPostCount.objects.filter(day=timezone.localdate(), reason=reason).first()
    return row.count if row else 0


def _fresh_token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _kept(html):
    """What the person typed is still in the form."""
    return 'value="Jordan"' in html and 'value="(614) 555-0199"' in html


def test_a_fast_form_is_saved_and_flagged_for_staff(client, center, admissions):
    response = _post(client, form_token=issue_form_token("callback"))  # sent at once
    assert response.status_code == 303
    saved = IntakeRequest.objects.get()
    assert saved.seconds_to_send == 0 and saved.sent_quickly
    assert _count(FilteredPostCount.Reason.FAST) == 1
    sign_in(client, admissions)
    page = client.get(f"/office/intake/intakerequest/{saved.pk}/change/").content.decode()
    assert "Sent 0 s after the page loaded." in page and "autofill" in page
    listing = client.get("/office/intake/intakerequest/?sent_quickly=yes").content.decode()
    assert saved.reference in listing


def test_a_person_paced_form_is_not_flagged(client, center):
    _post(client)
    saved = IntakeRequest.objects.get()
    assert saved.seconds_to_send >= 29 and not saved.sent_quickly
    assert _count(FilteredPostCount.Reason.FAST) == 0


def test_an_old_form_comes_back_with_everything_typed_and_a_fresh_token(client, center):
    old = issue_form_token("callback", now=time.time() - 2 * 86400)
    response = _post(client, form_token=old)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This form was open for a long time" in html
    assert "Check your details and send it again." in html
    assert _kept(html) and "voicemail" in html
    token = _fresh_token(html)
    assert token != old
    assert IntakeRequest.objects.count() == 0
    assert _count(FilteredPostCount.Reason.EXPIRED) == 1
    # Sending it again, as asked, saves it.
    assert _post(client, form_token=token).status_code == 303
    assert IntakeRequest.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    [
        lambda: "",
        lambda: "callback:0f8fad5b-d9cb-469f-a165-70867728950e:1700000000:forged",
        lambda: issue_form_token("contact", now=time.time() - 30),
    ],
    ids=["missing", "forged", "other-form"],
)
def test_a_bad_token_is_refused_with_a_friendly_page_that_keeps_what_was_typed(
    client, center, token
):
    response = _post(client, form_token=token())
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your details were not sent" in html
    assert _kept(html)
    assert center.admissions_phone_display in html
    assert IntakeRequest.objects.count() == 0
    assert _count(FilteredPostCount.Reason.REFUSED) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
    ],
    ids=["foreign-origin", "null-origin", "foreign-referer"],
)
def test_a_post_from_another_site_is_refused_and_keeps_what_was_typed(client, center, headers):
    response = client.post(CALLBACK, callback_post(), **headers)
    assert response.status_code == 400
    assert _kept(response.content.decode())
    assert IntakeRequest.objects.count() == 0


@pytest.mark.parametrize("url", [CALLBACK, CONTACT])
def test_the_forms_work_with_cookies_blocked(center, url):
    # A browser with cookies blocked: Django's CSRF check on, no cookie ever sent.
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert page.cookies == {}
    data = callback_post(form_token=_fresh_token(page.content.decode()))
    if url == CONTACT:
        data.update(email="jordan@example.org", subject="insurance", message="A question.")
    visitor.cookies.clear()
    response = visitor.post(url, data, HTTP_ORIGIN=SITE)
    assert response.status_code == 303, response.content.decode()[:500]
    assert IntakeRequest.objects.count() == 1
    thanks = visitor.get(response["Location"])
    assert IntakeRequest.objects.get().reference in thanks.content.decode()


def test_a_post_without_origin_or_referer_is_judged_by_its_token(center):
    # Not a browser, so not a forged cross-site request; the token still applies.
    assert Client().post(CALLBACK, callback_post()).status_code == 303


def test_other_posts_keep_django_csrf_protection(center, reviewer):
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post("/office/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_a_double_click_gets_the_same_confirmation(client, center):
    data = callback_post()
    first = client.post(CALLBACK, data, HTTP_ORIGIN=SITE)
    second = client.post(CALLBACK, data, HTTP_ORIGIN=SITE)
    assert first.status_code == second.status_code == 303
    reference = IntakeRequest.objects.get().reference
    assert reference in client.get(second["Location"]).content.decode()


def test_a_replayed_token_with_other_details_is_refused(client, center):
    data = callback_post()
    assert client.post(CALLBACK, data, HTTP_ORIGIN=SITE).status_code == 303
    replay = client.post(CALLBACK, {**data, "first_name": "Someone else"}, HTTP_ORIGIN=SITE)
    assert replay.status_code == 400
    assert 'value="Someone else"' in replay.content.decode()
    assert list(IntakeRequest.objects.values_list("first_name", flat=True)) == ["Jordan"]


def test_forms_shown_back_with_errors_never_count_toward_the_rate_limit(client, center, settings):
    settings.INTAKE_RATE_LIMIT_PER_IP = 3
    for _ in range(6):
        assert _post(client, phone="12").status_code == 200  # shown back with an error
    for n in range(3):
        assert _post(client, phone=f"(614) 555-01{n:02d}").status_code == 303
    assert IntakeRequest.objects.count() == 3


def test_a_rate_limited_visitor_keeps_what_they_typed_and_is_told_when_to_try_again(
    client, center, settings
):
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    assert _post(client, phone="(614) 555-0101").status_code == 303
    response = _post(client)
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 3000
    assert _kept(html)
    # The 24-hour admissions number comes first, before the form.
    assert html.index(f"tel:{center.admissions_phone_number}") < html.index("<form")
    assert "send this form again after" in html
    assert IntakeRequest.objects.count() == 1
    assert _count(FilteredPostCount.Reason.RATE_LIMITED) == 1


def test_a_resend_of_a_saved_form_at_the_limit_is_confirmed_not_refused(client, center, settings):
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    data = callback_post()
    assert client.post(CALLBACK, data, HTTP_ORIGIN=SITE).status_code == 303
    again = client.post(CALLBACK, data, HTTP_ORIGIN=SITE)
    assert again.status_code == 303 and "?r=" in again["Location"]


def test_the_honeypot_is_the_only_silent_drop_and_is_counted(client, center):
    response = _post(client, hp_z7q="http://spam.example")
    assert response.status_code == 303 and "?r=" not in response["Location"]
    assert IntakeRequest.objects.count() == 0
    assert _count(FilteredPostCount.Reason.HONEYPOT) == 1


def test_staff_see_the_daily_counts_without_personal_data(client, center, admissions):
    _post(client, hp_z7q="x")
    _post(client, form_token=issue_form_token("callback", now=time.time() - 2 * 86400))
    _post(client, form_token="")
    sign_in(client, admissions)
    html = client.get("/office/intake/intakerequest/dashboard/").content.decode()
    assert "Form posts caught by the anti-abuse rules" in html
    assert "Dropped: hidden field filled" in html and "Shown back: form open too long" in html
    assert "Jordan" not in html and "555-0199" not in html


# The confirmation ---------------------------------------------------------------


def test_the_confirmation_shows_the_reference_the_callers_number_and_no_personal_data(
    client, center
):
    response = _post(client)
    page = client.get(response["Location"])
    html = page.content.decode()
    saved = IntakeRequest.objects.get()
    assert "Call-back request received" in html
    assert saved.reference in html and 'class="confirmation-panel"' in html
    assert center.admissions_phone_display in html and center.callback_time in html
    assert "tel:911" in html and "988" in html
    assert "Jordan" not in html and "555-0199" not in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    # Reloading sends nothing.
    client.get(response["Location"])
    assert IntakeRequest.objects.count() == 1


def test_the_reference_is_not_a_sequence_and_avoids_lookalike_characters(client, center):
    _post(client, phone="(614) 555-0101")
    _post(client, phone="(614) 555-0102")
    first, second = IntakeRequest.objects.order_by("pk").values_list("reference", flat=True)
    assert first != second
    assert not set(first[2:] + second[2:]) & set("01OIL")


@pytest.mark.parametrize(
    "ref",
    ["", "callback:R-ABCDEFG:forged", "R-ABCDEFG"],
    ids=["none", "forged", "unsigned"],
)
def test_the_confirmation_shows_no_reference_it_cannot_trust(client, center, ref):
    html = client.get("/call-back/thanks/", {"r": ref}).content.decode()
    assert "R-ABCDEFG" not in html and "Your reference" not in html


def test_a_contact_reference_is_not_shown_on_the_call_back_confirmation(client, center):
    data = callback_post(
        form_token=issue_form_token("contact", now=time.time() - 30),
        email="jordan@example.org", subject="insurance", message="A question.",
    )  # fmt: skip
    response = client.post(CONTACT, data, HTTP_ORIGIN=SITE)
    signed = response["Location"].split("?", 1)[1]
    assert (
        IntakeRequest.objects.get().reference in client.get(response["Location"]).content.decode()
    )
    assert "Your reference" not in client.get("/call-back/thanks/?" + signed).content.decode()


def test_the_reference_expires_from_the_address(client, center, monkeypatch):
    location = _post(client)["Location"]
    later = time.time() + 2 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert "Your reference" not in client.get(location).content.decode()


@pytest.mark.parametrize("url", [CALLBACK, CONTACT])
def test_a_post_while_the_database_is_down_says_it_was_not_sent_and_keeps_what_was_typed(
    client, center, url
):
    from django.db import OperationalError, connection

    client.get(url)  # the center's profile is in the cache, as on a live site

    def database_down(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    data = callback_post(email="jordan@example.org", subject="insurance", message="A question.")
    if url == CONTACT:
        data["form_token"] = issue_form_token("contact", now=time.time() - 30)
    with connection.execute_wrapper(database_down):
        response = client.post(url, data, HTTP_ORIGIN=SITE)
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Your request was NOT sent" in html
    assert 'value="Jordan"' in html
    # The 24-hour number comes first, before the form.
    assert html.index(f"tel:{center.admissions_phone_number}") < html.index("<form")
    assert "received" not in html.lower()
    assert IntakeRequest.objects.count() == 0
