"""Write the page nginx shows at the forms while no app server answers.

    python manage.py write_offline_page

nginx (deploy/nginx-site.conf) serves OFFLINE_PAGE_DIR/forms.html at
/call-back/ and /contact/ when its app servers are down: requests cannot be
sent, so the page says so and gives the center's phone lines and the crisis
numbers. The phone numbers are data (the center's profile), so the page is
made from them here, at every start of an app server (wellness-web.service)
and after the profile changes.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string

from content.models import CenterProfile

FILE_NAME = "forms.html"


def write_offline_page(directory=None):
    """Render the offline page from the center's profile; returns the file written."""
    directory = Path(directory or settings.OFFLINE_PAGE_DIR)
    html = render_to_string(
        "offline_forms.html",
        {"center": CenterProfile.objects.get_cached(), "site_url": settings.SITE_URL},
    )
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / FILE_NAME
    # Written beside, then renamed: nginx never reads half a file.
    partial = target.with_suffix(".tmp")
    partial.write_text(html, encoding="utf-8")
    partial.chmod(0o644)
    partial.replace(target)
    return target


class Command(BaseCommand):
    help = "Write the page nginx shows at the forms while no app server answers."

    def handle(self, *args, **options):
        target = write_offline_page()
        self.stdout.write(f"Wrote {target}")
