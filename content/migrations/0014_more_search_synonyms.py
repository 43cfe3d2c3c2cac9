"""More search synonyms, from words people typed that found nothing or the wrong article.

Brand names (Lucemyra), street and prescription names (carfentanil, Percocet,
oxy), the signs a frightened caller describes ("blue lips", "unresponsive"),
and the words families and people in recovery use ("intervention",
"enabling", "clean", "12 step"). As in 0012, each meaning is words the demo
articles use, and terms an editor has already added or changed are left alone.
"""

import importlib

from django.db import migrations

# The first list's migration, whose helpers add and remove synonyms.
FIRST_LIST = importlib.import_module("content.migrations.0012_seed_search_synonyms")

SYNONYMS = {
    "lofexidine": ["lucemyra"],
    "lofexidine clonidine withdrawal symptoms": ["comfort meds", "comfort medications"],
    "buprenorphine": ["precipitated withdrawal", "precipitated"],
    "fentanyl": ["carfentanil"],
    "prescription opioid pills": [
        "percocet", "percs", "oxy", "oxycontin", "roxy", "roxies", "vicodin", "pain pills",
    ],
    "overdose": ["blue lips", "unresponsive", "passed out"],
    "withdrawal goose bumps": ["goosebumps"],
    "family loved one": ["intervention", "enabling", "tough love"],
    "recovery": ["clean", "sober", "sobriety"],
    "twelve step mutual help": ["12 step", "12 steps"],
    "heroin addiction": ["junkie", "addict"],
}  # fmt: skip


def seed(apps, schema_editor):
    FIRST_LIST.add_synonyms(apps, SYNONYMS)


def unseed(apps, schema_editor):
    FIRST_LIST.remove_synonyms(apps, SYNONYMS)


class Migration(migrations.Migration):
    dependencies = [("content", "0013_search_vectors")]

    operations = [migrations.RunPython(seed, unseed)]
