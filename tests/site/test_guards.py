"""Rules every public page keeps, checked over every type of page."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import FORM_PAGES, PUBLIC_PAGES
from tests.html import Page

pytestmark = pytest.mark.usefixtures("demo_data")

ALL_PAGES = {**PUBLIC_PAGES, **FORM_PAGES}
OK_PAGES = {name: url for name, url in ALL_PAGES.items() if name != "not_found"}


def _is_other_host(url):
    parsed = urlparse(url)
    return bool(parsed.netloc) or url.startswith("//")


@pytest.mark.parametrize("url", OK_PAGES.values(), ids=OK_PAGES.keys())
def test_public_page_answers_200(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ALL_PAGES.values(), ids=ALL_PAGES.keys())
def test_public_page_has_one_h1_title_description_and_lang(client, url):
    page = Page(client.get(url).content.decode())
    assert len(page.find_all("h1")) == 1
    assert page.h1_texts[0].strip()
    assert page.find_all("title")
    descriptions = page.find_all("meta", name="description")
    assert len(descriptions) == 1 and descriptions[0]["content"].strip()
    assert page.find_all("html")[0].get("lang") == "en"


@pytest.mark.parametrize("url", ALL_PAGES.values(), ids=ALL_PAGES.keys())
def test_public_page_loads_nothing_from_another_host(client, url):
    page = Page(client.get(url).content.decode())
    loaded = [a.get("src", "") for a in page.find_all("script")]
    loaded += [a.get("src", "") for a in page.find_all("img")]
    loaded += [a.get("src", "") for a in page.find_all("iframe")]
    loaded += [
        a.get("href", "")
        for t, a in page.tags
        if t == "link" and a.get("rel") not in ("canonical", "alternate")
    ]
    assert loaded, "expected the page to load at least its stylesheet"
    offenders = [u for u in loaded if _is_other_host(u)]
    assert offenders == []


@pytest.mark.parametrize("url", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_sets_no_cookie(client, url):
    response = client.get(url)
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("url", ALL_PAGES.values(), ids=ALL_PAGES.keys())
def test_every_page_shows_crisis_numbers_and_policy_links(client, url):
    html = client.get(url).content.decode()
    for needle in ('href="tel:911"', 'href="tel:988"', 'href="tel:+18006624357"'):
        assert needle in html
    for path in ("/privacy/", "/accessibility/", "/terms/"):
        assert f'href="{path}"' in html


def _patterns(resolver, namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            # The admin's own URLs are Django's, not ours to name.
            if entry.namespace == "admin":
                continue
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield entry


def test_every_url_pattern_has_a_name():
    unnamed = [str(p.pattern) for p in _patterns(get_resolver()) if not p.name]
    assert unnamed == []


def test_no_model_change_lacks_a_migration():
    # Exits with status 1 (SystemExit) if a migration is missing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
