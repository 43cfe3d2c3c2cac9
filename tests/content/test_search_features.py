"""Search understands people: synonyms, misspellings, highlighted passages, no dead end."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import (
    Article,
    SearchDocument,
    SearchSynonym,
    SearchWord,
    index_version_words,
)
from content.search import MAX_QUERY_LENGTH, edit_distance, run_search
from content.services import article_archive, article_import_approved_version

SEED = importlib.import_module("content.migrations.0012_seed_search_synonyms")


@pytest.fixture
def synonyms(db):
    """The seeded synonyms, even after a test that emptied the tables."""
    SEED.seed(apps, None)


@pytest.fixture
def naloxone_article(make_article):
    return make_article(
        title="Naloxone: how it reverses an overdose", slug="naloxone",
        summary="What naloxone is and how to use it.",
        body="## Giving it\n\nSpray naloxone into one nostril, then call 911.[^1]\n",
    )  # fmt: skip


def test_the_demo_synonyms_are_seeded_in_lower_case(synonyms):
    assert SearchSynonym.objects.get(term="narcan").meaning == "naloxone"
    assert SearchSynonym.objects.get(term="suboxone").meaning == "buprenorphine"
    assert SearchSynonym.objects.get(term="cold turkey").meaning == "withdrawal"
    assert all(s.term == s.term.lower().strip() for s in SearchSynonym.objects.all())


def test_a_brand_name_finds_the_generic_article(client, synonyms, naloxone_article):
    html = client.get("/search/", {"q": "Narcan"}).content.decode()
    assert "Naloxone: how it reverses an overdose" in html
    assert "1 result" in html


def test_a_synonym_an_editor_adds_counts_at_once(client, naloxone_article):
    assert "0 results" in client.get("/search/", {"q": "nosespray"}).content.decode()
    SearchSynonym.objects.update_or_create(term="nosespray", defaults={"meaning": "naloxone"})
    assert "1 result" in client.get("/search/", {"q": "nosespray"}).content.decode()
    SearchSynonym.objects.filter(term="nosespray").delete()
    assert "0 results" in client.get("/search/", {"q": "nosespray"}).content.decode()


def test_a_synonym_stands_for_other_forms_of_its_term(naloxone_article):
    SearchSynonym.objects.create(term="rescue pack", meaning="naloxone")
    SearchSynonym.objects.create(term="packs", meaning="first aid")
    for query in ("rescue pack", "rescue packs", "Rescue Packs"):
        assert [version.slug for version in run_search(query).results] == ["naloxone"], query
    # A term entered as it is typed wins over another term's form.
    assert run_search("packs").results == []


def test_synonyms_are_stored_lower_case_and_unique(synonyms):
    synonym = SearchSynonym(term="  Zimhi  Spray ", meaning=" NALOXONE ")
    synonym.full_clean()
    assert (synonym.term, synonym.meaning) == ("zimhi spray", "naloxone")
    with pytest.raises(ValidationError) as raised:
        SearchSynonym(term="NARCAN", meaning="naloxone").full_clean()
    assert "term" in raised.value.message_dict
    for term, meaning in [("!!", "naloxone"), ("narcan nasal spray four doses", "x y"),
                          ("zimhi", "zimhi"), ("zimhi", "?")]:  # fmt: skip
        with pytest.raises(ValidationError):
            SearchSynonym(term=term, meaning=meaning).full_clean()


def test_a_misspelling_is_corrected_and_the_page_says_so(client, naloxone_article):
    html = client.get("/search/", {"q": "naloxome"}).content.decode()
    assert "Showing results for <strong>naloxone</strong>." in html
    assert 'href="/search/?q=naloxome&amp;exact=1"' in html
    assert "Naloxone: how it reverses an overdose" in html
    # "Search instead for" what was typed: no correction.
    exact = client.get("/search/", {"q": "naloxome", "exact": "1"}).content.decode()
    assert "0 results" in exact and "Showing results for" not in exact


def test_a_doubtful_spelling_is_only_offered_when_little_was_found(client, naloxone_article):
    # Four letters, one edit from "hard" (in the key points): too short to
    # correct silently.
    html = client.get("/search/", {"q": "harf"}).content.decode()
    assert "0 results" in html
    assert 'Did you mean: <a href="/search/?q=hard">hard</a>' in html


def test_accents_and_dotted_abbreviations_are_searched_as_the_articles_spell_them(
    synonyms, naloxone_article
):
    for query in ("Nalóxone", "NALOXÓNE", "O.D.", "o.d", "what to do after an O.D."):
        outcome = run_search(query)
        assert [version.slug for version in outcome.results] == ["naloxone"], query
        assert outcome.corrected == "", query
    # Typed without its accent, a foreign spelling is corrected like any other.
    assert run_search("naloxóna").corrected == "naloxone"


def test_a_word_cut_short_is_offered_whole(client, naloxone_article):
    html = client.get("/search/", {"q": "nalox"}).content.decode()
    assert "0 results" in html
    assert 'Did you mean: <a href="/search/?q=naloxone">naloxone</a>' in html
    # Too short to guess from.
    assert run_search("nalo").suggestion == ""


def test_a_real_word_the_articles_lack_is_never_corrected_into_one_they_use(make_article):
    make_article(
        title="Withdrawal, day by day", slug="withdrawal-days",
        body="## Days\n\nWithdrawal is hard, though a plan helps; some were tied "
        "to a routine, and later it eased.[^1]\n",
    )  # fmt: skip
    tough = run_search("tough withdrawal")
    assert tough.corrected == "" and tough.suggestion == ""
    assert [v.slug for v in tough.results] == ["withdrawal-days"]
    # One edit from "tied" (was corrected), two from "later" (was offered).
    for word in ("tired", "lawyer"):
        outcome = run_search(word)
        assert (outcome.corrected, outcome.suggestion, outcome.results) == ("", "", [])
    # A word English does not know is still corrected.
    assert run_search("withdrawl").corrected == "withdrawal"


def test_edit_distance_counts_a_swap_once():
    assert edit_distance("fentynal", "fentanyl") == 2
    assert edit_distance("withdrawl", "withdrawal") == 1
    assert edit_distance("herion", "heroin") == 1
    assert edit_distance("", "abc") == 3


def test_the_lexicon_never_holds_words_visitors_cannot_read(client, make_article, reviewer):
    live = make_article(title="Zebrafish and naloxone", slug="zebrafish")
    make_article(title="Quokka notes", slug="quokka", status=Article.Status.DRAFT,
                 body="## Quokka\n\nQuokkas are cheerful.[^1]\n")  # fmt: skip
    assert not SearchWord.objects.filter(word__in=["quokka", "quokkas"]).exists()
    assert run_search("zebrafsh").corrected == "zebrafish"
    assert run_search("quokas").corrected == ""
    article_archive(article=live, user=reviewer)
    # The version's words are kept (it is part of the review record) but are
    # no longer offered: only live versions' words are.
    assert SearchWord.objects.filter(word="zebrafish").exists()
    outcome = run_search("zebrafsh")
    assert outcome.corrected == "" and outcome.suggestion == "" and outcome.results == []


def test_passages_are_highlighted_and_article_text_cannot_inject_markup(client, make_article):
    make_article(
        title="Naloxone at home", slug="naloxone-home", summary="Keep it <b>handy</b>.",
        body='## Storing it\n\nKeep naloxone <script>alert("x")</script> where you can reach '
        "it fast.[^1]\n",
    )  # fmt: skip
    response = client.get("/search/", {"q": "naloxone"})
    html = response.content.decode()
    passage = re.search(r'<p class="search-passage">(.*?)</p>', html, re.S).group(1)
    assert "<mark>naloxone</mark>" in passage
    # Escaped (SQLite), or dropped as a tag by ts_headline (PostgreSQL): never markup.
    assert "alert(&quot;x&quot;)" in passage
    assert "<script" not in html.split("</h1>")[1] and "<b>handy</b>" not in html
    assert set(re.findall(r"</?(\w+)", passage)) == {"mark"}


def test_a_search_that_finds_nothing_is_never_a_dead_end(client, demo_data):
    html = client.get("/search/", {"q": "zebrafish quokka"}).content.decode()
    assert "0 results" in html
    for needed in ('href="tel:911"', 'href="tel:988"', "1-800-662-4357", 'href="/call-back/"',
                   'href="/topics/withdrawal/"', 'href="tel:+16145550187"'):  # fmt: skip
        assert needed in html, needed


def test_search_with_a_query_is_private_and_not_indexed(client, naloxone_article):
    response = client.get("/search/", {"q": "naloxone"})
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives and not any(d.startswith("s-maxage") for d in directives)
    assert response["X-Robots-Tag"] == "noindex"
    assert "Set-Cookie" not in response.headers


def test_the_terms_reach_no_log(client, naloxone_article, caplog):
    caplog.set_level("DEBUG")
    client.get("/search/", {"q": "naloxone my-secret-term"})
    client.get("/search/?q=" + "x" * (MAX_QUERY_LENGTH + 1) + "secret-too")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "my-secret-term" not in logged and "secret-too" not in logged


@pytest.mark.parametrize("path", ["/", "/no-such-page/", "/articles/", "/search/"])
def test_every_page_has_a_search_box_that_needs_no_token(client, demo_data, path):
    html = client.get(path).content.decode()
    forms = re.findall(r'<form class="site-search[^"]*" role="search"[^>]*>.*?</form>', html, re.S)
    assert len(forms) >= 2  # the header's (two copies: phone and wide) and the page's own
    for form in forms:
        assert 'action="/search/" method="get"' in form
        assert "csrfmiddlewaretoken" not in form
        assert f'maxlength="{MAX_QUERY_LENGTH}"' in form
        field_id = re.search(r'<input[^>]* id="([^"]+)"', form).group(1)
        assert '<label class="' in form and f'for="{field_id}"' in form
    names = re.findall(r'role="search" aria-label="([^"]+)"', html)
    assert len(names) == len(forms)


def test_a_search_takes_few_queries(naloxone_article, synonyms):
    run_search("naloxone spray")  # SQLite reads the live words once per change
    with CaptureQueriesContext(connection) as correct:
        results = run_search("naloxone spray").results
    assert [v.slug for v in results] == ["naloxone"]
    with CaptureQueriesContext(connection) as misspelt:
        results = run_search("naloxome spray").results
    assert [v.slug for v in results] == ["naloxone"]
    if connection.vendor == "postgresql":
        # synonyms, search; then spelling and the corrected search
        assert (len(correct), len(misspelt)) == (2, 4)
    else:
        # synonyms, the live versions, the versions found (and again, corrected)
        assert (len(correct), len(misspelt)) == (3, 4)


def test_the_passage_shows_the_word_typed_before_a_synonym(client, synonyms, make_article):
    filler = "Sleep, food and water matter in the first days. " * 12
    make_article(
        title="Care in the first week", slug="first-week",
        body=f"## Early days\n\nWithdrawal starts within a day.[^1] {filler}\n\n"
        "## Where\n\nA medical detox unit watches vital signs around the clock.\n",
    )  # fmt: skip
    html = client.get("/search/", {"q": "detox"}).content.decode()
    passage = re.search(r'<p class="search-passage">(.*?)</p>', html, re.S).group(1)
    assert "<mark>detox</mark> unit watches" in passage
    assert passage.startswith("… ")  # the window moved past the earlier synonym match


def test_passages_are_made_only_for_the_results_shown(make_article):
    for n in range(23):
        make_article(
            title=f"Naloxone note {n}", slug=f"naloxone-note-{n}",
            body="## Note\n\nCarry naloxone.[^1]\n",
        )  # fmt: skip
    results = run_search("naloxone").results
    assert len(results) == 20
    assert all("<mark>" in str(version.passage) for version in results)


def test_editors_manage_synonyms_and_admissions_staff_cannot(client, editor, synonyms):
    from intake.roles import ADMISSIONS
    from tests.auth import ADMIN, sign_in
    from tests.conftest import _staff_user

    url = f"{ADMIN}content/searchsynonym/add/"
    sign_in(client, editor)
    response = client.post(url, {"term": " Zimhi Syringe ", "meaning": "Naloxone"})
    assert response.status_code == 302
    assert SearchSynonym.objects.get(term="zimhi syringe").meaning == "naloxone"
    assert client.get(f"{ADMIN}content/searchsynonym/").status_code == 200
    client.logout()
    admissions = _staff_user(apps.get_model("auth", "User"), "ada-admissions", ADMISSIONS)
    sign_in(client, admissions)
    assert client.get(url).status_code == 403
    assert client.get(f"{ADMIN}content/searchsynonym/").status_code == 403


def test_only_live_versions_keep_search_rows(make_article, reviewer_person):
    article = make_article(
        title="Zebrafish and naloxone", slug="zebrafish",
        body="## Zebrafish\n\nZebrafish were studied.[^1]\n",
    )  # fmt: skip
    other = make_article(title="Quokka notes", slug="quokka")
    first = article.live_version
    article.body = "## Naloxone\n\nKeep naloxone at home.[^1]\n"
    article.title = "Naloxone at home"
    article.save()
    second = article_import_approved_version(
        article=article, reviewer=reviewer_person, approved_at=timezone.now() - timedelta(days=1)
    )
    # The replaced version's words and vector are gone; the new one's, and
    # other articles', are there.
    assert not SearchWord.objects.filter(version=first).exists()
    assert SearchWord.objects.filter(version=second, word="naloxone").exists()
    assert SearchWord.objects.filter(version=other.live_version, word="quokka").exists()
    indexed = set(SearchDocument.objects.values_list("version_id", flat=True))
    if connection.vendor == "postgresql":
        assert indexed == {second.pk, other.live_version_id}
    else:
        assert indexed == set()  # SQLite ranks in Python
    assert run_search("zebrafish").results == []
    assert [v.pk for v in run_search("naloxone").results] == [second.pk]
    assert run_search("zebrafsh").corrected == ""


def test_the_migration_drops_rows_superseded_versions_kept(make_article, reviewer_person):
    prune = importlib.import_module("content.migrations.0015_prune_superseded_search_rows")
    article = make_article(title="Zebrafish", slug="zebrafish")
    first = article.live_version
    second = article_import_approved_version(
        article=article, reviewer=reviewer_person, approved_at=timezone.now()
    )
    # Rows as an approval before this change left them.
    index_version_words(sender=None, instance=first, created=True)
    assert SearchWord.objects.filter(version=first).exists()
    prune.forwards(apps, None)
    assert not SearchWord.objects.filter(version=first).exists()
    assert not SearchDocument.objects.filter(version=first).exists()
    assert SearchWord.objects.filter(version=second, word="zebrafish").exists()
    assert SearchDocument.objects.filter(version=second).exists() == (
        connection.vendor == "postgresql"
    )
