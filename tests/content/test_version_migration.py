"""The migration to approved versions keeps what visitors were reading."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from content import models

BEFORE = [("content", "0002_articles")]
AFTER = [("content", "0005_remove_article_review_dates")]


def _state_at(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest_schema():
    """Leave the database fully migrated, as the tests after this one expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_published_article_becomes_version_one_and_in_review_stays_in_review(
    django_user_model, back_to_latest_schema
):
    apps = _state_at(BEFORE)
    Person = apps.get_model("content", "Person")
    Article = apps.get_model("content", "Article")
    Citation = apps.get_model("content", "Citation")
    Review = apps.get_model("content", "Review")
    User = apps.get_model(*django_user_model._meta.label.split("."))
    user = User.objects.create(username="old-reviewer")
    author = Person.objects.create(name="A. Writer", slug="a-writer", role="author")
    reviewer = Person.objects.create(
        name="Dr. R", slug="dr-r", role="reviewer", credentials="MD",
        licence_type="MD", licence_state="OH", licence_expires=date(2030, 1, 1),
    )  # fmt: skip
    published_at = datetime(2026, 1, 5, 15, tzinfo=UTC)
    live = Article.objects.create(
        title="Live", slug="live", summary="S.", body="Body.[^1]", body_html="<p>Body.</p>",
        author=author, reviewer=reviewer, status="published", publish_at=published_at,
        last_reviewed=date(2026, 3, 1), review_interval_months=6, change_note="Checked.",
    )  # fmt: skip
    Citation.objects.create(
        article=live, order=1, authors="NIDA", title="Source", url="https://nida.nih.gov/",
        last_checked=date(2026, 3, 1),
    )  # fmt: skip
    Review.objects.create(
        article=live, reviewer=reviewer, approved_by=user,
        approved_at=datetime(2026, 3, 1, 10, tzinfo=UTC), change_note="Checked.",
        revision=1,
    )  # fmt: skip
    waiting = Article.objects.create(
        title="Waiting", slug="waiting", summary="S.", body="B.", author=author,
        reviewer=reviewer, status="in_review",
    )  # fmt: skip

    apps = _state_at(AFTER)
    Article = apps.get_model("content", "Article")
    Review = apps.get_model("content", "Review")
    live = Article.objects.get(slug="live")
    version = live.live_version
    assert (live.status, live.review_status) == ("published", "approved")
    assert (version.number, version.title, version.body) == (1, "Live", "Body.[^1]")
    assert version.citations[0]["title"] == "Source"
    assert version.last_reviewed == date(2026, 3, 1)
    assert version.next_review_due == date(2026, 9, 1)
    assert version.publish_at == published_at and version.approved_by_id == user.pk
    assert version.byline["reviewer"]["name"] == "Dr. R"
    review = Review.objects.get(article=live)
    assert (review.decision, review.version_id, review.user_id) == (
        "approved",
        version.pk,
        user.pk,
    )
    waiting = Article.objects.get(pk=waiting.pk)
    assert (waiting.status, waiting.review_status, waiting.live_version_id) == (
        "draft", "in_review", None,
    )  # fmt: skip

    # The same fingerprint as today's code computes, on today's schema (fields
    # added since, such as key points, included): an unchanged save is not pending.
    _state_at(MigrationExecutor(connection).loader.graph.leaf_nodes())
    current = models.Article.objects.get(slug="live").reviewable_content()
    assert version.content_hash == models.content_hash(current)
