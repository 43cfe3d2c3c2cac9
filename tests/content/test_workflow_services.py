"""The approval rules, enforced by the service whoever calls it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Article, ArticleVersion, Review, add_months, content_hash
from content.services import (
    WorkflowError,
    article_approve,
    article_archive,
    article_return_to_draft,
    article_submit_for_review,
)


def fingerprint(article):
    """What the reviewer was shown: the working copy as it is in the database now."""
    return content_hash(Article.objects.get(pk=article.pk).reviewable_content())


def approve(article, user, **kwargs):
    return article_approve(article=article, user=user, content_hash=fingerprint(article), **kwargs)


def assert_never_approved(article):
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.live_version is None
    assert not ArticleVersion.objects.filter(article=article).exists()
    assert not Review.objects.exists()


@pytest.fixture
def draft(make_article):
    return make_article(status=Article.Status.DRAFT, publish_at=None)


def test_approval_publishes_sets_review_dates_and_records_the_review(draft, reviewer):
    seen = fingerprint(draft)
    version = article_approve(
        article=draft, user=reviewer, content_hash=seen, change_note="First review."
    )
    draft.refresh_from_db()
    today = timezone.localdate()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.review_status == Article.ReviewStatus.APPROVED
    assert draft.live_version == version
    assert version.number == 1 and version.kind == ArticleVersion.Kind.REVIEW
    assert version.last_reviewed == today
    assert version.review_interval_months == 12
    assert version.next_review_due == add_months(today, 12)
    assert version.publish_at is not None and draft.is_published()
    assert version.approved_by == reviewer
    assert version.reviewer == reviewer.person
    assert version.change_note == "First review."
    # The version is the content the reviewer saw, and only that.
    assert version.content_hash == seen
    assert version.reviewable_content() == draft.reviewable_content()
    review = Review.objects.get(article=draft)
    assert review.decision == Review.Decision.APPROVED
    assert review.version == version
    assert review.user == reviewer and review.reviewer == reviewer.person
    assert review.comment == "First review."
    assert review.content_hash == seen


def test_approval_keeps_a_future_publish_time(make_article, reviewer):
    later = timezone.now() + timedelta(days=7)
    article = make_article(status=Article.ReviewStatus.IN_REVIEW, publish_at=later)
    version = approve(article, reviewer)
    article.refresh_from_db()
    assert version.publish_at == later
    assert article.publish_at == later and not article.is_published()
    assert article.is_scheduled()


def test_approval_of_content_other_than_what_was_shown_is_refused(draft, reviewer):
    seen = fingerprint(draft)
    Article.objects.filter(pk=draft.pk).update(body=draft.body + "\nAdded after the review.\n")
    with pytest.raises(WorkflowError, match="changed after you opened it"):
        article_approve(article=draft, user=reviewer, content_hash=seen)
    assert_never_approved(draft)


def test_editor_cannot_approve(draft, editor):
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        approve(draft, editor)
    assert_never_approved(draft)


def test_reviewer_with_an_expired_licence_cannot_approve(draft, reviewer, reviewer_person):
    reviewer_person.licence_expires = timezone.localdate() - timedelta(days=1)
    reviewer_person.save()
    with pytest.raises(WorkflowError, match="licence expired"):
        approve(draft, reviewer)
    assert_never_approved(draft)


def test_article_without_citations_cannot_be_approved(make_article, reviewer):
    article = make_article(citations=0, status=Article.Status.DRAFT)
    with pytest.raises(WorkflowError, match="at least one citation"):
        approve(article, reviewer, approve_anyway=True)
    assert_never_approved(article)


def test_reviewer_permission_without_a_reviewer_profile_cannot_approve(draft, superuser):
    with pytest.raises(WorkflowError, match="not linked to a medical reviewer"):
        approve(draft, superuser)
    assert_never_approved(draft)


def test_submit_for_review_and_archive(draft, editor, reviewer):
    article_submit_for_review(article=draft, user=editor)
    submitted = Article.objects.get(pk=draft.pk)
    assert submitted.review_status == Article.ReviewStatus.IN_REVIEW
    assert submitted.status == Article.Status.DRAFT  # sending for review publishes nothing
    with pytest.raises(WorkflowError):
        article_archive(article=draft, user=editor)
    article_archive(article=draft, user=reviewer)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.ARCHIVED


def test_only_reviewers_unpublish_and_editors_may_withdraw_from_review(
    published_article, draft, editor, reviewer
):
    with pytest.raises(WorkflowError, match="Only medical reviewers can unpublish"):
        article_return_to_draft(article=published_article, user=editor)
    assert Article.objects.get(pk=published_article.pk).is_published()
    article_return_to_draft(article=published_article, user=reviewer)
    unpublished = Article.objects.get(pk=published_article.pk)
    assert unpublished.status == Article.Status.DRAFT and not unpublished.is_published()

    article_submit_for_review(article=draft, user=editor)
    article_return_to_draft(article=draft, user=editor)
    assert Article.objects.get(pk=draft.pk).review_status == Article.ReviewStatus.EDITING


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
