"""A coordinator works the call-back queue in a real browser: at a desk and on a phone."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from intake.models import ContactAttempt, IntakeRequest
from intake.roles import ADMISSIONS
from tests.auth import ADMIN
from tests.browser.test_intake_form import _axe_violations
from tests.browser_fixtures import signed_in_page
from tests.conftest import _staff_user

pytestmark = pytest.mark.browser

QUEUE = ADMIN + "intake/intakerequest/"
LONG_NAME = "Maximiliana-Evangelina Worthington-Smythe of Upper Arlington"


@pytest.fixture
def coordinator(site, django_user_model):
    return _staff_user(django_user_model, "ada-admissions-coordinator", ADMISSIONS)


@pytest.fixture
def queue(coordinator):
    """A morning's queue, with the longest values the form accepts in it."""
    now = timezone.now()
    made = {}
    rows = [
        ("Sam", IntakeRequest.Status.NEW, 150, False, False),
        (LONG_NAME, IntakeRequest.Status.NEW, 20, True, True),
        ("Dominga", IntakeRequest.Status.ATTEMPTED, 60 * 26, False, True),
        ("Avery", IntakeRequest.Status.CONTACTED, 60 * 50, None, False),
        ("Lee", IntakeRequest.Status.ATTEMPTED, 60 * 30, True, False),
    ]
    for name, status, minutes_ago, voicemail_ok, texts_ok in rows:
        received = now - timedelta(minutes=minutes_ago)
        made[name] = IntakeRequest.objects.create(
            kind=IntakeRequest.Kind.CALLBACK,
            first_name=name,
            phone="+16145550111",
            who_for=IntakeRequest.WhoFor.PROFESSIONAL,
            best_time=IntakeRequest.BestTime.AFTERNOON,
            voicemail_ok=voicemail_ok,
            texts_ok=texts_ok,
            over_phone_limit=True,
            seconds_to_send=1,
            form_token=uuid.uuid4(),
            received_at=received,
            promised_by=received + timedelta(hours=1),
            # Lee's next try is days away: the longest "due" text there is.
            next_action_due=(
                now + timedelta(days=3) if name == "Lee" else received + timedelta(hours=1)
            ),
            first_contact_at=(
                received + timedelta(minutes=30)
                if status == IntakeRequest.Status.CONTACTED
                else None
            ),
            status=status,
            assigned_to=coordinator,
        )
    return made


def _no_sideways_scroll(page):
    """Neither the page nor the list's own scrolling box is wider than the screen."""
    return page.evaluate(
        """() => [document.documentElement, document.querySelector('#changelist .results')]
            .every(box => box.scrollWidth <= box.clientWidth)"""
    )


def _spare_width(page):
    """Pixels the list's box has beyond the narrowest the table can be (its min-content)."""
    return page.evaluate(
        """() => { const box = document.querySelector('#changelist .results');
                   const table = document.querySelector('#result_list');
                   table.style.width = 'min-content';
                   const spare = box.clientWidth - table.scrollWidth;
                   table.style.width = '';
                   return spare; }"""
    )


def test_every_column_of_the_queue_fits_at_1280_px(site, browser, coordinator, queue):
    page = signed_in_page(browser, site, coordinator, width=1280)
    page.goto(site + QUEUE)
    assert _no_sideways_scroll(page)
    # Room to spare, not a fit to the pixel: fonts differ a little between machines.
    assert _spare_width(page) >= 20
    headers = page.locator("#result_list thead th")
    texts = [text.strip().lower() for text in headers.all_inner_texts()]
    assert texts[1:] == [
        "reference",
        "name",
        "phone",
        "help is for",
        "best time to call",
        "before you call",
        "status",
        "assigned to",
        "next action due",
        "waiting",
        "attempts",
    ]
    for index in range(headers.count()):
        box = headers.nth(index).bounding_box()
        assert box["x"] + box["width"] <= 1280, texts[index]
    assert LONG_NAME in page.content()
    count, report = _axe_violations(page)
    assert count == 0, report
    page.context.close()


def test_on_a_phone_each_request_is_a_labelled_card(site, browser, coordinator, queue):
    page = signed_in_page(browser, site, coordinator, width=375, height=800)
    page.goto(site + QUEUE)
    assert _no_sideways_scroll(page)
    assert not page.locator("#result_list thead").is_visible()
    first_status = page.locator("#result_list tbody td.field-status").first
    label = first_status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Status: "'
    phone = page.locator("#result_list tbody td.field-phone_link a").first
    box = phone.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert box["height"] >= 44  # a finger-sized target
    page.context.close()


def test_no_answer_try_again_in_two_hours_takes_three_clicks(site, browser, coordinator, queue):
    sam = queue["Sam"]
    page = signed_in_page(browser, site, coordinator, width=1280)
    page.goto(site + QUEUE)
    # Sam is past the promise: first in the queue.
    assert page.locator("#result_list tbody tr").first.inner_text().count("Sam") == 1
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()
        page.wait_for_load_state()

    row = page.locator("#result_list tbody tr", has_text="Sam").first
    click(row.get_by_role("link", name="Log attempt"))
    click(page.get_by_label("No answer"))
    before = timezone.now()
    click(page.get_by_role("button", name="Try again in 2 hours"))

    assert clicks == 3
    assert page.url.endswith(QUEUE)
    assert f"{sam.reference}: “No answer” logged." in page.locator(".messagelist").inner_text()
    sam.refresh_from_db()
    assert sam.status == IntakeRequest.Status.ATTEMPTED
    assert before + timedelta(hours=2) - timedelta(minutes=1) <= sam.next_action_due
    assert sam.next_action_due <= timezone.now() + timedelta(hours=2)
    attempt = sam.attempts.get()
    assert (attempt.by, attempt.outcome) == (coordinator, ContactAttempt.Outcome.NO_ANSWER)
    page.context.close()


def test_a_voicemail_for_someone_who_said_no_is_refused_on_the_page(
    site, browser, coordinator, queue
):
    sam = queue["Sam"]
    page = signed_in_page(browser, site, coordinator, width=375, height=800)
    page.goto(f"{site}{QUEUE}{sam.pk}/log-attempt/")
    page.get_by_label("Left a voicemail").click()
    page.get_by_role("button", name="Try again in 1 hour").click()
    page.wait_for_load_state()
    assert "They said no voicemail" in page.content()
    assert not sam.attempts.exists()
    count, report = _axe_violations(page)
    assert count == 0, report
    page.context.close()
