"""Cache-Control for shared caches: which responses nginx or a CDN may keep, and how long.

One rule decides, the page cache's own (wellness_site.pagecache): a response
is marked ``public`` exactly when the page cache would keep it - a GET
without a session cookie, outside the admin, no search terms in the query;
a 200 that sets no cookie, does not vary on cookies and was not marked
``private``/``no-store`` by its view (form pages are ``never_cache``). A 304
is judged as the page it confirms, so a revalidation renews the same rule.

Everything else that says nothing about caching of its own is marked
``private``: a shared cache keeps nothing it was not told it may.

The lifetimes come from settings (HTTP_CACHE_*, read from the environment);
the header is built once per process. Health checks and static files are
answered by middleware outside this one and keep their own headers.
"""

from http import HTTPStatus

from django.conf import settings

# The predicates the page cache stores by, used read-only: one rule for both.
from wellness_site.pagecache import _cacheable_request, _cacheable_response


def public_cache_control():
    """The Cache-Control of a public page, or None when shared caching is switched off.

    - ``max-age`` (browsers): 0 by default, so a browser asks again on every
      visit and a reader who had the page sees an approved correction of
      medical content at once; the question carries the ETag and mostly
      gets a 304 with no body.
    - ``s-maxage`` (shared caches): the same few seconds as nginx's own
      micro-cache, so an approved edit shows through any shared cache
      within that time.
    - ``stale-while-revalidate``: a page a little past its time may be shown
      once while a fresh copy is fetched, so no visitor waits on a render.
    - ``stale-if-error``: while no app server answers, a CDN may keep
      showing the last good copy (with the crisis numbers on it) for a day,
      rather than an error.
    """
    browser, shared = settings.HTTP_CACHE_MAX_AGE, settings.HTTP_CACHE_SHARED_MAX_AGE
    if not browser and not shared:
        return None
    return (
        f"public, max-age={browser}, s-maxage={shared}, "
        f"stale-while-revalidate={settings.HTTP_CACHE_STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={settings.HTTP_CACHE_STALE_IF_ERROR}"
    )


class _ConfirmedPage:
    """A 304 seen as the 200 it stands for (same headers and cookies)."""

    status_code = HTTPStatus.OK

    def __init__(self, response):
        self._response = response

    def __getattr__(self, name):
        return getattr(self._response, name)


def shared_cache_may_keep(request, response):
    if response.status_code == HTTPStatus.NOT_MODIFIED:
        response = _ConfirmedPage(response)
    return _cacheable_request(request) and _cacheable_response(response)


class SharedCacheHeadersMiddleware:
    """Mark what a shared cache may keep ``public``, and everything else ``private``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = public_cache_control()

    def __call__(self, request):
        response = self.get_response(request)
        if self.public and shared_cache_may_keep(request, response):
            response["Cache-Control"] = self.public
        elif not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private"
        return response
