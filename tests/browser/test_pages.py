"""Every public page type in a real browser: accessible, usable on a phone, no errors."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import PUBLIC_PAGES

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [375, 1280]


def _cases():
    for name, path in PUBLIC_PAGES.items():
        for width in WIDTHS:
            yield pytest.param(path, width, id=f"{name}-{width}px")


@pytest.mark.parametrize(("path", "width"), list(_cases()))
def test_page_has_no_axe_violations_and_no_console_errors(site, open_page, path, width):
    page, errors = open_page(site + path, width)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    # The browser reports the not-found page's own 404 status as a console
    # error; that one is the point of the page. Anything else is a defect.
    unexpected = [
        (text, where)
        for text, where in errors
        if not (path == PUBLIC_PAGES["not_found"] and where == site + path and "404" in text)
    ]
    assert unexpected == []


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_page_fits_320px_without_horizontal_scrolling(site, open_page, path):
    page, _ = open_page(site + path, width=320)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_skip_link_is_first_and_moves_focus_to_main(site, open_page):
    page, _ = open_page(site + "/", width=375)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    box = page.evaluate("JSON.stringify(document.activeElement.getBoundingClientRect())")
    assert '"top":-' not in box, "the skip link must come into view when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


@pytest.mark.parametrize("presses", [1, 2, 3, 4])
def test_keyboard_focus_is_visible(site, open_page, presses):
    page, _ = open_page(site + "/", width=1280)
    for _ in range(presses):
        page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert style[0] != "none" and style[1] >= 2


@pytest.mark.parametrize("path", ["/", "/privacy/", "/articles/", "/topics/", "/people/"])
def test_tap_targets_are_at_least_44px(site, open_page, path):
    page, _ = open_page(site + path, width=375)
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button')]
            // Links inside a sentence are exempt, as WCAG's inline exception says.
            .filter(el => {
                const p = el.closest('p, li');
                const inline = p && p.textContent.trim() !== el.textContent.trim()
                    && getComputedStyle(el).display === 'inline';
                return !inline && !el.classList.contains('skip-link');
            })
            .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
            .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []


def test_home_page_leads_with_how_to_get_help_then_programs_topics_and_reviews(site, open_page):
    page, _ = open_page(site + "/", width=375)
    headings = page.locator("main h2").all_text_contents()
    assert headings[0] == "Get help now"
    order = ["Get help now", "Our programs", "Learn about heroin addiction and treatment"]
    order.append("Recently reviewed")
    assert [h for h in headings if h in order] == order


def test_home_first_phone_screen_holds_the_number_and_what_to_do_now(site, open_page):
    """At 375 by 667, without scrolling: the 24-hour number and the three cards."""
    page, _ = open_page(site + "/", width=375, height=667)
    first_screen = {
        "the 24-hour admissions number": page.locator("a[href='tel:+16145550187']").first,
        "someone may be overdosing": page.locator(".help-card--urgent"),
        "withdrawal": page.get_by_role("link", name="Withdrawal: is it dangerous?", exact=False),
        "talk to someone": page.get_by_role("link", name="Talk to someone", exact=False),
    }
    assert "24 hours" in first_screen["the 24-hour admissions number"].text_content()
    for name, item in first_screen.items():
        assert item.is_visible(), name
        box = item.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 667, f"{name}: {box}"
    overdose = page.locator(".help-card--urgent")
    assert overdose.locator("a[href='tel:911']").is_visible()
    assert overdose.locator("h3 a").get_attribute("href") == (
        "/articles/opioid-overdose-signs-911-naloxone/"
    )
    assert first_screen["withdrawal"].get_attribute("href") == (
        "/articles/heroin-withdrawal-symptoms-and-timeline/"
    )
    assert first_screen["talk to someone"].get_attribute("href") == "/call-back/"
