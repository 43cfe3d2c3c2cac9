"""Parts of pages rendered once and reused (content.fragments) change nothing a visitor sees.

An approved article, its card in lists, and the header and footer are kept
in memory per process; each test here would fail if a reused part showed
something older than what a fresh render shows.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.fragments import fragments, fragments_disabled
from content.models import Article, ArticleVersion, CenterProfile, Person
from content.services import article_import_approved_version
from tests.auth import sign_in


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def test_every_demo_page_is_byte_identical_with_and_without_reused_parts(
    client, demo_data, no_page_cache
):
    urls = ["/", "/articles/", "/topics/", "/programs/"]
    urls += [version.get_absolute_url() for version in ArticleVersion.objects.live()]
    assert len(urls) > 15
    with fragments_disabled():
        fresh = {url: _get(client, url) for url in urls}
    assert len(fragments) == 0
    first = {url: _get(client, url) for url in urls}  # renders and keeps the parts
    assert len(fragments) > len(urls)
    reused = {url: _get(client, url) for url in urls}  # made from the kept parts
    for url in urls:
        assert first[url] == fresh[url], url
        assert reused[url] == fresh[url], url


def test_a_review_falling_overdue_shows_on_a_kept_article(
    client, published_article, no_page_cache, monkeypatch
):
    url = published_article.live_version.get_absolute_url()
    assert b"Due for medical review" not in _get(client, url)
    due = published_article.live_version.next_review_due
    monkeypatch.setattr(timezone, "localdate", lambda *args: due + timedelta(days=1))
    assert b"Due for medical review" in _get(client, url)


def test_a_moved_reviewer_profile_is_linked_at_its_new_address(
    client, published_article, no_page_cache
):
    url = published_article.live_version.get_absolute_url()
    reviewer = published_article.live_version.reviewer
    assert f'href="{reviewer.get_absolute_url()}"'.encode() in _get(client, url)
    Person.objects.filter(pk=reviewer.pk).update(slug="orla-brightwater-md")
    html = _get(client, url)
    assert b'href="/people/orla-brightwater-md/"' in html
    assert f'href="{reviewer.get_absolute_url()}"'.encode() not in html


def test_a_new_approval_shows_at_once(client, published_article, no_page_cache):
    url = published_article.live_version.get_absolute_url()
    assert b"Rewritten after review" not in _get(client, url)
    Article.objects.filter(pk=published_article.pk).update(summary="Rewritten after review.")
    article_import_approved_version(
        article=Article.objects.get(pk=published_article.pk),
        reviewer=published_article.reviewer,
        approved_at=timezone.now(),
    )
    html = _get(client, url)
    assert html.count(b"Rewritten after review.") >= 1
    # The article lists' cards are the new version's too.
    assert b"Rewritten after review." in _get(client, reverse("article_list"))


def test_a_staff_preview_is_never_kept(client, published_article, editor, no_page_cache):
    sign_in(client, editor)
    Article.objects.filter(pk=published_article.pk).update(summary="Working copy, first draft.")
    preview = f"/preview/articles/{published_article.pk}/"
    assert b"Working copy, first draft." in _get(client, preview)
    assert not any(key[0] == "approved-article" for key in fragments._entries)
    Article.objects.filter(pk=published_article.pk).update(summary="Working copy, second draft.")
    assert b"Working copy, second draft." in _get(client, preview)


def test_an_edited_center_profile_shows_on_the_next_page(client, demo_data, no_page_cache):
    assert b"Harbor Light Recovery" not in _get(client, "/")
    profile = CenterProfile.objects.get()
    profile.name = "Harbor Light Recovery"
    profile.main_phone = "+16145550123"
    profile.save()
    header = _get(client, "/articles/").split(b"</header>", 1)[0]
    assert b"Harbor Light Recovery" in header
    footer = _get(client, "/").split(b'<footer class="site-footer">', 1)[1]
    assert b"Harbor Light Recovery" in footer and b"(614) 555-0123" in footer


def test_the_kept_header_marks_the_current_page(client, demo_data, no_page_cache):
    def current(url):
        header = _get(client, url).split(b"</header>", 1)[0].decode()
        return [
            line.split('href="', 1)[1].split('"', 1)[0]
            for line in header.splitlines()
            if 'aria-current="page"' in line
        ]

    for _round in range(2):  # made, then reused
        assert current("/") == ["/"]
        assert current("/articles/") == ["/articles/"]
        assert current("/topics/") == ["/topics/"]
        assert current("/programs/") == ["/programs/"]


def test_search_results_are_byte_identical_with_and_without_kept_cards(
    client, demo_data, no_page_cache
):
    # The cards are kept; the passages, made from what was typed, never are.
    urls = [f"/search/?q={q}" for q in ("withdrawal", "heroin+withdrawal", "narcan", "methadone")]
    with fragments_disabled():
        fresh = {url: _get(client, url) for url in urls}
    first = {url: _get(client, url) for url in urls}
    reused = {url: _get(client, url) for url in urls}
    for url in urls:
        assert b'class="search-passage"' in fresh[url], url
        assert first[url] == fresh[url], url
        assert reused[url] == fresh[url], url
    # One card kept per result shown, whatever the query: no passage inside.
    cards = [value for key, value in fragments._entries.items() if key[0] == "search-result"]
    assert cards
    assert not any("<mark>" in head + tail for head, tail in cards)


def test_a_kept_search_card_shows_each_query_its_own_passage(client, demo_data, no_page_cache):
    first = _get(client, "/search/?q=methadone").decode()
    second = _get(client, "/search/?q=buprenorphine").decode()
    assert "<mark>methadone</mark>" in first.lower() or "<mark>Methadone</mark>" in first
    assert "buprenorphine</mark>" in second.lower()
    assert "methadone</mark>" not in second.lower()
