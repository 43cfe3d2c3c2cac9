"""The Content-Security-Policy in a real browser: no page of ours trips it.

Chromium reports each blocked script, style or image as a console error and
as a ``securitypolicyviolation`` event; both are collected, on public pages
and on the admin pages staff use every day.
"""

import uuid

import pytest

from content.models import Article
from intake.models import IntakeRequest
from intake.services import submit_intake_request
from tests.auth import ADMIN, PASSWORD, authenticator, current_code
from wellness_site import two_factor

pytestmark = pytest.mark.browser

# Recorded from the first script that runs, before the page's own.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(browser):
    """One browser tab that records every CSP violation and console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(f"{msg.text} {msg.location.get('url')}")
            if msg.type == "error"
            else None
        ),
    )
    yield page, console
    context.close()


def _violations(page, console):
    events = page.evaluate("window.__cspViolations")
    messages = [text for text in console if "Content Security Policy" in text]
    return events + messages


def test_public_pages_and_the_call_back_form_trip_no_csp(site, watched, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 0  # a test fills the form faster than a person
    page, console = watched
    for path in ("/", "/articles/heroin-withdrawal-symptoms-and-timeline/", "/call-back/"):
        page.goto(site + path)
        assert _violations(page, console) == [], path
    # The call-back form with its errors shown: icons, error summary, focus.
    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert _violations(page, console) == []
    assert console == []


def test_admin_login_list_and_change_form_trip_no_csp(site, watched, django_user_model):
    page, console = watched
    user = django_user_model.objects.create_superuser("csp-admin", password=PASSWORD)
    device = authenticator(user)

    page.goto(site + ADMIN)
    assert _violations(page, console) == []
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_code(device))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#user-tools").is_visible(), page.content()[:2000]

    article = Article.objects.published().first()
    # Changes waiting for review: its review page shows a word diff and the checks.
    pending = Article.objects.get(slug="heroin-withdrawal-symptoms-and-timeline")
    assert pending.review_status == Article.ReviewStatus.IN_REVIEW
    request, _created = submit_intake_request(
        kind=IntakeRequest.Kind.CALLBACK,
        first_name="Jordan",
        phone="+16145550199",
        form_token=uuid.uuid4(),
    )
    for path in (
        "content/article/",
        f"content/article/{article.pk}/change/",
        f"content/article/{pending.pk}/change/",
        f"content/article/{pending.pk}/review/",
        "intake/intakerequest/",
        f"intake/intakerequest/{request.pk}/change/",
        f"intake/intakerequest/{request.pk}/log-attempt/",
        "intake/intakerequest/dashboard/",
        "two-factor/",
        f"two-factor/setup/{two_factor.authenticator_create(user=user).pk}/",
    ):
        page.goto(site + ADMIN + path)
        assert page.locator("#content").is_visible(), path
        assert _violations(page, console) == [], path
    assert console == []
