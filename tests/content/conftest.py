"""Factories for content: topics, people, articles in every workflow state."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from content.models import Article, Citation, Person, Topic


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
    """make_article(**fields) -> a saved article with one citation unless citations=0."""

    def _make(citations=1, topics=None, **fields):
        n = Article.objects.count() + 1
        defaults = {
            "title": f"Article {n}",
            "slug": f"article-{n}",
            "summary": "A short summary.",
            "body": "## First section\n\nSome text that cites a source.[^1]\n",
            "author": author,
            "reviewer": reviewer_person,
            "status": Article.Status.PUBLISHED,
            "publish_at": timezone.now() - timedelta(days=30),
            "last_reviewed": timezone.localdate() - timedelta(days=30),
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
        return article

    return _make


@pytest.fixture
def published_article(make_article):
    return make_article(title="Heroin withdrawal: symptoms and timeline", slug="heroin-withdrawal")
