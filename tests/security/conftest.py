"""The security tests that drive Chromium use the browser tests' fixtures."""

from tests.browser.conftest import browser, open_page, site  # noqa: F401
