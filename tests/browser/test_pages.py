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


def test_home_page_leads_with_how_to_get_help(site, open_page):
    page, _ = open_page(site + "/", width=375)
    first_heading = page.locator("main h2").first.text_content()
    assert first_heading == "Get help now"
    call = page.locator("main a[href='tel:+16145550187']").first
    assert call.is_visible()
    assert call.bounding_box()["y"] < 800, "the call button must be on the first screen"
