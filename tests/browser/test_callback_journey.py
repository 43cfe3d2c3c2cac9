"""A family asks for a call back on a phone: errors first, then a confirmation."""

import pytest

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
