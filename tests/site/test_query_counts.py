"""Every public page type runs a fixed number of queries, however much is published.

Measured with the page cache off, as a page is made after any content change;
the center's profile and licences come from the cache after the first page.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.models import Program
from content.models import Article, Person, Topic
from content.services import article_import_approved_version
from tests.queries import together

ARTICLE_SLUG = "heroin-withdrawal-symptoms-and-timeline"
TOPIC_SLUG = "withdrawal"
PROGRAM_SLUG = "withdrawal-management"

# page: (address, queries). The article: its live version with author and
# reviewer, its topics, its related articles, the programs that explain it.
# Home: the two first-screen articles, the programs, the topics with their
# counts, the recent reviews. Lists: the rows (and the count, when paginated).
# The article, home, topic and program pages run their queries together: one
# statement on PostgreSQL (tests.queries.together).
PAGES = {
    "article": (f"/articles/{ARTICLE_SLUG}/", together(4)),
    "home": ("/", together(4)),
    "topic list": ("/topics/", 1),
    "topic detail": (f"/topics/{TOPIC_SLUG}/", together(2)),
    "article list": ("/articles/", 2),
    "program list": ("/programs/", 1),
    "program detail": (f"/programs/{PROGRAM_SLUG}/", together(3)),
    "person detail": (None, 3),
}


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _author_url():
    article = Article.objects.get(live_version__slug=ARTICLE_SLUG)
    return article.live_version.author.get_absolute_url()


def _queries_per_page(client):
    counts = {}
    for page, (url, _expected) in PAGES.items():
        url = url or _author_url()
        client.get(url)  # the center's profile and licences are cached from now on
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(captured)
    return counts


def _publish_more(count):
    """``count`` more live articles, on every list the measured pages show."""
    article = Article.objects.get(live_version__slug=ARTICLE_SLUG)
    topic = Topic.objects.get(slug=TOPIC_SLUG)
    program = Program.objects.get(slug=PROGRAM_SLUG)
    author = article.live_version.author
    reviewer = Person.objects.filter(role=Person.Role.REVIEWER).first()
    # The demo articles were loaded with their own pks, past PostgreSQL's sequence.
    first_pk = Article.objects.aggregate(Max("pk"))["pk__max"] + 1
    for n in range(count):
        extra = Article.objects.create(
            pk=first_pk + n,
            title=f"More on withdrawal, part {n}",
            slug=f"more-on-withdrawal-{n}",
            summary="A short summary.",
            key_points="One.\nTwo.\nThree.",
            body="## A section\n\nSome text.\n",
            author=author,
            reviewer=reviewer,
            publish_at=timezone.now() - timedelta(days=3),
        )
        extra.topics.set([topic])
        article.related.add(extra)
        program.articles.add(extra)
        article_import_approved_version(
            article=extra, reviewer=reviewer, approved_at=timezone.now() - timedelta(days=2)
        )


def test_each_page_runs_a_fixed_number_of_queries(client, demo_data, no_page_cache):
    expected = {page: queries for page, (_url, queries) in PAGES.items()}
    assert _queries_per_page(client) == expected
    _publish_more(12)
    assert _queries_per_page(client) == expected
