"""Search synonyms for the withdrawal signs people describe in their own words.

"shaking" used to be corrected into "sharing", a word the articles use; now
that common English words are left as typed (content/english_words.py), such
words find nothing unless a synonym leads them to the article that covers
them. As in 0012, each meaning is words the demo articles use, and terms an
editor has already added or changed are left alone.
"""

import importlib

from django.db import migrations

# The first list's migration, whose helpers add and remove synonyms.
FIRST_LIST = importlib.import_module("content.migrations.0012_seed_search_synonyms")

SYNONYMS = {
    "withdrawal symptoms": [
        "shaking", "shakes", "the shakes", "tremor", "tremors", "shivering", "jitters",
        "insomnia",
    ],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("content", "0015_prune_superseded_search_rows")]

    operations = [FIRST_LIST.seeding(SYNONYMS)]
