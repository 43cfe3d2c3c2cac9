"""Whole public pages, kept in the cache and served without running a view.

A visitor's GET of a public page is answered from the cache when it can be:
no session cookie (staff, who may see drafts, always get a fresh page), a
page the view allowed to be stored (no ``no-store``/``private``, no cookie
set, no ``Vary: Cookie``), outside the admin. Pages with a form are
``never_cache``, so they are never stored.

Invalidation is by tag. A page depends on a few named things, found from its
address alone (``wellness_site.pagecache_tags``): an article's page on
``article:<slug>``, the lists on ``lists``. Each tag has a generation in the
cache, and so does the site as a whole (``GENERATION_KEY``, on every page);
a stored page carries the generations it was made in and is served only
while they are all unchanged. A change to content bumps the tags of what it
touches (``pages_changed(tags)``, from the apps' signals), so only those
pages are remade, on every app server sharing the cache; a change to what
every page shows (the center's name and phones), or one nobody can
attribute, bumps the global generation (``pages_changed()``). A scheduled
article appears on time because no page is kept past the next scheduled
publication (``next_change_in``).

One cache round trip per request: since a page's tags follow from its
address, the page and its generations are read together with ``get_many``.
A generation that is missing (never bumped, or evicted) is set before the
page is made, so no page is ever kept against a missing one: an eviction
costs a remake, never a stale page.
"""

import functools
import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from wellness_site.pagecache_tags import EVERY_CHANGE, tags_for_path

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
TAG_KEY_PREFIX = "pagecache:tag:"
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


# Tags hold slugs from the address, which a visitor can make as long as they
# like; a long one is hashed so the key stays within what every backend takes.
_LONGEST_READABLE_TAG = 100


def tag_key(tag):
    if len(tag) > _LONGEST_READABLE_TAG:
        tag = "sha256:" + hashlib.sha256(tag.encode()).hexdigest()
    return TAG_KEY_PREFIX + tag


def _new_generation():
    # A new random value, not incr: it works on every backend, and two app
    # servers bumping at the same moment never write the same value.
    return uuid.uuid4().int >> 64


def pages_changed(tags=None):
    """Make cached pages stale: those carrying one of ``tags``, or every page if None.

    Content was edited, approved or removed. Every targeted change also
    bumps ``EVERY_CHANGE``, which pages no rule describes carry.
    """
    if tags is None:
        _cache().set(GENERATION_KEY, _new_generation(), timeout=None)
        return
    generation = _new_generation()
    keys = {tag_key(tag): generation for tag in {*tags, EVERY_CHANGE}}
    _cache().set_many(keys, timeout=None)


def _generation_keys(tags):
    return (GENERATION_KEY, *(tag_key(tag) for tag in tags))


# Per address, so that a hit costs no URL resolution. Bounded: made-up slugs
# resolve too, and must not grow a worker's memory.
@functools.lru_cache(maxsize=1024)
def _page_generation_keys(path, urlconf):
    return _generation_keys(tags_for_path(path, urlconf))


def _lookup(key, generation_keys):
    """``(generations, value)``: the current generations of ``generation_keys``
    and ``key``'s value if it was stored in exactly those (else None), in one
    cache round trip.

    A missing generation is set first (a second round trip, on a miss only).
    A cache that is down answers as empty (wellness_site.cache), so pages are
    then simply made afresh.
    """
    found = _cache().get_many([key, *generation_keys])
    generations = tuple([found.get(k) for k in generation_keys])
    stored = found.get(key)
    if None not in generations:
        if stored is not None and stored[0] == generations:
            return generations, stored[1]
        return generations, None
    missing = {k: _new_generation() for k in generation_keys if k not in found}
    _cache().set_many(missing, timeout=None)
    return tuple(found.get(k, missing.get(k)) for k in generation_keys), None


def _keep(key, generations, value, timeout):
    _cache().set(key, (generations, value), timeout=timeout)


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
        keys = _page_generation_keys(request.path_info, settings.ROOT_URLCONF)
        generations, stored = _lookup(key, keys)
        if stored is not None:
            return self._replay(request, stored)

        response = self.get_response(request)
        if _cacheable_response(response):
            self._store(key, generations, response)
        return response

    def _store(self, key, generations, response):
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
        _keep(key, generations, (response.content, headers), timeout)

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


def cached_until_content_changes(key, make, timeout=None, tags=(EVERY_CHANGE,)):
    """``make()``, kept in the cache until content changes or ``timeout`` passes.

    The same generation rule as whole pages, for parts of pages that cannot
    be kept whole (a form page, whose tokens differ for every visitor). By
    default any change to content remakes it; ``tags`` narrows that to the
    changes that touch it (``wellness_site.pagecache_tags``). With page
    caching off (DEBUG), ``make()`` runs every time.
    """
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    if not timeout:
        return make()
    generations, value = _lookup(key, _generation_keys(tags))
    if value is None:
        value = make()
        _keep(key, generations, value, timeout)
    return value
