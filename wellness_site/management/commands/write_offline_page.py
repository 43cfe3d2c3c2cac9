"""Write the page nginx shows at the forms while no app server answers.

    python manage.py write_offline_page

Run at every start of an app server (deploy/systemd/wellness-web.service);
see wellness_site/offline_page.py.
"""

from django.core.management.base import BaseCommand

from wellness_site.offline_page import write_offline_page


class Command(BaseCommand):
    help = "Write the page nginx shows at the forms while no app server answers."

    def handle(self, *args, **options):
        target = write_offline_page()
        self.stdout.write(f"Wrote {target}")
