"""Page weight: what a phone downloads for an article, first view and second.

Budgets from the performance issue: the first view of an article (HTML,
CSS, JavaScript, images) at most 50 KB compressed; a second view, with the
static files cached, at most 15 KB; at most one stylesheet and one script.
Sizes are gzip level 6, what a proxy sends by default.
"""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.html import Page

ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"
FIRST_VIEW_BUDGET = 50 * 1024
SECOND_VIEW_BUDGET = 15 * 1024


def _gzip_size(data):
    return len(gzip.compress(data, compresslevel=6))


def _static_file(url):
    path = url.split("/static/", 1)[1]
    found = finders.find(path)
    assert found, url
    with open(found, "rb") as file:
        return file.read()


def _assets(html):
    """Static files the page itself asks for: stylesheets, scripts, icons, images."""
    urls = re.findall(r'<link[^>]+href="(/static/[^"]+)"', html)
    urls += re.findall(r'<(?:script|img)[^>]+src="(/static/[^"]+)"', html)
    return urls


@pytest.mark.parametrize("url", [ARTICLE, "/", "/call-back/"])
def test_first_and_second_views_fit_the_budget(client, demo_data, url):
    response = client.get(url)
    html = response.content.decode()
    page_bytes = _gzip_size(response.content)
    assets = _assets(html)
    asset_bytes = sum(_gzip_size(_static_file(asset)) for asset in assets)
    assert page_bytes + asset_bytes <= FIRST_VIEW_BUDGET, (page_bytes, asset_bytes, assets)
    assert page_bytes <= SECOND_VIEW_BUDGET, page_bytes


@pytest.mark.parametrize("url", [ARTICLE, "/", "/call-back/"])
def test_pages_load_one_stylesheet_and_at_most_one_script(client, demo_data, url):
    page = Page(client.get(url).content.decode())
    stylesheets = [a for a in page.find_all("link") if "stylesheet" in a.get("rel", "").split()]
    assert len(stylesheets) == 1
    scripts = [a for a in page.find_all("script") if a.get("src")]
    assert len(scripts) <= 1
    assert not page.find_all("style")


def test_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path, settings, rf, db):
    from whitenoise.middleware import WhiteNoiseMiddleware

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = next(tmp_path.glob("css/main.*.css")).name

    middleware = WhiteNoiseMiddleware(lambda request: None)
    for encoding, expected in (("br", "br"), ("gzip", "gzip")):
        request = rf.get(f"/static/css/{hashed}", HTTP_ACCEPT_ENCODING=encoding)
        response = middleware(request)
        assert response.status_code == 200
        assert response["Content-Encoding"] == expected
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control
        assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600
        response.close()
