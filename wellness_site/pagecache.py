"""Whole public pages, kept in the cache and served without running a view.

A visitor's GET of a public page is answered from the cache when it can be:
no session cookie (staff, who may see drafts, always get a fresh page), a
page the view allowed to be stored (no ``no-store``/``private``, no cookie
set, no ``Vary: Cookie``), outside the admin. Pages with a form are
``never_cache``, so they are never stored.

Invalidation is by generation: every stored page carries the generation it
was made in, and any change to published content bumps the generation
(``pages_changed()``, called by the content app's signals), so every page
is remade on its next request, at once, on every app server sharing the
cache. A scheduled article appears on time because no page is kept past
the next scheduled publication (``next_change_in``).

One cache round trip per request: the generation and the page are read
together with ``get_many``.
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page:"
# Headers worth keeping with a page; the outer middleware adds the rest.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Vary",
    "ETag",
    "Last-Modified",
    "X-Frame-Options",
)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# The only query parameters a cached page may depend on (pagination of lists
# and of the sitemap). Any other parameter is left out of the key: the views
# ignore it, and a flood of made-up parameters must not fill the cache with
# copies of one page. A view that reads another parameter must be added here.
CACHE_VARYING_PARAMS = ("page", "p")
_PAGE_NUMBER = re.compile(r"[0-9]{1,4}")
# Pages that carry what a visitor typed are never kept: search terms are theirs.
NEVER_KEPT_PARAMS = ("q",)


def page_key(request):
    varying = [
        f"{name}={request.GET[name]}" for name in CACHE_VARYING_PARAMS if name in request.GET
    ]
    key = request.path + ("?" + "&".join(varying) if varying else "")
    return PAGE_KEY_PREFIX + hashlib.sha256(key.encode()).hexdigest()


def pages_changed():
    """Make every cached page stale (content was edited, approved or removed)."""
    # A new value, not incr: it works on every backend and never repeats.
    _cache().set(GENERATION_KEY, time.time_ns(), timeout=None)


def _lookup(key):
    """``(generation, value)``: the current generation and ``key``'s value if
    it was stored in that generation (else None), in one cache round trip.

    A cache that is down answers as empty (wellness_site.cache), so pages are
    then simply made afresh.
    """
    found = _cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY, 0)
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return generation, stored[1]
    return generation, None


def _keep(key, generation, value, timeout):
    _cache().set(key, (generation, value), timeout=timeout)


def _next_change_in():
    """Seconds until the next scheduled publication, or None."""
    from django.utils import timezone

    from content.models import Article

    # The approved version's time, not the working copy's proposal for the next one.
    upcoming = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED, live_version__publish_at__gt=timezone.now()
        )
        .order_by("live_version__publish_at")
        .values_list("live_version__publish_at", flat=True)
        .first()
    )
    if upcoming is None:
        return None
    return max(1, int((upcoming - timezone.now()).total_seconds()))


def _cacheable_request(request):
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith("/" + settings.ADMIN_URL)
        and not any(name in request.GET for name in NEVER_KEPT_PARAMS)
        # Only page numbers that could exist: anything else is made, not kept.
        and all(
            _PAGE_NUMBER.fullmatch(request.GET[name])
            for name in CACHE_VARYING_PARAMS
            if name in request.GET
        )
    )


def _cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("no-store", "no-cache", "private")):
        return False
    vary = response.get("Vary", "").lower()
    return "cookie" not in vary


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return self.get_response(request)
        request.get_host()  # a page is never served to a host we do not answer to
        key = page_key(request)
        generation, stored = _lookup(key)
        if stored is not None:
            return self._replay(request, stored)

        response = self.get_response(request)
        if _cacheable_response(response):
            self._store(key, generation, response)
        return response

    def _store(self, key, generation, response):
        timeout = settings.PAGE_CACHE_SECONDS
        try:
            next_change = _next_change_in()
        except DatabaseError:
            # The database went away after the page was made: serve it, but do
            # not keep it, since when it goes stale cannot be known.
            logger.warning("database unavailable; page served but not stored")
            return
        if next_change is not None:
            timeout = min(timeout, next_change)
        headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
        _keep(key, generation, (response.content, headers), timeout)

    def _replay(self, request, stored):
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        # A repeat visit with the page's ETag gets 304 and no body.
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            response=response,
        )


def cached_until_content_changes(key, make, timeout=None):
    """``make()``, kept in the cache until content changes or ``timeout`` passes.

    The same generation rule as whole pages, for parts of pages that cannot
    be kept whole (a form page, whose tokens differ for every visitor).
    With page caching off (DEBUG), ``make()`` runs every time.
    """
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    if not timeout:
        return make()
    generation, value = _lookup(key)
    if value is None:
        value = make()
        _keep(key, generation, value, timeout)
    return value
