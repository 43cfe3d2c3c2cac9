"""Editorial workflow: the only ways an article changes status.

Each function checks the rule on the server, whoever calls it (the admin's
buttons, its bulk actions, a management command), and raises
``WorkflowError`` with a message meant for the editor when the rule says no.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import Article, Person, Review

APPROVE_PERMISSION = "content.approve_article"


class WorkflowError(Exception):
    pass


def _reviewer_for(user):
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    if person is None or person.role != Person.Role.REVIEWER:
        raise WorkflowError(
            _("Your account is not linked to a medical reviewer's profile, so it cannot approve.")
        )
    if not person.licence_is_current():
        raise WorkflowError(
            _("%(name)s's licence expired on %(date)s; renew it before approving.")
            % {"name": person.name, "date": person.licence_expires}
        )
    return person


def article_submit_for_review(*, article, user):
    if article.status != Article.Status.DRAFT:
        raise WorkflowError(_("Only a draft can be sent for review."))
    article.status = Article.Status.IN_REVIEW
    article.save(update_fields=["status"])
    return article


@transaction.atomic
def article_approve(*, article, user, change_note=""):
    """Approve ``article`` as ``user``: publish it and record the review.

    Only a user with the approve permission, linked to a reviewer whose
    licence is current, can approve, and only an article with at least one
    citation. Approval sets "last reviewed" to today, makes the approving
    clinician the article's reviewer, and publishes it (at its publish time
    if that is in the future).
    """
    if not user.has_perm(APPROVE_PERMISSION):
        raise WorkflowError(_("Only medical reviewers can approve articles."))
    reviewer = _reviewer_for(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.ARCHIVED:
        raise WorkflowError(_("An archived article cannot be approved; return it to draft first."))
    if not article.citations.exists():
        raise WorkflowError(_("An article needs at least one citation before it can be approved."))
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    article.reviewer = reviewer
    article.last_reviewed = timezone.localdate(now)
    if change_note:
        article.change_note = change_note
    if article.publish_at is None:
        article.publish_at = now
    article._change_reason = "Approved by " + reviewer.name
    article.save()
    return Review.objects.create(
        article=article,
        reviewer=reviewer,
        approved_by=user,
        approved_at=now,
        change_note=article.change_note,
        revision=article.history.latest().history_id,
    )


def article_archive(*, article, user):
    if not user.has_perm(APPROVE_PERMISSION):
        raise WorkflowError(_("Only medical reviewers can archive articles."))
    article.status = Article.Status.ARCHIVED
    article.save(update_fields=["status"])
    return article


def article_return_to_draft(*, article, user):
    if article.status == Article.Status.PUBLISHED and not user.has_perm(APPROVE_PERMISSION):
        raise WorkflowError(_("Only medical reviewers can unpublish an article."))
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status"])
    return article
