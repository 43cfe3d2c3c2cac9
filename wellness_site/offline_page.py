"""The page nginx shows at the forms while no app server answers.

nginx (deploy/nginx-site.conf) serves OFFLINE_PAGE_DIR/forms.html at
/call-back/ and /contact/ when its app servers are down: requests cannot be
sent, so the page says so and gives the center's phone lines and the crisis
numbers. The phone numbers are data (the center's profile), so the page is
made from them: by ``manage.py write_offline_page`` at every start of an app
server (wellness-web.service), and again whenever the profile is saved.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FILE_NAME = "forms.html"


def write_offline_page(directory=None):
    """Render the offline page from the center's profile; returns the file written."""
    from content.models import CenterProfile

    directory = Path(directory or settings.OFFLINE_PAGE_DIR)
    # From the database, not the cache: this runs right after a save, perhaps
    # before the cached copy is cleared.
    center = CenterProfile.objects.order_by("pk").first() or CenterProfile()
    html = render_to_string(
        "offline_forms.html", {"center": center, "site_url": settings.SITE_URL}
    )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / FILE_NAME
    # Written beside, then renamed: nginx never reads half a file.
    partial = target.with_suffix(".tmp")
    partial.write_text(html, encoding="utf-8")
    partial.chmod(0o644)
    partial.replace(target)
    return target


def _rewrite():
    # Whatever goes wrong here (a folder not writable, static files not yet
    # collected on a fresh install), the save stands: the page keeps the old
    # numbers until the next start of an app server writes it.
    try:
        write_offline_page()
    except Exception as error:
        logger.warning("offline page not written: %s", type(error).__name__)


def center_profile_saved(sender, **kwargs):
    """post_save of the center's profile: the offline page gets the new numbers."""
    transaction.on_commit(_rewrite)
