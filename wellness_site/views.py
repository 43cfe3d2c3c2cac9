"""Site-wide views: the 500 and 503 pages and security.txt."""

import logging
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_GET

from content.models import CENTER_CACHE_KEY

logger = logging.getLogger(__name__)


# The last resort, with nothing to render: the crisis numbers, plain.
FALLBACK_ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Something went wrong</title></head>
<body><h1>Something went wrong on our side</h1>
<p>Please try again in a few minutes.</p>
<p>If you need help right now: emergency or possible overdose, call
<a href="tel:911">911</a>. 988 Suicide &amp; Crisis Lifeline: call or text
<a href="tel:988">988</a>. SAMHSA National Helpline (free, confidential, 24/7):
<a href="tel:+18006624357">1-800-662-4357</a>.</p></body></html>
"""


def _error_page(template_name, status):
    """An error page rendered without touching the database.

    The failure may be the database itself, so the center's phone number comes
    from the cache only; the crisis numbers are in the template and always show.
    """
    try:
        center = cache.get(CENTER_CACHE_KEY)
    except Exception:  # the cache may be what failed
        logger.warning("cache unavailable while rendering an error page")
        center = None
    try:
        template = loader.get_template(template_name)
        body = template.render({"center": center, "site_url": settings.SITE_URL})
    except Exception:  # the templates or static files may be what is broken
        logger.exception("error page %s could not be rendered", template_name)
        body = FALLBACK_ERROR_PAGE
    return HttpResponse(body, status=status)


def server_error(request):
    """The 500 page."""
    return _error_page("500.html", 500)


def database_unavailable(request):
    """The 503 page while the database cannot be reached; browsers may retry soon."""
    response = _error_page("503.html", 503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability."""
    host = urlsplit(settings.SITE_URL).hostname
    contact = settings.SECURITY_CONTACT or f"mailto:security@{host}"
    if settings.SECURITY_TXT_EXPIRES:
        expires = settings.SECURITY_TXT_EXPIRES
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
    else:
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        expires = today + timedelta(days=180)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
