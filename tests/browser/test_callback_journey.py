"""A family asks for a call back on a phone: errors first, then a confirmation."""

import time

import pytest

from intake.antispam import issue_form_token
from intake.models import IntakeRequest

pytestmark = pytest.mark.browser


def _block_cookies(context):
    """Send no cookie with any request, as a browser with cookies blocked does."""

    def strip(route):
        headers = {k: v for k, v in route.request.headers.items() if k.lower() != "cookie"}
        route.continue_(headers=headers)

    context.route("**/*", strip)


@pytest.mark.parametrize("cookies", ["allowed", "blocked"])
def test_errors_come_first_then_the_request_is_saved_and_confirmed(
    site, browser, settings, cookies
):
    settings.INTAKE_MIN_FILL_SECONDS = 0
    context = browser.new_context(viewport={"width": 375, "height": 667})
    if cookies == "blocked":
        _block_cookies(context)
    page = context.new_page()
    page.goto(site + "/call-back/")

    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    # First in <main>, and on the first screen of a small phone.
    first_in_main = page.evaluate("document.querySelector('main').firstElementChild.className")
    assert "error-summary" in first_in_main or "form-notice" in first_in_main
    assert summary.bounding_box()["y"] < 667
    assert "There is a problem" in summary.inner_text()

    page.fill("input[name=first_name]", "Jordan")
    page.fill("input[name=phone]", "614 555 0142")
    page.check("input[name=who_for][value=loved_one]")
    page.check("input[name=best_time][value=evening]")
    page.check("input[name=voicemail_ok][value=no]")
    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_load_state()

    saved = IntakeRequest.objects.get()
    assert "/call-back/thanks/" in page.url
    panel = page.locator(".confirmation-panel").inner_text()
    assert saved.reference in panel
    assert "Jordan" not in page.content()
    assert context.cookies() == []  # nothing needed a cookie, whichever way
    context.close()


def test_every_state_the_form_comes_back_in_passes_axe(site, browser, settings):
    from tests.browser.test_intake_form import _axe_violations

    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(site + "/call-back/")
    # Expired: the page's token is swapped for one two days old.
    old = issue_form_token("callback", now=time.time() - 2 * 86400)
    page.evaluate(f"document.querySelector('input[name=form_token]').value = '{old}'")
    _fill_and_send(page)
    assert "This form was open for a long time" in page.content()
    states = {"expired": _axe_violations(page)}
    _fill_and_send(page)  # sent again as asked: saved
    assert IntakeRequest.objects.count() == 1
    states["confirmed"] = _axe_violations(page)
    page.goto(site + "/call-back/")
    _fill_and_send(page, phone="614 555 0143")
    assert "We cannot take another request from you right now" in page.content()
    states["rate_limited"] = _axe_violations(page)
    context.close()
    assert {name: count for name, (count, _report) in states.items()} == {
        "expired": 0, "confirmed": 0, "rate_limited": 0,
    }, states  # fmt: skip


def _fill_and_send(page, phone="614 555 0142"):
    if page.locator("input[name=first_name]").count():
        page.fill("input[name=first_name]", "Jordan")
        page.fill("input[name=phone]", phone)
        page.check("input[name=who_for][value=loved_one]")
        page.check("input[name=best_time][value=evening]")
        page.check("input[name=voicemail_ok][value=no]")
    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_load_state()
