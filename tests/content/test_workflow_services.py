"""The approval rules, enforced by the service whoever calls it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Article, Review, add_months
from content.services import (
    WorkflowError,
    article_approve,
    article_archive,
    article_submit_for_review,
)


@pytest.fixture
def draft(make_article):
    return make_article(status=Article.Status.DRAFT, publish_at=None, last_reviewed=None)


def test_approval_publishes_sets_review_dates_and_records_the_review(draft, reviewer):
    review = article_approve(article=draft, user=reviewer, change_note="First review.")
    draft.refresh_from_db()
    today = timezone.localdate()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.last_reviewed == today
    assert draft.next_review_due == add_months(today, 12)
    assert draft.publish_at is not None and draft.is_published()
    assert review.approved_by == reviewer
    assert review.reviewer == reviewer.person
    assert review.change_note == "First review."
    assert review.revision == draft.history.latest().history_id


def test_approval_keeps_a_future_publish_time(make_article, reviewer):
    later = timezone.now() + timedelta(days=7)
    article = make_article(status=Article.Status.IN_REVIEW, publish_at=later)
    article_approve(article=article, user=reviewer)
    article.refresh_from_db()
    assert article.publish_at == later and not article.is_published()


def test_editor_cannot_approve(draft, editor):
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        article_approve(article=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.last_reviewed is None
    assert not Review.objects.exists()


def test_reviewer_with_an_expired_licence_cannot_approve(draft, reviewer, reviewer_person):
    reviewer_person.licence_expires = timezone.localdate() - timedelta(days=1)
    reviewer_person.save()
    with pytest.raises(WorkflowError, match="licence expired"):
        article_approve(article=draft, user=reviewer)
    assert not Review.objects.exists()


def test_article_without_citations_cannot_be_approved(make_article, reviewer):
    article = make_article(citations=0, status=Article.Status.DRAFT)
    with pytest.raises(WorkflowError, match="at least one citation"):
        article_approve(article=article, user=reviewer)


def test_reviewer_permission_without_a_reviewer_profile_cannot_approve(draft, superuser):
    with pytest.raises(WorkflowError, match="not linked to a medical reviewer"):
        article_approve(article=draft, user=superuser)


def test_submit_for_review_and_archive(draft, editor, reviewer):
    article_submit_for_review(article=draft, user=editor)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.IN_REVIEW
    with pytest.raises(WorkflowError):
        article_archive(article=draft, user=editor)
    article_archive(article=draft, user=reviewer)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.ARCHIVED


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-11-24", 12, "2027-11-24"),
        ("2024-02-29", 12, "2025-02-28"),
    ],
)
def test_add_months_keeps_within_the_month(start, months, expected):
    from datetime import date

    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)
