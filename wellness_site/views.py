"""Error views that need more care than Django's defaults."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseServerError
from django.template import loader

from content.models import CENTER_CACHE_KEY

logger = logging.getLogger(__name__)


def server_error(request):
    """The 500 page, rendered without touching the database.

    The failure may be the database itself, so the center's phone number comes
    from the cache only; the crisis numbers are in the template and always show.
    """
    try:
        center = cache.get(CENTER_CACHE_KEY)
    except Exception:  # the cache may be what failed
        logger.warning("cache unavailable while rendering the 500 page")
        center = None
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"center": center, "site_url": settings.SITE_URL})
    )
