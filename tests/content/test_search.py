"""Search: approved text only, titles and summaries first; bad queries get a helpful page."""

import pytest
from django.db import connection

from content.models import Article
from content.services import article_working_copy_saved


@pytest.fixture
def corpus(make_article):
    body_only = make_article(
        title="Staying well after treatment", slug="staying-well",
        summary="Support after a program ends.",
        body="## Support\n\nSome people find naloxone training useful.[^1]",
    )  # fmt: skip
    in_title = make_article(
        title="Naloxone: how it reverses an overdose", slug="naloxone",
        summary="What naloxone is and how to use it.",
    )  # fmt: skip
    hidden = make_article(
        title="Naloxone draft", slug="naloxone-draft", status=Article.Status.DRAFT
    )
    return body_only, in_title, hidden


def test_search_ranks_title_matches_above_body_matches(client, corpus):
    body_only, in_title, hidden = corpus
    html = client.get("/search/", {"q": "naloxone"}).content.decode()
    assert in_title.title in html and body_only.title in html
    assert html.index(in_title.title) < html.index(body_only.title)
    assert hidden.title not in html
    assert "2 results" in html


def test_search_finds_only_what_a_reviewer_approved(client, corpus):
    body_only, in_title, _draft = corpus
    # Edits waiting for review are not searchable: visitors cannot read them yet.
    in_title.title = "Nasal spray: how it reverses an overdose"
    in_title.summary = "What the spray is."
    in_title.body += "\nZebrafish are not part of this article.\n"
    in_title.save()
    article_working_copy_saved(article=in_title)
    assert "0 results" in client.get("/search/", {"q": "zebrafish"}).content.decode()
    html = client.get("/search/", {"q": "naloxone"}).content.decode()
    assert "Naloxone: how it reverses an overdose" in html and body_only.title in html
    assert "Nasal spray" not in html
    assert "2 results" in html


def test_search_with_no_match_suggests_topics(client, corpus):
    html = client.get("/search/", {"q": "zebrafish"}).content.decode()
    assert "0 results" in html and "Browse topics" in html


def test_empty_search_shows_the_topics(client, corpus):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'href="/topics/withdrawal/"' in response.content.decode()


def test_over_long_search_gets_a_clear_message_not_an_error(client, corpus):
    response = client.get("/search/", {"q": "naloxone " * 40})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That search is too long." in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("query", ["'", '"', "(", "& |", "!!", "naloxone -"])
def test_odd_characters_do_not_break_search(client, corpus, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_search_uses_full_text_search_on_postgresql(client, corpus):
    if connection.vendor != "postgresql":
        pytest.skip("the full-text path needs PostgreSQL; CI runs the suite there")
    # Stemming: "reverses" matches a search for "reversing".
    html = client.get("/search/", {"q": "reversing"}).content.decode()
    assert "Naloxone: how it reverses an overdose" in html
