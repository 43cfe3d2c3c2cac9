"""A content change remakes the cached pages that show it, and leaves the others cached."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import Article, ArticleVersion, CenterProfile, Person, Topic, content_hash
from content.services import article_approve, article_return_to_draft, article_working_copy_saved
from tests.conftest import PUBLIC_PAGES
from wellness_site import pagecache
from wellness_site.pagecache_tags import EVERY_CHANGE, article_tag, tags_for_path

SLUG = "heroin-withdrawal-symptoms-and-timeline"
ARTICLE = f"/articles/{SLUG}/"
# Shares no topic with ARTICLE and does not show it as related.
UNRELATED = "/articles/what-is-heroin-addiction/"
# Shows ARTICLE among its related articles.
RELATED = "/articles/medically-supervised-heroin-detox/"


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _served_from_cache(client, url):
    with CaptureQueriesContext(connection) as queries:
        html = _get(client, url)
    return len(queries) == 0, html


@pytest.fixture
def approver(demo_data, django_user_model):
    """A staff account that approves as the demo's medical reviewer."""
    user = django_user_model.objects.create_user("approver", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="approve_article"))
    person = Person.objects.get(slug="odalys-brambleworth")
    person.user = user
    person.licence_expires = timezone.localdate() + timedelta(days=365)
    person.save()
    return django_user_model.objects.get(pk=user.pk)


def _approve(article, user):
    article = Article.objects.get(pk=article.pk)
    return article_approve(
        article=article,
        user=user,
        content_hash=content_hash(article.reviewable_content()),
        take_over=True,
        approve_anyway=True,  # the demo's text may carry content advice
    )


def _edit_and_approve(user, **fields):
    article = Article.objects.get(slug=SLUG)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    article_working_copy_saved(article=article)
    return _approve(article, user)


def test_approving_an_article_remakes_its_pages_and_the_lists_and_keeps_the_rest(client, approver):
    article = Article.objects.get(slug=SLUG)
    old_title, former_reviewer = article.live_version.title, article.live_version.reviewer
    topics = [topic.get_absolute_url() for topic in article.topics.all()]
    # The list is paged, newest first: the page it is on.
    listing = next(
        url
        for url in (f"/articles/?page={n}" for n in (1, 2, 3))
        if old_title in _get(client, url)
    )
    showing = [
        "/",
        listing,
        *topics,
        "/feed/",
        RELATED,
        approver.person.get_absolute_url(),
    ]
    own = [ARTICLE, ARTICLE + "review-history/"]
    for url in [*showing, *own, "/topics/", "/sitemap.xml", UNRELATED]:
        _get(client, url)
        assert _served_from_cache(client, url)[0], url  # kept, before the change

    unrelated_before = _get(client, UNRELATED)
    title, slug = "Heroin withdrawal, day by day", "heroin-withdrawal-day-by-day"
    _edit_and_approve(approver, title=title, slug=slug)

    hit, html = _served_from_cache(client, UNRELATED)
    assert hit and html == unrelated_before
    for url in showing:
        html = _get(client, url)
        assert title in html and old_title not in html, url
    assert not _served_from_cache(client, "/topics/")[0]  # its counts are remade
    new_address = f"/articles/{slug}/"
    assert title in _get(client, new_address)
    assert title in _get(client, new_address + "review-history/")
    # The old addresses, cached before, now send visitors on.
    for url in own:
        response = client.get(url)
        assert response.status_code == 301 and response["Location"].startswith(new_address)
    sitemap = _get(client, "/sitemap.xml")
    assert new_address in sitemap and ARTICLE not in sitemap
    if former_reviewer != approver.person:
        assert old_title not in _get(client, former_reviewer.get_absolute_url())


def test_withdrawing_an_article_takes_it_off_every_page_that_showed_it(client, approver):
    article = Article.objects.get(slug=SLUG)
    title = article.live_version.title
    pages = ["/", "/articles/", "/topics/withdrawal/", "/feed/", RELATED]
    for url in [*pages, ARTICLE, UNRELATED]:
        _get(client, url)
    article_return_to_draft(article=article, user=approver)
    assert client.get(ARTICLE).status_code == 404
    for url in pages:
        html = _get(client, url)
        assert title not in html and ARTICLE not in html, url
    assert _served_from_cache(client, UNRELATED)[0]


