"""Public article, topic, people and search pages."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Article, content_hash
from content.services import article_approve, article_working_copy_saved
from tests.auth import ADMIN, sign_in
from tests.html import Page
from wellness_site.pagecache import pages_changed


def _json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_article_page_shows_trust_block_toc_body_and_citations(client, published_article):
    html = client.get("/articles/heroin-withdrawal/").content.decode()
    assert "<h1>Heroin withdrawal: symptoms and timeline</h1>" in html
    assert 'href="/people/wren-quillfeather/">Wren Quillfeather, MPH</a>' in html
    assert 'href="/people/orla-brightwater/">Dr. Orla Brightwater, MD</a>' in html
    assert "Last reviewed" in html and "Next review due" in html
    assert '<a href="#section-first-section">First section</a>' in html
    # The reference links to the citation and the citation links back.
    assert '<a id="ref-1" href="#cite-1">' in html
    assert '<li id="cite-1" value="1">' in html
    assert 'href="#ref-1" class="back-ref"' in html


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.ReviewStatus.IN_REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"publish_at": timezone.now() + timedelta(days=3)},
    ],
    ids=["draft", "in-review", "archived", "scheduled"],
)
def test_unpublished_articles_are_404_for_visitors(client, make_article, state):
    article = make_article(**state)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/articles/").content.decode()


def test_scheduled_article_appears_by_itself_when_its_time_comes(
    client, make_article, monkeypatch
):
    publish_at = timezone.now() + timedelta(seconds=1)
    article = make_article(publish_at=publish_at)
    assert article.live_version.publish_at == publish_at
    assert client.get(article.get_absolute_url()).status_code == 404
    # The clock moves past the approved time; nothing in the database changes.
    later = publish_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get("/articles/").content.decode()


def test_overdue_article_stays_up_and_says_it_is_due_for_review(client, make_article):
    reviewed = timezone.localdate() - timedelta(days=400)
    article = make_article(last_reviewed=reviewed)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Due for medical review." in response.content.decode()
    assert _json_ld(response.content.decode())[0]["lastReviewed"] == reviewed.isoformat()


def test_fresh_article_has_no_review_banner(client, published_article):
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert "Due for medical review." not in html


def test_json_ld_describes_the_medical_page_and_breadcrumbs(client, published_article):
    html = client.get(published_article.get_absolute_url()).content.decode()
    page, crumbs = _json_ld(html)
    assert page["@type"] == "MedicalWebPage"
    assert page["headline"] == published_article.title
    assert page["about"] == [{"@type": "Thing", "name": "Withdrawal"}]
    assert page["author"]["name"] == "Wren Quillfeather"
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Orla Brightwater",
        "url": "https://wellness.example/people/orla-brightwater/",
        "honorificSuffix": "MD",
    }
    assert page["publisher"]["@type"] == "MedicalOrganization"
    assert page["citation"][0]["url"] == "https://nida.nih.gov/source-1"
    assert crumbs["@type"] == "BreadcrumbList"
    assert [i["name"] for i in crumbs["itemListElement"]] == [
        "Home", "Withdrawal", published_article.title,
    ]  # fmt: skip


def test_dates_agree_on_the_page_in_json_ld_and_in_the_sitemap(client, published_article):
    version = Article.objects.get(pk=published_article.pk).live_version
    html = client.get(version.get_absolute_url()).content.decode()
    page = _json_ld(html)[0]
    assert page["datePublished"] == version.published_date.isoformat()
    assert page["dateModified"] == version.modified_date.isoformat()
    assert page["lastReviewed"] == version.last_reviewed.isoformat()
    for day in (version.published_date, version.modified_date, version.last_reviewed):
        assert f'<time datetime="{day.isoformat()}">' in html
    sitemap = client.get("/sitemap.xml").content.decode()
    entry = sitemap.split(f"<loc>https://wellness.example{version.get_absolute_url()}</loc>")[1]
    assert (
        entry.split("</url>")[0]
        .strip()
        .startswith(f"<lastmod>{version.modified_date.isoformat()}</lastmod>")
    )


def test_json_ld_cannot_be_broken_out_of(client, make_article):
    article = make_article(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert _json_ld(html)[0]["headline"] == article.title


def test_sitemap_lists_published_articles_only(client, make_article):
    visible = make_article(slug="visible")
    hidden = make_article(slug="hidden", status=Article.Status.DRAFT)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert visible.get_absolute_url() in sitemap
    assert hidden.get_absolute_url() not in sitemap
    assert "/topics/withdrawal/" in sitemap and "/people/orla-brightwater/" in sitemap


def test_feed_lists_published_articles_with_absolute_links(client, make_article):
    visible = make_article(slug="visible", title="Visible article")
    make_article(slug="hidden", title="Hidden article", status=Article.Status.DRAFT)
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "Visible article" in feed and "Hidden article" not in feed
    assert f"https://wellness.example{visible.get_absolute_url()}" in feed


def test_robots_txt_points_to_the_sitemap_and_names_no_staff_page(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://wellness.example/sitemap.xml" in text
    # Staff pages keep crawlers out with noindex and X-Robots-Tag instead
    # (tests/security), so robots.txt tells nobody where they are.
    assert ADMIN not in text
    assert "/preview/" not in text


def test_article_list_is_paginated(client, make_article):
    for _ in range(12):
        make_article()
    first = client.get("/articles/").content.decode()
    assert first.count('class="article-card"') == 10
    assert 'href="?page=2"' in first
    second = client.get("/articles/?page=2").content.decode()
    assert second.count('class="article-card"') == 2
    assert client.get("/articles/?page=99").status_code == 200


def test_topic_page_lists_its_published_articles(client, published_article, make_article):
    make_article(title="Draft on withdrawal", status=Article.Status.DRAFT)
    html = client.get("/topics/withdrawal/").content.decode()
    assert published_article.title in html
    assert "Draft on withdrawal" not in html


def test_person_page_lists_what_they_wrote_and_reviewed(client, published_article):
    html = client.get("/people/orla-brightwater/").content.decode()
    assert "Articles reviewed" in html and published_article.title in html
    html = client.get("/people/wren-quillfeather/").content.decode()
    assert "Articles written" in html and published_article.title in html


def test_related_articles_show_only_published_ones(client, published_article, make_article):
    live = make_article(title="Live related")
    draft = make_article(title="Draft related", status=Article.Status.DRAFT)
    published_article.related.set([live, draft])
    html = client.get(published_article.get_absolute_url()).content.decode()
    assert "Live related" in html and "Draft related" not in html


@pytest.mark.parametrize(
    "url",
    ["/articles/heroin-withdrawal/", "/articles/", "/topics/withdrawal/", "/topics/",
     "/people/orla-brightwater/", "/people/", "/search/?q=withdrawal", "/"],
)  # fmt: skip
def test_pages_run_a_fixed_number_of_queries(
    client, make_article, published_article, url, django_assert_max_num_queries
):
    # Many citations, topics and related articles must not add queries.
    for _ in range(5):
        other = make_article(citations=4)
        published_article.related.add(other)
    client.get(url)  # the center profile is cached after the first request
    pages_changed()  # the page itself is made afresh, not served from the page cache
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200


# Not a search with a query: it is private and no-store, so never revalidated
# (tests/content/test_search_features.py).
@pytest.mark.parametrize(
    "url", ["/articles/heroin-withdrawal/", "/articles/", "/topics/withdrawal/"]
)
def test_content_pages_set_no_cookie_and_answer_conditional_gets(client, published_article, url):
    first = client.get(url)
    assert first.cookies == {}
    assert first.has_header("ETag")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_preview_is_staff_only_noindex_and_not_cached(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, title="Draft under work")
    url = f"/preview/articles/{draft.pk}/"
    anonymous = client.get(url)
    assert anonymous.status_code == 404 and not anonymous.has_header("Location")
    sign_in(client, editor)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft under work" in html
    assert "Staff preview of the working copy, not yet approved." in html
    assert "This article is: <strong>Draft</strong>." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert 'rel="canonical"' not in html


def test_preview_shows_the_article_exactly_as_it_will_look(client, editor, reviewer, make_article):
    article = make_article(status=Article.Status.DRAFT, publish_at=None)
    sign_in(client, editor)
    preview = Page(client.get(f"/preview/articles/{article.pk}/").content.decode())
    article_approve(
        article=article,
        user=reviewer,
        content_hash=content_hash(article.reviewable_content()),
    )
    client.logout()
    public = Page(client.get(article.get_absolute_url()).content.decode())
    main = lambda page: [t for t in page.tags if t[0] in ("h1", "h2", "h3", "ol", "sup", "dl")]  # noqa: E731
    assert main(public)
    assert main(preview) == main(public)


def test_preview_of_a_live_article_shows_the_edit_that_visitors_do_not_see(
    client, editor, published_article
):
    published_article.body += "\nA paragraph waiting for review.\n"
    published_article.save()
    article_working_copy_saved(article=published_article)
    sign_in(client, editor)
    preview = client.get(f"/preview/articles/{published_article.pk}/").content.decode()
    assert "A paragraph waiting for review." in preview
    assert "with changes waiting for review" in preview
    client.logout()
    public = client.get(published_article.get_absolute_url()).content.decode()
    assert public.count("<h1>") == 1 and published_article.title in public
    assert "A paragraph waiting for review." not in public
