"""The center's programs and pages, placed on pages other apps own.

    {% load center_tags %}
    {% article_programs programs %}   on an article: programs it explains
    {% home_programs programs %}      on the home page: "Our programs"
    {% admissions_links pages %}      on a program page: what to expect
    {% admissions_links %}            on the call-back page, which reads them itself
    {% accreditation_summary %}       in the footer: "Licensed by … · Accredited by …"

The view reads what the first three show (``center.page_data``), so that a
page's every input is known before it is rendered; the footer's line reads
the cached credentials, which a kept page's key holds too, and never touches
the database on an error page (rendered without a request).
"""

import logging

from django import template
from django.core.cache import cache
from django.db import Error as DatabaseError  # InterfaceError too: a connection gone
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from center import page_data
from center.models import credential_verb
from center.signals import CREDENTIALS_CACHE_KEY

logger = logging.getLogger(__name__)
register = template.Library()


def _instances(found):
    """Model instances from a ``QueryRows`` or a plain list."""
    return getattr(found, "objects", found)


@register.inclusion_tag("center/includes/article_programs.html", takes_context=True)
def article_programs(context, programs):
    """The published programs linked to the article (``page_data.ARTICLE_PROGRAMS``)."""
    return {"programs": _instances(programs), "center": context.get("center")}


@register.inclusion_tag("center/includes/home_programs.html")
def home_programs(programs):
    """Every published program (``page_data.PUBLISHED_PROGRAMS``)."""
    return {"programs": _instances(programs)}


@register.inclusion_tag("center/includes/admissions_links.html")
def admissions_links(pages=None):
    """The published admissions pages: as given, or read here."""
    if pages is not None:
        return {"pages": _instances(pages)}
    try:
        return {"pages": page_data.admissions_pages().objects}
    except DatabaseError:
        # The call-back form is shown back, with what was typed, while the
        # database is down: these links must never turn that page into an error.
        logger.warning("database unavailable; call-back page shown without admissions links")
        return {"pages": []}


def _credential_rows(context):
    """The credentials' rows; on an error page (no request) only what is cached."""
    if context.get("request") is None:
        return cache.get(CREDENTIALS_CACHE_KEY) or ()  # the database may be what failed
    return page_data.credential_rows()


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
