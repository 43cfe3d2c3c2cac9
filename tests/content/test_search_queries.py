"""The real-world query list: each must find its article in the top 3, on both databases."""

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from content.search import run_search
from tests.content.search_queries import QUERIES

# The migrations that seed synonyms; the first holds the helper that adds them.
SEEDS = [
    importlib.import_module(f"content.migrations.{name}")
    for name in (
        "0012_seed_search_synonyms",
        "0014_more_search_synonyms",
        "0016_withdrawal_symptom_synonyms",
        "0017_drug_name_and_family_synonyms",
    )
]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo content and the seeded synonyms, loaded once for the whole list
    (loading takes seconds) inside a transaction that is rolled back after it;
    each test runs in a savepoint within it."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        call_command("load_demo_data", verbosity=0)
        for seed in SEEDS:
            SEEDS[0].add_synonyms(apps, seed.SYNONYMS)
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


def test_the_list_is_long_and_varied():
    assert len(QUERIES) >= 40
    assert len({query.lower() for query, _slug in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize(("query", "slug"), QUERIES, ids=[query for query, _slug in QUERIES])
def test_query_finds_its_article_in_the_top_three(demo_site, db, query, slug):
    top = [version.slug for version in run_search(query).results[:3]]
    assert slug in top, f"{query!r} -> {top}"


SEEDED_TERMS = sorted(
    {term for seed in SEEDS for terms in seed.SYNONYMS.values() for term in terms}
)


@pytest.mark.parametrize("term", SEEDED_TERMS)
def test_every_seeded_synonym_leads_to_an_article(demo_site, db, term):
    """A synonym whose meaning the articles never use leaves a search that
    found nothing finding nothing still."""
    assert run_search(term, correct_spelling=False).results, term


SEEDED_MEANINGS = sorted({meaning for seed in SEEDS for meaning in seed.SYNONYMS})


@pytest.mark.parametrize("meaning", SEEDED_MEANINGS)
def test_every_seeded_meaning_is_in_the_articles(demo_site, db, meaning):
    """What a synonym stands for must be words the articles use, or the
    synonym leads only where the term's own words already did."""
    assert run_search(meaning, correct_spelling=False).results, meaning
