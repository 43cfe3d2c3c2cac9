"""A real Chromium, driven by Playwright, against the site on a live server.

Shared by tests/browser/ and the browser tests in tests/security/ (one
browser for the whole run), through pytest_plugins in tests/conftest.py.
"""

import pytest
from django.core.management import call_command

from tests.auth import ADMIN, PASSWORD, authenticator, current_code
from tests.tools import CHROMIUM, require

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = require(CHROMIUM, "apt-get update && apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the demo data loaded."""
    call_command("load_demo_data", verbosity=0)
    return live_server.url


class ConsoleErrors(list):
    """Console errors and uncaught exceptions seen by a page."""


@pytest.fixture
def open_page(browser):
    """open_page(url, width) -> (page, console_errors); closes its context afterwards."""
    contexts = []

    def _open(url, width=375, height=800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        errors = ConsoleErrors()
        page.on(
            "console",
            lambda msg: (
                errors.append((msg.text, msg.location.get("url"))) if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: errors.append((str(exc), url)))
        page.goto(url)
        return page, errors

    yield _open
    for context in contexts:
        context.close()


def signed_in_page(browser, site, user, width=1280, height=900):
    """A browser tab of its own, signed in to the admin with password and code."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site + ADMIN)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_code(authenticator(user)))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#user-tools").is_visible(), page.content()[:2000]
    return page
