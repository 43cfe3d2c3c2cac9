"""The center's programs and pages, placed on pages other apps own.

    {% load center_tags %}
    {% article_programs article.article_id %}   on an article: programs it explains
    {% home_programs %}                         on the home page: "Our programs"
    {% admissions_links %}                      on the call-back page: what to expect
    {% accreditation_summary %}                 in the footer: "Licensed by … · Accredited by …"

The first three run one query each; the footer's line runs none once cached,
and never touches the database on an error page (rendered without a request).
"""

import logging

from django import template
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from center.models import CenterPage, Credential, Program, credential_verb
from center.signals import CREDENTIALS_CACHE_KEY
from wellness_site.compiled_queries import CompiledQuery

logger = logging.getLogger(__name__)
register = template.Library()


# Compiled once per process (wellness_site.compiled_queries): they run on
# every article and on the home page.
_article_programs = CompiledQuery(
    lambda article_id: (
        Program.objects.published().filter(articles=article_id).only("name", "slug", "summary")
    )
)
_published_programs = CompiledQuery(
    lambda: Program.objects.published().only("name", "slug", "summary")
)


@register.inclusion_tag("center/includes/article_programs.html", takes_context=True)
def article_programs(context, article_id):
    """The published programs linked to the article with pk ``article_id``."""
    return {"programs": _article_programs(article_id=article_id), "center": context.get("center")}


@register.inclusion_tag("center/includes/home_programs.html")
def home_programs():
    return {"programs": _published_programs()}


@register.inclusion_tag("center/includes/admissions_links.html")
def admissions_links():
    pages = CenterPage.objects.published().filter(section=CenterPage.Section.ADMISSIONS)
    try:
        return {"pages": list(pages.only("section", "slug", "title"))}
    except DatabaseError:
        # The call-back form is shown back, with what was typed, while the
        # database is down: these links must never turn that page into an error.
        logger.warning("database unavailable; call-back page shown without admissions links")
        return {"pages": []}


def _credential_rows(context):
    """``(kind, issuer, valid_until)`` of every credential, from the cache when possible.

    Expiry is applied when rendering, so the cached rows stay right across
    midnight; any change to a credential clears them (``center.signals``).
    """
    rows = cache.get(CREDENTIALS_CACHE_KEY)
    if rows is not None:
        return rows
    if context.get("request") is None:
        return []  # an error page: the database may be what failed
    try:
        rows = list(Credential.objects.values_list("kind", "issuer", "valid_until"))
    except DatabaseError:
        logger.warning("database unavailable; footer shown without accreditation")
        return []
    cache.set(CREDENTIALS_CACHE_KEY, rows, timeout=None)
    return rows


def accreditation_parts(rows, today=None):
    """["Licensed by …", "Accredited by …", "Certified by …"] for the current credentials."""
    today = today or timezone.localdate()
    issuers = {"licensed": [], "accredited": [], "certified": []}
    for kind, issuer, valid_until in rows:
        if valid_until is not None and valid_until < today:
            continue
        names = issuers[credential_verb(kind)]
        if issuer not in names:
            names.append(issuer)
    wording = {
        "licensed": _("Licensed by %(names)s"),
        "accredited": _("Accredited by %(names)s"),
        "certified": _("Certified by %(names)s"),
    }
    return [
        wording[verb] % {"names": get_text_list(names, _("and"))}
        for verb, names in issuers.items()
        if names
    ]


@register.inclusion_tag("center/includes/accreditation_summary.html", takes_context=True)
def accreditation_summary(context):
    return {"parts": accreditation_parts(_credential_rows(context))}
