"""What pages of other apps show of the center, read before the page is rendered.

The home page lists the published programs, an article the programs it
explains, a program page the admissions pages, and every page's footer the
center's current credentials. Views read these here, before rendering, so
that everything a kept page was made from is known up front
(``wellness_site.kept_pages``); the template tags in ``center_tags`` show
what they are given.
"""

import logging

from django.core.cache import cache
from django.db import Error as DatabaseError  # InterfaceError too: a connection gone

from center.models import CenterPage, Credential, Program
from center.signals import CREDENTIALS_CACHE_KEY
from wellness_site.compiled_queries import CompiledQuery

logger = logging.getLogger(__name__)

# Compiled once per process (wellness_site.compiled_queries): they run on
# every article, on the home page and on every program page, with the page's
# other queries (``run_together``); the call-back page reads the admissions
# pages alone (``admissions_pages()``).
ARTICLE_PROGRAMS = CompiledQuery(
    lambda article_id: (
        Program.objects.published().filter(articles=article_id).only("name", "slug", "summary")
    )
)
PUBLISHED_PROGRAMS = CompiledQuery(
    lambda: Program.objects.published().only("name", "slug", "summary")
)
ADMISSIONS_PAGES = CompiledQuery(
    lambda: (
        CenterPage.objects.published()
        .filter(section=CenterPage.Section.ADMISSIONS)
        .only("section", "slug", "title")
    )
)


def admissions_pages():
    """The published admissions pages ("What to bring"...) (``QueryRows``)."""
    return ADMISSIONS_PAGES.rows()


def credential_rows():
    """``(kind, issuer, valid_until)`` of every credential, from the cache when possible.

    Expiry is applied when rendering, so the cached rows stay right across
    midnight; any change to a credential clears them (``center.signals``).
    A database that cannot be read gives no rows: the footer then goes
    without its accreditation line rather than the page failing.
    """
    rows = cache.get(CREDENTIALS_CACHE_KEY)
    if rows is not None:
        return rows
    try:
        rows = tuple(Credential.objects.values_list("kind", "issuer", "valid_until"))
    except DatabaseError:
        logger.warning("database unavailable; footer shown without accreditation")
        return ()
    cache.set(CREDENTIALS_CACHE_KEY, rows, timeout=None)
    return rows
