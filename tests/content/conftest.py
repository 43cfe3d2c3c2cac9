"""Factories for content: topics, people, articles in every workflow state."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from content.models import Article, Citation, Person, Topic
from content.services import article_import_approved_version

# What every article needs to pass the content checks without advice.
KEY_POINTS = "Withdrawal is hard.\nHelp makes it safer.\nCall if you are worried."
HELP_BOX = "If someone will not wake up or is not breathing, call 911."


@pytest.fixture
def topic(db):
    return Topic.objects.create(
        name="Withdrawal", slug="withdrawal", description="What withdrawal is like.", order=1
    )


@pytest.fixture
def author(db):
    return Person.objects.create(
        name="Wren Quillfeather", slug="wren-quillfeather", role=Person.Role.AUTHOR,
        credentials="MPH", job_title="Health writer",
    )  # fmt: skip


@pytest.fixture
def reviewer_person(db, reviewer):
    """The medical reviewer's profile, linked to the ``reviewer`` staff account."""
    return Person.objects.create(
        name="Dr. Orla Brightwater", slug="orla-brightwater", role=Person.Role.REVIEWER,
        credentials="MD", specialty="Addiction medicine", licence_type="Physician (MD)",
        licence_state="OH", licence_expires=date.today() + timedelta(days=365), user=reviewer,
    )  # fmt: skip


@pytest.fixture
def make_article(db, topic, author, reviewer_person):
    """make_article(**fields) -> a saved article with one citation unless citations=0.

    ``status`` is "published" (the default: approved by ``reviewer_person``
    on ``last_reviewed``, through the workflow's import), "archived",
    "in_review" (a never-approved working copy sent for review) or "draft".
    """

    def _make(
        citations=1, topics=None, status="published", last_reviewed=None,
        review_interval_months=12, **fields,
    ):  # fmt: skip
        n = Article.objects.count() + 1
        defaults = {
            "title": f"Article {n}",
            "slug": f"article-{n}",
            "summary": "A short summary.",
            "key_points": KEY_POINTS,
            "body": "## First section\n\nSome text that cites a source.[^1]\n",
            "when_to_get_help": HELP_BOX,
            "author": author,
            "reviewer": reviewer_person,
            "publish_at": timezone.now() - timedelta(days=30),
        }
        defaults.update(fields)
        article = Article.objects.create(**defaults)
        article.topics.set(topics if topics is not None else [topic])
        for i in range(1, citations + 1):
            Citation.objects.create(
                article=article, order=i, authors="National Institute on Drug Abuse",
                title=f"Source {i}", publisher="NIDA", year=2021,
                url=f"https://nida.nih.gov/source-{i}", last_checked=timezone.localdate(),
            )  # fmt: skip
        if status in (Article.Status.PUBLISHED, Article.Status.ARCHIVED):
            reviewed_on = last_reviewed or timezone.localdate() - timedelta(days=30)
            article_import_approved_version(
                article=article,
                reviewer=article.reviewer,
                approved_at=timezone.make_aware(datetime.combine(reviewed_on, time(12))),
                change_note="First medical review.",
                review_interval_months=review_interval_months,
            )
            if status == Article.Status.ARCHIVED:
                Article.objects.filter(pk=article.pk).update(status=status)
        elif status == Article.ReviewStatus.IN_REVIEW:
            Article.objects.filter(pk=article.pk).update(review_status=status)
        return Article.objects.select_related("live_version").get(pk=article.pk)

    return _make


@pytest.fixture
def published_article(make_article):
    return make_article(title="Heroin withdrawal: symptoms and timeline", slug="heroin-withdrawal")
