"""Load the demo content in fixtures/ without overwriting anything.

Each object in a fixture is saved only if no row with its primary key exists
yet, so running this twice changes nothing and never undoes an edit made in
the admin. The fixtures' dates were written as of ``WRITTEN_ON``; they are
moved forward by the time since, so that the demo keeps one article overdue
for review and one scheduled for the future whenever it is loaded.

To regenerate a fixture after editing the demo content (then set
``WRITTEN_ON`` to the day of the dump):

    python manage.py dumpdata content.centerprofile content.sitepage \\
        --indent 2 -o fixtures/demo_site.json
    python manage.py dumpdata content.topic content.person content.article \\
        content.citation --indent 2 -o fixtures/demo_articles.json
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from content.models import Article, Citation, Person

FIXTURES = ["demo_site.json", "demo_articles.json"]
WRITTEN_ON = date(2026, 11, 24)
DATES_TO_SHIFT = {
    Article: ["publish_at", "last_reviewed"],
    Citation: ["last_checked"],
    Person: ["licence_expires"],
}


class Command(BaseCommand):
    help = "Load the demo content; existing rows are left untouched."

    def handle(self, *args, **options):
        shift = timezone.localdate() - WRITTEN_ON
        created = kept = 0
        articles = []
        with transaction.atomic():
            for name in FIXTURES:
                path = Path(settings.BASE_DIR) / "fixtures" / name
                with path.open(encoding="utf-8") as stream:
                    for item in serializers.deserialize("json", stream):
                        obj = item.object
                        model = type(obj)
                        if model._default_manager.filter(pk=obj.pk).exists():
                            kept += 1
                            continue
                        for field in DATES_TO_SHIFT.get(model, []):
                            value = getattr(obj, field)
                            if value is not None:
                                setattr(obj, field, value + shift)
                        if model is Article:
                            # A full save renders the Markdown and derives the
                            # review dates; links to other articles wait until
                            # all of them exist.
                            obj.save()
                            articles.append(item)
                        else:
                            item.save()
                        created += 1
            for item in articles:
                for field_name, values in item.m2m_data.items():
                    getattr(item.object, field_name).set(values)
        self.stdout.write(f"Demo data: {created} created, {kept} already present.")
