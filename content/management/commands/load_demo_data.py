"""Load the demo content in fixtures/ without overwriting anything.

Each object in a fixture is saved only if no row with its primary key exists
yet, so running this twice changes nothing and never undoes an edit made in
the admin. To regenerate a fixture after editing the demo content:

    python manage.py dumpdata content.centerprofile content.sitepage \
        --indent 2 -o fixtures/demo_site.json
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURES = ["demo_site.json"]


class Command(BaseCommand):
    help = "Load the demo center profile and pages; existing rows are left untouched."

    def handle(self, *args, **options):
        created = kept = 0
        with transaction.atomic():
            for name in FIXTURES:
                path = Path(settings.BASE_DIR) / "fixtures" / name
                with path.open(encoding="utf-8") as stream:
                    for item in serializers.deserialize("json", stream):
                        model = type(item.object)
                        if model._default_manager.filter(pk=item.object.pk).exists():
                            kept += 1
                            continue
                        item.save()
                        created += 1
        self.stdout.write(f"Demo data: {created} created, {kept} already present.")
