"""Search synonyms for the drug names and family words that found nothing.

"opiate", "oxycodone", "painkillers", "benzos", "tapering" and
"rehabilitation" found no article at all, and "teenager drug use" and
"in patient" did not find the article a reader needed. As in 0012, each
meaning is words the demo articles use (the medicines article covers mixing
opioids with benzodiazepines, and what to do before stopping a medicine),
and terms an editor has already added or changed are left alone.
"""

import importlib

from django.db import migrations, models

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
    "residential treatment": ["rehabilitation", "in patient"],
    "outpatient": ["out patient"],
}  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("content", "0016_withdrawal_symptom_synonyms")]

    operations = [
        FIRST_LIST.seeding(SYNONYMS),
        # The admin now says that a term stands for other endings of its words.
        migrations.AlterField(
            model_name="searchsynonym",
            name="term",
            field=models.CharField(
                help_text=(
                    "A brand name, slang word, abbreviation or short phrase, for example "
                    "“narcan” or “cold turkey”. Stored in lower case. Other endings of its "
                    "words count too: “rehab” also stands for “rehabs”."
                ),
                max_length=60,
                unique=True,
                verbose_name="what people type",
            ),
        ),
    ]
