"""A family fills in the call-back form in a real browser, with and without mistakes."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from intake.models import IntakeRequest
from tests.browser.test_pages import WCAG_22_AA

pytestmark = pytest.mark.browser


def _axe_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return results.violations_count, results.generate_report()


@pytest.fixture
def quick_forms(settings):
    # A person in a test types faster than the anti-robot minimum allows.
    settings.INTAKE_MIN_FILL_SECONDS = 0


FORMS = [
    pytest.param("/call-back/", "Ask for a call back", id="callback"),
    pytest.param("/contact/", "Send message", id="contact"),
]


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(("path", "button"), FORMS)
def test_form_has_no_axe_violations_empty_or_with_errors(
    site, open_page, width, path, button, quick_forms
):
    page, errors = open_page(site + path, width)
    count, report = _axe_violations(page)
    assert count == 0, report
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    count, report = _axe_violations(page)
    assert count == 0, report
    assert errors == []


@pytest.mark.parametrize(("path", "button"), FORMS)
def test_after_an_error_the_summary_is_first_on_a_phone_screen_and_has_focus(
    site, open_page, path, button, quick_forms
):
    page, _ = open_page(site + path, 375)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    summary = page.locator("main > .error-summary")
    assert page.evaluate("document.querySelector('main').firstElementChild.className") == (
        "error-summary"
    )
    assert summary.bounding_box()["y"] < page.viewport_size["height"]
    assert summary.locator("h2").text_content() == "There is a problem"
    # Before the heading and the emergency box, and focused, as GOV.UK does.
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert summary.bounding_box()["y"] < heading["y"]
    assert page.evaluate("document.activeElement.className") == "error-summary"


def test_radios_are_large_targets_in_the_site_colours(site, open_page):
    page, _ = open_page(site + "/call-back/", 375)
    row = page.locator(".form-choice").first.bounding_box()
    assert row["height"] >= 40
    box = page.evaluate(
        """() => { const s = getComputedStyle(
                 document.querySelector('.form-choice__label'), '::before');
               return [parseFloat(s.width), parseFloat(s.height), s.borderTopColor]; }"""
    )
    assert box[0] >= 32 and box[1] >= 32
    assert box[2] == "rgb(80, 90, 95)"  # #505a5f: 7:1 against white
    page.get_by_label("A loved one").check()
    dot = page.evaluate(
        """() => getComputedStyle(
               document.querySelector('#id_who_for_1 + .form-choice__label'), '::after'
           ).borderTopColor"""
    )
    assert dot == "rgb(8, 63, 73)"  # the site's dark teal, not Bootstrap blue


def test_a_family_member_asks_for_a_call_back(site, open_page, quick_forms):
    page, errors = open_page(site + "/articles/heroin-withdrawal-symptoms-and-timeline/", 375)
    page.get_by_role("link", name="Ask for a call back").last.click()
    page.get_by_label("First name, or what we should call you").fill("Jordan")
    page.get_by_label("Phone number").fill("(614) 555-0199")
    page.get_by_label("A loved one").check()
    page.get_by_label("Evening").check()
    page.get_by_label("No, please do not").check()
    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_url("**/call-back/thanks/?r=*")
    assert page.get_by_role("heading", level=1).text_content() == ("Call-back request received")
    count, report = _axe_violations(page)
    assert count == 0, report
    saved = IntakeRequest.objects.get()
    assert saved.phone == "+16145550199"
    assert saved.source_path == "/articles/heroin-withdrawal-symptoms-and-timeline/"
    # Reloading the thank-you page sends nothing again.
    page.reload()
    assert IntakeRequest.objects.count() == 1
    assert errors == []


def test_a_mistake_keeps_what_was_typed_and_the_summary_links_to_the_field(
    site, open_page, quick_forms
):
    page, _ = open_page(site + "/call-back/", 1280)
    page.get_by_label("First name, or what we should call you").fill("Jordan")
    page.get_by_label("Phone number").fill("555")
    page.get_by_role("button", name="Ask for a call back").click()
    page.wait_for_load_state()
    assert page.get_by_label("First name, or what we should call you").input_value() == "Jordan"
    page.locator(".error-summary a[href='#id_phone']").click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    page.locator(".error-summary a[href='#id_who_for_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_who_for_0"
    assert IntakeRequest.objects.count() == 0
