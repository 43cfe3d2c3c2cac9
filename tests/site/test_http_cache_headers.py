"""Cache-Control for shared caches: public pages may be kept briefly, nothing personal ever."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from content.models import Article
from tests.auth import ADMIN, sign_in
from tests.conftest import FORM_PAGES, PUBLIC_PAGES
from wellness_site.http_cache import SharedCacheHeadersMiddleware, public_cache_control

# Every public page type that is a 200 for an anonymous visitor and carries no form.
CACHEABLE = {
    name: url
    for name, url in PUBLIC_PAGES.items()
    if name not in {"search", "not_found", "callback_thanks", "contact_thanks"}
} | {"feed": "/feed/", "sitemap": "/sitemap.xml", "robots": "/robots.txt"}


def directives(response):
    """{directive: value or True} from the response's Cache-Control."""
    found = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = int(value) if value.isdigit() else True
    return found


def assert_not_shared(response):
    cache_control = directives(response)
    assert "public" not in cache_control and "s-maxage" not in cache_control
    assert "private" in cache_control or "no-store" in cache_control


@pytest.mark.parametrize("url", CACHEABLE.values(), ids=CACHEABLE.keys())
def test_public_pages_may_be_kept_by_a_shared_cache(client, demo_data, url):
    response = client.get(url)
    assert response.status_code == 200
    cache_control = directives(response)
    assert cache_control["public"] is True
    assert "private" not in cache_control and "no-store" not in cache_control
    assert cache_control["s-maxage"] > 0
    assert cache_control["stale-while-revalidate"] > 0
    # Kept through an outage far longer than it is fresh.
    assert cache_control["stale-if-error"] >= 3600
    # A browser asks again on every visit: an approved correction shows at once.
    assert cache_control["max-age"] == 0
    assert re.fullmatch(r'"[0-9a-f]+"', response["ETag"])


@pytest.mark.parametrize("url", CACHEABLE.values(), ids=CACHEABLE.keys())
def test_a_repeat_with_the_etag_is_a_304_made_or_from_the_page_cache(client, demo_data, url):
    first = client.get(url)  # made, and kept by the page cache
    replayed = client.get(url)  # from the page cache
    assert replayed["ETag"] == first["ETag"]
    assert replayed["Cache-Control"] == first["Cache-Control"]
    confirmed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert confirmed.status_code == 304 and confirmed.content == b""
    # A revalidation renews the shared cache's copy under the same terms.
    assert confirmed["Cache-Control"] == first["Cache-Control"]


def test_a_304_made_by_the_view_is_public_too(client, demo_data, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request runs the view
    url = PUBLIC_PAGES["article"]
    first = client.get(url)
    confirmed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert confirmed.status_code == 304
    assert confirmed["Cache-Control"] == first["Cache-Control"]
    assert directives(confirmed)["public"] is True


@pytest.mark.parametrize("url", FORM_PAGES.values(), ids=FORM_PAGES.keys())
def test_form_pages_are_never_shared(client, demo_data, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_not_shared(response)
    assert "no-store" in directives(response)


@pytest.mark.parametrize("url", ["/call-back/thanks/", "/contact/thanks/"])
def test_confirmation_pages_are_never_shared(client, demo_data, url):
    assert_not_shared(client.get(url))


def test_a_search_with_terms_is_never_shared(client, demo_data):
    response = client.get("/search/?q=heroin+withdrawal")
    assert response.status_code == 200
    assert_not_shared(response)
    # The empty search page holds nobody's words: it is an ordinary public page.
    assert directives(client.get("/search/"))["public"] is True


def test_error_pages_are_never_shared(client, demo_data):
    missing = client.get("/articles/no-such-article/")
    assert missing.status_code == 404
    assert_not_shared(missing)

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    with mock.patch.object(CursorWrapper, "execute", down):  # the database is down
        unavailable = client.get("/topics/")
    assert unavailable.status_code == 503
    assert_not_shared(unavailable)


def test_signed_in_staff_never_get_a_shared_page(client, demo_data, editor):
    sign_in(client, editor)
    article = client.get(PUBLIC_PAGES["article"])
    assert article.status_code == 200
    assert_not_shared(article)
    draft = Article.objects.get(status=Article.Status.DRAFT)
    preview = client.get(f"/preview/articles/{draft.pk}/")
    assert preview.status_code == 200
    assert_not_shared(preview)
    admin = client.get(ADMIN)
    assert admin.status_code == 200
    assert_not_shared(admin)


def test_a_session_cookie_alone_makes_a_page_private(client, demo_data, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    assert_not_shared(client.get(PUBLIC_PAGES["home"]))


def _through_middleware(rf, view_response):
    middleware = SharedCacheHeadersMiddleware(lambda request: view_response)
    return middleware(rf.get("/articles/"))


def test_a_response_that_sets_a_cookie_is_never_shared(rf):
    response = HttpResponse("page")
    response.set_cookie("anything", "value")
    assert_not_shared(_through_middleware(rf, response))


def test_a_response_that_varies_on_cookies_is_never_shared(rf):
    response = HttpResponse("page")
    patch_vary_headers(response, ["Cookie"])
    assert_not_shared(_through_middleware(rf, response))


def test_the_lifetimes_come_from_settings(rf, settings):
    settings.HTTP_CACHE_MAX_AGE = 30
    settings.HTTP_CACHE_SHARED_MAX_AGE = 7
    settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 11
    settings.HTTP_CACHE_STALE_IF_ERROR = 600
    response = _through_middleware(rf, HttpResponse("page"))
    assert response["Cache-Control"] == (
        "public, max-age=30, s-maxage=7, stale-while-revalidate=11, stale-if-error=600"
    )


def test_shared_caching_can_be_switched_off(rf, settings):
    settings.HTTP_CACHE_MAX_AGE = 0
    settings.HTTP_CACHE_SHARED_MAX_AGE = 0
    assert public_cache_control() is None
    assert_not_shared(_through_middleware(rf, HttpResponse("page")))


def test_the_defaults_are_short_for_browsers_and_shared_caches():
    from wellness_site import settings as project_settings

    assert project_settings.HTTP_CACHE_SHARED_MAX_AGE <= 10
    assert project_settings.HTTP_CACHE_MAX_AGE == 0
    assert project_settings.HTTP_CACHE_STALE_IF_ERROR >= 3600
