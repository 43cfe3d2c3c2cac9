"""The starting list of search synonyms; editors extend it in the admin.

Each meaning is words the demo articles use, so each term lands on a real
article. Terms an editor has already added or changed are left alone.
"""

from django.db import migrations

SYNONYMS = {
    "naloxone": ["narcan", "kloxxado", "zimhi"],
    "buprenorphine": ["suboxone", "subutex", "sublocade", "zubsolv", "brixadi", "bupe", "subs"],
    "naltrexone": ["vivitrol"],
    "methadone": ["methadone clinic", "otp"],
    "withdrawal management": ["detox", "detoxing", "detoxification"],
    "residential treatment": ["rehab", "inpatient"],
    "intensive outpatient": ["iop"],
    "partial hospitalization": ["php"],
    "heroin": ["dope", "smack", "h", "junk", "boy"],
    "fentanyl": ["fent", "fetty", "blues", "m30"],
    "xylazine": ["tranq"],
    "overdose": ["od", "overdosing", "overdosed"],
    "withdrawal": ["dopesick", "sick", "kicking", "cold turkey", "withdrawals"],
    "medications for opioid use disorder": ["mat", "moud"],
    "family loved one": [
        "son", "daughter", "child", "kid", "husband", "wife", "partner", "mom", "dad",
        "brother", "sister", "boyfriend", "girlfriend",
    ],
    "paying for treatment insurance": ["insurance", "medicaid", "pay", "afford", "cost"],
    "pregnancy": ["pregnant", "expecting", "baby"],
    "recovery housing": ["sober living", "halfway house"],
    "co-occurring mental health": ["depression", "anxiety", "dual diagnosis"],
    "aftercare relapse prevention": ["relapse", "staying clean"],
    "timeline": ["how long"],
    "stop": ["quit", "quitting"],
}  # fmt: skip


def add_synonyms(apps, synonyms):
    """Each of ``synonyms`` ({meaning: [terms]}) whose term no editor has entered yet."""
    SearchSynonym = apps.get_model("content", "SearchSynonym")
    for meaning, terms in synonyms.items():
        for term in terms:
            SearchSynonym.objects.get_or_create(term=term, defaults={"meaning": meaning})


def remove_synonyms(apps, synonyms):
    """Those of ``synonyms`` still as they were added."""
    SearchSynonym = apps.get_model("content", "SearchSynonym")
    for meaning, terms in synonyms.items():
        SearchSynonym.objects.filter(term__in=terms, meaning=meaning).delete()


def seeding(synonyms):
    """A RunPython operation that adds ``synonyms`` and, reversed, removes them (for later lists)."""
    return migrations.RunPython(
        lambda apps, schema_editor: add_synonyms(apps, synonyms),
        lambda apps, schema_editor: remove_synonyms(apps, synonyms),
    )


def seed(apps, schema_editor):
    add_synonyms(apps, SYNONYMS)


def unseed(apps, schema_editor):
    remove_synonyms(apps, SYNONYMS)


class Migration(migrations.Migration):
    dependencies = [("content", "0011_search")]

    operations = [migrations.RunPython(seed, unseed)]
