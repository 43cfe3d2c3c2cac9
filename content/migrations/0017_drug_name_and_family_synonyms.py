"""Search synonyms for the drug names and family words that found nothing.

"opiate", "oxycodone", "painkillers", "benzos" and "tapering" found no
article at all, and "teenager drug use" did not find the article for
families. As in 0012, each meaning is words the demo articles use (the
medicines article covers mixing opioids with benzodiazepines, and what to
do before stopping a medicine), and terms an editor has already added or
changed are left alone.
"""

import importlib

from django.db import migrations

# The first list's migration, whose helpers add and remove synonyms.
FIRST_LIST = importlib.import_module("content.migrations.0012_seed_search_synonyms")

SYNONYMS = {
    "opioid": ["opiate", "opiates"],
    "prescription opioid pills": [
        "oxycodone", "hydrocodone", "hydromorphone", "dilaudid", "norco", "painkiller",
        "painkillers", "pain killers", "pain medication", "pain meds",
    ],
    "benzodiazepines": ["benzo", "benzos", "xanax", "valium", "klonopin", "ativan"],
    "stopping medicine": ["taper", "tapering", "wean", "weaning", "wean off", "coming off"],
    "family loved one": ["teen", "teens", "teenager", "teenagers", "teenage"],
    "syringe services": ["needle exchange", "needle exchanges"],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("content", "0016_withdrawal_symptom_synonyms")]

    operations = [FIRST_LIST.seeding(SYNONYMS)]
