"""Whole public pages, rendered once for each set of inputs and reused.

The page cache (``wellness_site.pagecache``) skips the database as well as
the template, and so must be told when content changes. A kept page skips
only the template: its view still runs every query on every request, and
the page is reused only while those queries return exactly the rows it was
rendered from. Nothing has to invalidate it, a scheduled article goes live
on time, and a change the page cache missed still shows at once.

What a page is made from, all in its key:

- the raw rows of each query the view ran (``CompiledQuery.rows()``): equal
  rows, equal data;
- the center's profile and its credentials (the header, the footer), as the
  request reads them from the cache;
- the address, the language, the script prefix, the time zone and today's
  date there (review banners and expired credentials turn on the date);
- the template.

A render that reads anything else from the database (a query run from the
template) is shown but never kept, nor is one that touched the session or
the CSRF token, so a page that starts to depend on the visitor or on an
unlisted query is made afresh every time instead of being shown to the
wrong person or going stale. Kept per process, in memory, in a bounded LRU:
no other server, cache or log sees a page, and no page is made from what a
visitor typed.

A page with parts made for each request (the search page: what the visitor
typed and what it found) is kept as a frame (``render_framed``): rendered
once with a marker in place of each such part, and each request's values
put where the markers were. What the visitor typed is never in a key or in
what is kept.
"""

from contextlib import ExitStack, contextmanager

from django.db import connections
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from center.page_data import credential_rows
from content.context_processors import center_state
from content.fragments import FragmentCache, fragments

# Every public page of a large site in one language, at some tens of
# kilobytes each: a few megabytes a process at most.
MAX_PAGES = 256

kept_pages = FragmentCache(max_entries=MAX_PAGES)
# Frames (render_framed), apart, so that they never push a page out: the
# search page has one for each number of results in each state.
kept_frames = FragmentCache(max_entries=128)


def page_key(request, template_name, inputs):
    """Everything ``template_name`` rendered for ``request`` depends on, or None.

    None when an input cannot be a key (a value the driver returned that is
    not hashable): such a page is always rendered.
    """
    key = (
        template_name,
        request.path,
        get_language(),
        get_script_prefix(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
        center_state(request),
        tuple(credential_rows()),
        tuple(getattr(found, "key", found) for found in inputs),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


class _Reads:
    """Counts the queries run on any database connection while it is active."""

    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    @contextmanager
    def watching(self):
        with ExitStack() as stack:
            for connection in connections.all(initialized_only=True):
                stack.enter_context(connection.execute_wrapper(self))
            yield self


def _may_keep(request, response, reads):
    """Whether this render depended on nothing outside the page's key."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and reads.queries == 0
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
    )


def render_kept(request, template_name, *, inputs, context):
    """``render(request, template_name, context())``, reused while ``inputs`` are the same.

    ``inputs`` are the ``QueryRows`` of every query the view ran for this
    page (and any other hashable value the page depends on); ``context``
    is a function returning the template's context, called only when the
    page has to be rendered.
    """
    # fragments_disabled() (tests) turns this off too.
    key = page_key(request, template_name, inputs) if fragments.enabled else None
    if key is not None:
        kept = kept_pages.get(key)
        if kept is not None:
            content, etag = kept
            response = HttpResponse(content)
            response["ETag"] = etag
            return response
    reads = _Reads()
    with reads.watching():
        response = render(request, template_name, context())
    if key is not None and _may_keep(request, response, reads):
        # The same ETag ConditionalGetMiddleware would give, worked out once.
        set_response_etag(response)
        kept_pages.set(key, (response.content, response["ETag"]))
    return response


# A slot's marker in a frame: private-use characters, which no template,
# translation or stored text holds, around the slot's name.
_MARK = "\ue001"
# A marker is kept whole by autoescaping; one a filter changed (urlencode,
# truncation) would show as one of these, and the page is then not kept.
_MARK_ALTERED = (_MARK, "%EE%80%81", "&#57345;", "&#xe001;")


def _marker(name):
    return f"{_MARK}{name}{_MARK}"


def _frame_pieces(html, names):
    """``html`` cut at the slots' markers: [text, name, text, name, ..., text], or None."""
    pieces, rest = [], html
    while True:
        cut = rest.find(_MARK)
        if cut == -1:
            pieces.append(rest)
            break
        end = rest.find(_MARK, cut + 1)
        name = rest[cut + 1 : end] if end != -1 else None
        if name not in names:
            return None
        pieces += [rest[:cut], name]
        rest = rest[end + 1 :]
    if any(marker in piece for piece in pieces[::2] for marker in _MARK_ALTERED):
        return None
    return pieces


def render_framed(request, template_name, *, inputs, context, slots):
    """``render(request, template_name, {**context(), **slots})``, the page around ``slots`` kept.

    ``slots`` are the values made for this request (what a visitor typed,
    what it found), each output by the template as ``{{ name }}`` would
    output it: escaped, unless it is safe HTML. The page is rendered once
    with a marker in each slot's place and kept, keyed as ``render_kept``
    keys a page by ``inputs``, and by which slots are empty (``{% if %}``
    may test them); on each request the slots' values are put in the
    markers' places. A slot must only be output, never filtered or
    compared: pass a value a filter would make (``urlencode``) as a slot
    of its own. A template that alters a marker is rendered afresh every
    time, never kept.

    No slot's value is ever part of a key or of what is kept, and a value is
    put in by position, never searched for: whatever a visitor types shows
    as text, exactly as the template would show it.
    """
    filled = frozenset(name for name, value in slots.items() if value)
    # fragments_disabled() (tests) turns this off too.
    key = page_key(request, template_name, (*inputs, filled)) if fragments.enabled else None
    if key is None:
        return render(request, template_name, {**context(), **slots})
    pieces = kept_frames.get(key)
    if pieces is None:
        frame = {name: _marker(name) if name in filled else value for name, value in slots.items()}
        reads = _Reads()
        with reads.watching():
            response = render(request, template_name, {**context(), **frame})
        pieces = _frame_pieces(response.content.decode(response.charset), filled)
        if pieces is None:
            return render(request, template_name, {**context(), **slots})
        if _may_keep(request, response, reads):
            kept_frames.set(key, pieces)
    parts = [
        conditional_escape(slots[piece]) if number % 2 else piece
        for number, piece in enumerate(pieces)
    ]
    return HttpResponse("".join(parts))
