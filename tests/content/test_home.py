"""The home page: what to do now, then topics in their editorial order, then recent reviews."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from content.models import Article, CenterProfile, Topic
from content.services import article_import_approved_version
from content.views import OVERDOSE_ARTICLE_SLUG, WITHDRAWAL_ARTICLE_SLUG
from tests.queries import together
from wellness_site.pagecache import pages_changed


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html, heading_id):
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def _reviewed_on(article, day):
    """Record a new approval of ``article``'s unchanged text, made at noon on ``day``."""
    return article_import_approved_version(
        article=Article.objects.get(pk=article.pk),
        reviewer=article.reviewer,
        approved_at=timezone.make_aware(datetime.combine(day, time(12))),
        change_note="Reviewed again.",
    )


def test_topics_come_in_their_editorial_order_not_by_name_or_age(client, make_article):
    # Created so that neither alphabetical nor creation order is the editorial one.
    alpha = Topic.objects.create(name="Alpha", slug="alpha", description="A.", order=3)
    charlie = Topic.objects.create(name="Charlie", slug="charlie", description="C.", order=1)
    bravo = Topic.objects.create(name="Bravo", slug="bravo", description="B.", order=2)
    make_article(topics=[alpha, bravo, charlie])
    topics = _section(_home(client), "topics-heading")
    names = re.findall(r"<strong>(Alpha|Bravo|Charlie)</strong>", topics)
    assert names == ["Charlie", "Bravo", "Alpha"]
    # The topic list and the empty search page use the same list.
    for url in ("/topics/", "/search/"):
        page = client.get(url).content.decode()
        assert re.findall(r"<strong>(Alpha|Bravo|Charlie)</strong>", page) == names, url


def test_topics_with_equal_order_fall_back_to_their_names(client, make_article):
    later = Topic.objects.create(name="Zinc", slug="zinc", description="Z.", order=1)
    earlier = Topic.objects.create(name="Iron", slug="iron", description="I.", order=1)
    make_article(topics=[later, earlier])
    names = re.findall(r"<strong>(Zinc|Iron)</strong>", _section(_home(client), "topics-heading"))
    assert names == ["Iron", "Zinc"]


def test_recently_reviewed_lists_the_latest_reviews_first_not_the_latest_publications(
    client, make_article
):
    today = timezone.localdate()
    old_but_just_reviewed = make_article(
        title="Published long ago, reviewed yesterday",
        publish_at=timezone.now() - timedelta(days=300),
        last_reviewed=today - timedelta(days=300),
    )
    _reviewed_on(old_but_just_reviewed, today - timedelta(days=1))
    make_article(
        title="Published last week, reviewed then",
        publish_at=timezone.now() - timedelta(days=7),
        last_reviewed=today - timedelta(days=7),
    )
    make_article(
        title="Published last month, reviewed then",
        publish_at=timezone.now() - timedelta(days=30),
        last_reviewed=today - timedelta(days=30),
    )
    recent = _section(_home(client), "latest-heading")
    titles = re.findall(r'<h3 class="h5"><a href="[^"]+">([^<]+)</a></h3>', recent)
    assert titles == [
        "Published long ago, reviewed yesterday",
        "Published last week, reviewed then",
        "Published last month, reviewed then",
    ]
    assert "Medically reviewed by Dr. Orla Brightwater on" in recent


def test_recently_reviewed_shows_four_live_articles(client, make_article):
    today = timezone.localdate()
    for days in range(1, 7):
        make_article(title=f"Reviewed {days} days ago", last_reviewed=today - timedelta(days=days))
    make_article(title="A draft", status=Article.Status.DRAFT)
    recent = _section(_home(client), "latest-heading")
    assert recent.count('class="article-card"') == 4
    assert "Reviewed 1 days ago" in recent and "Reviewed 5 days ago" not in recent
    assert "A draft" not in recent


def test_first_screen_links_the_overdose_and_withdrawal_articles_when_they_are_live(
    client, make_article
):
    make_article(slug=OVERDOSE_ARTICLE_SLUG, title="Overdose")
    make_article(slug=WITHDRAWAL_ARTICLE_SLUG, title="Withdrawal")
    help_now = _section(_home(client), "get-help-heading")
    assert (
        f'<a href="/articles/{OVERDOSE_ARTICLE_SLUG}/">Someone may be overdosing</a>' in help_now
    )
    assert f'href="/articles/{WITHDRAWAL_ARTICLE_SLUG}/"><strong>Withdrawal: is it dangerous?' in (
        help_now
    )
    assert 'href="/call-back/"><strong>Talk to someone</strong>' in help_now
    # The steps are on the page itself, 911 first and tap-to-call.
    steps = help_now.split('<ol class="help-card__steps">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", steps, re.S)
    assert items[0] == '<a href="tel:911">Call 911</a> now.'
    assert [re.sub(r"<[^>]+>", "", item) for item in items[1:]] == [
        "Give naloxone if you have it.",
        "Not breathing? Give rescue breaths.",
        "Breathing? Roll them onto their side.",
        "Stay with them until help comes.",
    ]


@pytest.mark.parametrize(
    "state",
    [None, {"status": Article.Status.DRAFT}, {"publish_at": timezone.now() + timedelta(days=2)}],
    ids=["missing", "draft", "scheduled"],
)
def test_first_screen_never_links_to_an_article_that_is_not_live(client, make_article, state):
    if state is not None:
        make_article(slug=OVERDOSE_ARTICLE_SLUG, **state)
        make_article(slug=WITHDRAWAL_ARTICLE_SLUG, **state)
    html = _home(client)
    assert f"/articles/{OVERDOSE_ARTICLE_SLUG}/" not in html
    assert f"/articles/{WITHDRAWAL_ARTICLE_SLUG}/" not in html
    help_now = _section(html, "get-help-heading")
    # The steps and the other cards are still there.
    assert "Someone may be overdosing" in help_now and 'href="tel:911"' in help_now
    assert 'href="/search/?q=withdrawal"><strong>Withdrawal: is it dangerous?' in help_now
    assert 'href="/call-back/"><strong>Talk to someone' in help_now


def test_first_screen_comes_before_topics_and_reviews(client, make_article):
    CenterProfile.objects.create(name="Test Center", admissions_phone="+16145550187")
    make_article()
    html = _home(client)
    order = [
        html.index('id="get-help-heading"'),
        html.index('id="topics-heading"'),
        html.index('id="latest-heading"'),
    ]
    assert order == sorted(order)
    # The number to call is the header's, first on the page, labelled with its hours.
    header = html.split("</header>", 1)[0]
    assert 'href="tel:+16145550187"' in header and "Admissions, 24 hours, every day" in header


def test_home_page_runs_a_fixed_number_of_queries(client, make_article, django_assert_num_queries):
    make_article(slug=OVERDOSE_ARTICLE_SLUG)
    make_article(slug=WITHDRAWAL_ARTICLE_SLUG)
    for n in range(8):
        topic = Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}", description="x.")
        make_article(citations=3, topics=[topic])
    client.get("/")  # the center profile is cached from now on
    pages_changed()  # and the page itself is made afresh
    # The two first-screen articles, the center's programs, the topics with
    # their counts, the recent reviews (one statement on PostgreSQL), and the
    # next scheduled publication (how long the page may be kept in the page cache).
    with django_assert_num_queries(together(4) + 1):
        response = client.get("/")
    assert response.status_code == 200