def test_a_center_phone_change_remakes_every_page(client, demo_data):
    pages = [ARTICLE, UNRELATED, "/", "/privacy/", "/programs/", "/people/"]
    for url in pages:
        _get(client, url)
    center = CenterProfile.objects.get()
    center.main_phone = "+16145550111"
    center.save()
    for url in pages:
        hit, html = _served_from_cache(client, url)
        assert not hit and "tel:+16145550111" in html, url


def test_renaming_a_topic_remakes_its_articles_but_not_the_others(client, demo_data):
    topic = Topic.objects.get(slug="withdrawal")
    assert not topic.articles.filter(slug=UNRELATED.split("/")[2]).exists()
    for url in (ARTICLE, UNRELATED, "/topics/withdrawal/", "/topics/"):
        _get(client, url)
    topic.name = "Coming off heroin"
    topic.slug = "coming-off-heroin"
    topic.save()
    for url in (ARTICLE, "/topics/", "/topics/coming-off-heroin/"):
        assert "Coming off heroin" in _get(client, url), url
    # Its old address was cached: it is not served any more.
    assert client.get("/topics/withdrawal/").status_code == 404
    assert _served_from_cache(client, UNRELATED)[0]


def test_renaming_a_person_remakes_their_pages_and_articles_but_not_the_others(client, demo_data):
    version = ArticleVersion.objects.live().get(slug=SLUG)
    person = version.author
    named = ArticleVersion.objects.filter(author=person) | ArticleVersion.objects.filter(
        reviewer=person
    )
    unrelated = ArticleVersion.objects.live().exclude(article__in=named.values("article"))
    other = unrelated.order_by("slug").first().get_absolute_url()
    for url in (ARTICLE, other, person.get_absolute_url(), "/people/"):
        _get(client, url)
    person.name, person.slug = "Marlo Renamed", "marlo-renamed"
    person.save()
    assert "Marlo Renamed" in _get(client, "/people/")
    assert "Marlo Renamed" in _get(client, "/people/marlo-renamed/")
    # The article names its author as approved, and links the profile where it is now.
    assert "/people/marlo-renamed/" in _get(client, ARTICLE)
    assert _served_from_cache(client, other)[0]


def test_two_app_servers_sharing_the_cache_agree(approver):
    # Two handlers, each with its own middleware instances, as two app servers have.
    first, second = Client(), Client()
    for url in (ARTICLE, UNRELATED, "/"):
        _get(first, url)
        assert _served_from_cache(second, url)[0], url  # kept by one, served by the other
    _edit_and_approve(approver, summary="A summary approved on one server.")
    for server in (second, first):
        assert "A summary approved on one server." in _get(server, ARTICLE)
        assert _served_from_cache(server, UNRELATED)[0]
        assert _served_from_cache(server, ARTICLE)[0]  # remade once, kept for both


def test_an_evicted_generation_costs_a_remake_never_a_stale_page(client, demo_data):
    tag = pagecache.tag_key(article_tag(SLUG))
    pagecache._cache().delete(tag)  # never bumped, or evicted
    _get(client, ARTICLE)
    pagecache.pages_changed([article_tag(SLUG)])
    pagecache._cache().delete(tag)  # evicted after the bump
    # Changed without a signal: only a remade page can show it.
    ArticleVersion.objects.filter(slug=SLUG).update(title="Changed without a signal")
    hit, html = _served_from_cache(client, ARTICLE)
    assert not hit and "Changed without a signal" in html


@pytest.mark.parametrize("name", sorted(PUBLIC_PAGES))
def test_every_public_page_type_names_what_it_shows(name):
    tags = tags_for_path(PUBLIC_PAGES[name].split("?")[0])
    if name.endswith("_thanks") or name == "not_found":
        # Remade after any change, as every page was before tags.
        assert tags == (EVERY_CHANGE,)
    else:
        assert EVERY_CHANGE not in tags


def test_a_new_search_synonym_keeps_every_page_cached(client, demo_data):
    from content.models import SearchSynonym

    pages = [ARTICLE, UNRELATED, "/", "/search/"]
    for url in pages:
        _get(client, url)
    SearchSynonym.objects.create(term="gear", meaning="heroin")
    for url in pages:
        assert _served_from_cache(client, url)[0], url
