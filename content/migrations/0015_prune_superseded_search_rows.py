"""Keep search words and vectors for live versions only.

Until now every approved version kept its words (``SearchWord``) and its
full-text vector (``SearchDocument``) after a newer version replaced it.
Search never read them, but the full-text match still tested and ranked
every one. From now on an approval drops the rows of the versions it
replaces (``content.models.forget_superseded_search_rows``); this removes
the ones already there. Going back leaves the rows as they are: search only
ever reads live versions' rows, so their absence changes nothing.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Article = apps.get_model("content", "Article")
    SearchWord = apps.get_model("content", "SearchWord")
    SearchDocument = apps.get_model("content", "SearchDocument")
    live = Article.objects.filter(live_version__isnull=False).values("live_version_id")
    SearchWord.objects.exclude(version_id__in=live).delete()
    SearchDocument.objects.exclude(version_id__in=live).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0014_more_search_synonyms"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
