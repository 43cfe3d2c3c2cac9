"""Full-page caching: repeat visits cost no query; approvals and edits show everywhere at once."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import (
    Article,
    ArticleVersion,
    CenterProfile,
    Person,
    SitePage,
    Topic,
    content_hash,
)
from content.services import (
    article_approve,
    article_submit_for_review,
    article_working_copy_saved,
)
from tests.auth import ADMIN, sign_in

SLUG = "heroin-withdrawal-symptoms-and-timeline"
ARTICLE = f"/articles/{SLUG}/"
PAGES = ["/", ARTICLE, "/articles/", "/topics/withdrawal/", "/search/"]


def approve(article, user, **kwargs):
    """Approve the article's working copy as it is now, as the review page would."""
    article = Article.objects.get(pk=article.pk)
    return article_approve(
        article=article,
        user=user,
        content_hash=content_hash(article.reviewable_content()),
        take_over=True,  # the demo names another reviewer than the test's
        # The demo's text may carry content advice; caching is the point here.
        approve_anyway=True,
        **kwargs,
    )


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_repeat_visit_is_served_from_the_cache_without_a_query(client, demo_data, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The headers added outside the cache are still on the cached copy.
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert not second.cookies


def test_a_cached_page_answers_a_repeat_visit_with_304(client, demo_data):
    etag = client.get(ARTICLE)["ETag"]
    client.get(ARTICLE)
    assert client.get(ARTICLE, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_approving_an_article_shows_on_every_page_at_once(
    client, demo_data, reviewer, reviewer_person
):
    from django.contrib.auth.models import Permission

    reviewer.user_permissions.add(Permission.objects.get(codename="approve_article"))
    draft = Article.objects.get(status=Article.Status.DRAFT)
    topic_url = draft.topics.first().get_absolute_url()
    for url in ("/", "/articles/", topic_url):
        assert draft.title not in _get(client, url)

    draft.publish_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    article_submit_for_review(article=draft, user=reviewer)
    # Sending it for review publishes nothing: the pages are made, and cached, again.
    for url in ("/", "/articles/", topic_url):
        assert draft.title not in _get(client, url)
    approve(draft, reviewer, change_note="ok")

    for url in ("/", "/articles/", topic_url, draft.get_absolute_url()):
        assert draft.title in _get(client, url), url


def test_editing_an_article_waits_for_approval_then_shows_at_once(
    client, demo_data, reviewer, reviewer_person
):
    article = Article.objects.get(slug=SLUG)
    approved_title = article.title
    _get(client, ARTICLE), _get(client, "/topics/withdrawal/")
    article.title = "Heroin withdrawal: the days, one by one"
    article.save()
    article_working_copy_saved(article=article)
    # Visitors keep reading the approved version; these pages are cached again.
    for url in (ARTICLE, "/topics/withdrawal/"):
        html = _get(client, url)
        assert approved_title in html and article.title not in html, url

    approve(article, reviewer, change_note="A clearer title.")
    assert article.title in _get(client, ARTICLE)
    assert article.title in _get(client, "/topics/withdrawal/")


def test_editing_a_topic_a_person_a_page_or_the_center_shows_at_once(client, demo_data):
    article = Article.objects.get(slug=SLUG)
    reviewer = Person.objects.get(pk=article.reviewer_id)
    for url in (ARTICLE, "/topics/withdrawal/", "/privacy/", "/", reviewer.get_absolute_url()):
        _get(client, url)

    topic = Topic.objects.get(slug="withdrawal")
    topic.name = "Coming off heroin"
    topic.save()
    assert "Coming off heroin" in _get(client, "/topics/withdrawal/")
    assert "Coming off heroin" in _get(client, ARTICLE)

    approved_name = reviewer.name
    reviewer.name = "Dr. Renamed Reviewer"
    reviewer.save()
    assert "Dr. Renamed Reviewer" in _get(client, reviewer.get_absolute_url())
    assert "Dr. Renamed Reviewer" in _get(client, "/people/")
    # The article names its reviewer as the approved version recorded it.
    html = _get(client, ARTICLE)
    assert approved_name in html and "Dr. Renamed Reviewer" not in html

    page = SitePage.objects.get(kind="privacy")
    page.body = page.body + "\n\nA sentence added today."
    page.save()
    assert "A sentence added today." in _get(client, "/privacy/")

    center = CenterProfile.objects.get()
    center.main_phone = "+16145550111"
    center.save()
    for url in ("/", ARTICLE):
        assert "tel:+16145550111" in _get(client, url), url


def test_removing_an_article_from_a_topic_shows_at_once(client, demo_data):
    article = Article.objects.get(slug=SLUG)
    assert article.title in _get(client, "/topics/withdrawal/")
    article.topics.remove(Topic.objects.get(slug="withdrawal"))
    assert article.title not in _get(client, "/topics/withdrawal/")


def test_a_scheduled_article_appears_on_time(client, demo_data, reviewer, reviewer_person):
    article = Article.objects.get(status=Article.Status.DRAFT)
    article.title = "Soon to be published"
    article.publish_at = timezone.now() + timedelta(seconds=1.5)
    article.save()
    approve(article, reviewer)
    assert Article.objects.get(pk=article.pk).is_scheduled()
    assert "Soon to be published" not in _get(client, "/articles/")
    time.sleep(2)
    # Nothing was saved meanwhile: the cached list simply did not outlive it.
    assert "Soon to be published" in _get(client, "/articles/")


def test_a_scheduled_article_appears_on_time_whatever_time_is_proposed_next(
    client, demo_data, reviewer, reviewer_person
):
    article = Article.objects.get(status=Article.Status.DRAFT)
    article.title = "Soon to be published"
    article.publish_at = timezone.now() + timedelta(seconds=1.5)
    article.save()
    approve(article, reviewer)
    # An editor proposes another time: a proposal for the next approval only.
    article = Article.objects.get(pk=article.pk)
    article.publish_at = timezone.now() + timedelta(days=2)
    article.save()
    article_working_copy_saved(article=article)
    assert "Soon to be published" not in _get(client, "/articles/")
    time.sleep(2)
    assert Article.objects.get(pk=article.pk).is_published()
    assert "Soon to be published" in _get(client, "/articles/")


@pytest.mark.parametrize("url", ["/call-back/", "/contact/"])
def test_pages_with_a_form_are_never_cached(client, demo_data, url):
    first, second = client.get(url), client.get(url)
    assert "no-store" in second["Cache-Control"]
    token = 'name="form_token" value="'
    assert (
        first.content.decode().split(token)[1][:40] != second.content.decode().split(token)[1][:40]
    )


def test_staff_are_never_served_a_cached_page(client, demo_data, editor):
    article = Article.objects.get(slug=SLUG)
    _get(client, ARTICLE)
    # A raw update of the live version: no signal, so the cached copy stays.
    ArticleVersion.objects.filter(pk=article.live_version_id).update(
        title="Changed without a signal"
    )
    assert "Changed without a signal" not in _get(client, ARTICLE)  # the visitor's cached copy
    sign_in(client, editor)
    assert "Changed without a signal" in _get(client, ARTICLE)


def test_staff_pages_and_previews_are_never_cached(client, demo_data, editor):
    sign_in(client, editor)
    draft = Article.objects.get(status=Article.Status.DRAFT)
    preview = client.get(f"/preview/articles/{draft.pk}/")
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert "no-store" in client.get(ADMIN)["Cache-Control"]


def test_not_found_pages_are_not_cached(client, demo_data):
    client.get("/articles/not-yet/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/articles/not-yet/").status_code == 404
    assert len(queries) > 0


def test_made_up_query_parameters_share_one_cached_page(client, demo_data, settings):
    client.get("/articles/?x=first")
    for n in range(20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/articles/?x={n}&utm_source=z{n}")
        assert response.status_code == 200 and len(queries) == 0


def test_page_numbers_are_kept_apart_and_only_plausible_ones_are_kept(client, demo_data):
    from wellness_site.pagecache import _cache, page_key

    first, second = (client.get(f"/articles/?page={n}") for n in (1, 2))
    assert first.status_code == second.status_code == 200
    client.get("/articles/?page=" + "9" * 40)
    keys = [
        page_key(client.get(url).wsgi_request)
        for url in ("/articles/?page=1", "/articles/?page=2", "/articles/?page=" + "9" * 40)
    ]
    assert len(set(keys)) == 3
    stored = _cache().get_many(keys)
    assert keys[0] in stored and keys[1] in stored and keys[2] not in stored


def test_search_results_are_never_kept_in_the_cache(client, demo_data):
    from wellness_site.pagecache import _cache, page_key

    response = client.get("/search/", {"q": "my son uses heroin"})
    assert response.status_code == 200
    assert _cache().get(page_key(response.wsgi_request)) is None
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "my son uses heroin"})
    assert len(queries) > 0  # made again: the terms were never stored
