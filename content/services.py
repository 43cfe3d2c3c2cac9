"""Editorial workflow: the only ways an article's public version and status change.

Editors change an article's working copy freely. What visitors read is an
``ArticleVersion``, and only the functions here create one: a medical
reviewer's approval (bound to the exact content the reviewer was shown), a
reviewer's non-clinical correction, or loading already-approved content
(demo data). Each function checks its rule on the server, whoever calls it
(the admin's buttons, its bulk actions, a management command), and raises
``WorkflowError`` with a message meant for the person when the rule says no.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.editorial_checks import approval_checks
from content.markdown import render_article_body, render_markdown
from content.models import (
    Article,
    ArticleVersion,
    Person,
    Review,
    add_months,
    byline_entry,
    content_hash,
    forget_superseded_search_rows,
)

APPROVE_PERMISSION = "content.approve_article"
# How often an approved article must be reviewed again: at least every two years.
REVIEW_INTERVAL_CHOICES = (3, 6, 12, 18, 24)
DEFAULT_REVIEW_INTERVAL = 12

Status = Article.Status
ReviewStatus = Article.ReviewStatus


class WorkflowError(Exception):
    pass


def _reviewer_for(user):
    """The reviewer profile ``user`` approves as, if its licence lets them."""
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    if person is None or person.role != Person.Role.REVIEWER:
        raise WorkflowError(
            _("Your account is not linked to a medical reviewer's profile, so it cannot approve.")
        )
    if not (person.licence_type and person.licence_state and person.licence_expires):
        raise WorkflowError(
            _("%(name)s's profile has no licence on record; an administrator must add it.")
            % {"name": person.name}
        )
    if not person.licence_is_current():
        raise WorkflowError(
            _("%(name)s's licence expired on %(date)s; renew it before approving.")
            % {"name": person.name, "date": person.licence_expires}
        )
    return person


def _require_reviewer(user, what):
    if not user.has_perm(APPROVE_PERMISSION):
        raise WorkflowError(what)
    return _reviewer_for(user)


def _locked(article):
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join.
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("live_version")
        .get(pk=article.pk)
    )


def _resolve_change_requests(article, now):
    article.reviews.filter(
        decision=Review.Decision.CHANGES_REQUESTED, resolved_at__isnull=True
    ).update(resolved_at=now)


def _set_workflow_fields(article, reason, **values):
    for field, value in values.items():
        setattr(article, field, value)
    article._change_reason = reason
    article.save(update_fields=list(values))


def article_working_copy_saved(*, article):
    """Record that the working copy was edited: it now differs from the approved version.

    Called after every save of the article or its citations in the admin.
    An edit that brings the text back to what was approved clears the
    pending state; any other edit of an approved article makes it pending.
    """
    article = Article.objects.select_related("live_version").get(pk=article.pk)
    live = article.live_version
    unchanged = (
        live is not None
        and content_hash(article.reviewable_content()) == live.content_hash
        and not (article.is_scheduled() and article.publish_at != live.publish_at)
    )
    if unchanged:
        new_status = ReviewStatus.APPROVED
    elif article.review_status == ReviewStatus.APPROVED:
        new_status = ReviewStatus.EDITING
    else:
        return article  # still in review, or still waiting for the requested changes
    if new_status != article.review_status:
        # update(), not save(): the edit itself is already in the history.
        Article.objects.filter(pk=article.pk).update(review_status=new_status)
        article.review_status = new_status
    return article


def article_submit_for_review(*, article, user):
    """Ask for a medical review of the working copy (an editor's step)."""
    with transaction.atomic():
        article = _locked(article)
        if article.status == Status.ARCHIVED:
            raise WorkflowError(_("An archived article must be returned to draft first."))
        if article.review_status == ReviewStatus.IN_REVIEW:
            raise WorkflowError(_("This article is already waiting for review."))
        if article.review_status == ReviewStatus.APPROVED and article.status == Status.PUBLISHED:
            raise WorkflowError(
                _("Nothing to review: the article is the same as its approved version.")
            )
        now = timezone.now()
        _resolve_change_requests(article, now)
        _set_workflow_fields(article, _("Sent for review"), review_status=ReviewStatus.IN_REVIEW)
    return article


def article_request_changes(*, article, user, comment):
    """Send the working copy back to its editor with a comment (a reviewer's step)."""
    comment = (comment or "").strip()
    reviewer = _require_reviewer(user, _("Only medical reviewers can request changes."))
    if not comment:
        raise WorkflowError(_("Say what needs to change: the comment is required."))
    with transaction.atomic():
        article = _locked(article)
        if article.review_status == ReviewStatus.APPROVED:
            raise WorkflowError(_("There are no changes waiting for review."))
        review = Review.objects.create(
            article=article,
            decision=Review.Decision.CHANGES_REQUESTED,
            reviewer=reviewer,
            user=user,
            comment=comment,
            content_hash=content_hash(article.reviewable_content()),
        )
        _set_workflow_fields(
            article,
            _("Changes requested by %(name)s") % {"name": reviewer.name},
            review_status=ReviewStatus.CHANGES_REQUESTED,
        )
    return review


def _check_before_publishing(article, content, seen_hash, *, approve_anyway):
    if seen_hash != content_hash(content):
        raise WorkflowError(
            _(
                "The article was changed after you opened it. Nothing was published: "
                "look at the changes again, then approve."
            )
        )
    if article.status == Status.ARCHIVED:
        raise WorkflowError(_("An archived article cannot be approved; return it to draft first."))
    if not content["citations"]:
        raise WorkflowError(_("An article needs at least one citation before it can be approved."))
    checks = approval_checks(article)
    if checks.problems:
        raise WorkflowError(
            _("Fix these before approving: %(problems)s") % {"problems": " ".join(checks.problems)}
        )
    if checks.advice and not approve_anyway:
        raise WorkflowError(
            _(
                "The content checks have advice for this article. Read it, then tick "
                "“Approve anyway” if the article is right as it is."
            )
        )
    return checks


def _build_version(
    article, content, *, now, kind, byline_reviewer, change_note, interval, last_reviewed,
    user=None, advice=(),
):  # fmt: skip
    """An unsaved version of ``content``: what the page will be once it is published."""
    previous = article.live_version
    already_public = (
        previous is not None and article.status == Status.PUBLISHED and previous.publish_at <= now
    )
    if already_public or article.publish_at is None:
        publish_at = now
    else:
        publish_at = max(now, article.publish_at)
    # Rendered from the very text approved, not taken from the working copy's cache.
    body_html, toc = render_article_body(content["body"])
    if kind == ArticleVersion.Kind.REVIEW:
        byline_of_reviewer = byline_entry(byline_reviewer)
    else:
        byline_of_reviewer = previous.byline["reviewer"]
    return ArticleVersion(
        article=article,
        kind=kind,
        title=content["title"],
        slug=content["slug"],
        summary=content["summary"],
        meta_description=content["meta_description"],
        # Absent from content approved before key points existed: see _reviewable.
        key_points=content.get("key_points", ""),
        body=content["body"],
        when_to_get_help=content["when_to_get_help"],
        body_html=body_html,
        help_html=render_markdown(content["when_to_get_help"]),
        toc=toc,
        citations=content["citations"],
        author=article.author,
        reviewer=byline_reviewer,
        byline={"author": byline_entry(article.author), "reviewer": byline_of_reviewer},
        change_note=change_note,
        approved_by=user,
        approved_at=now,
        publish_at=publish_at,
        first_published_at=(
            previous.first_published_at if previous and previous.publish_at <= now else publish_at
        ),
        last_reviewed=last_reviewed,
        review_interval_months=interval,
        next_review_due=add_months(last_reviewed, interval),
        content_hash=content_hash(content),
        advice_overridden=list(advice),
    )


def article_preview_version(article):
    """The working copy as a version, unsaved: the staff preview of what approval would publish."""
    now = timezone.now()
    previous = article.live_version
    return _build_version(
        article,
        article.reviewable_content(),
        now=now,
        kind=ArticleVersion.Kind.REVIEW,
        byline_reviewer=article.reviewer,
        change_note=article.change_note,
        interval=previous.review_interval_months if previous else DEFAULT_REVIEW_INTERVAL,
        last_reviewed=timezone.localdate(now),
    )


def _publish_version(article, content, *, reviewer, decision, **fields):
    """Freeze ``content`` as the article's next version, make it live and record the decision."""
    version = _build_version(article, content, **fields)
    last = article.versions.order_by("-number").values_list("number", flat=True).first()
    version.number = (last or 0) + 1
    version.save()
    Review.objects.create(
        article=article,
        decision=decision,
        reviewer=reviewer,
        user=version.approved_by,
        created_at=version.approved_at,
        comment=version.change_note,
        version=version,
        content_hash=version.content_hash,
    )
    _resolve_change_requests(article, fields["now"])
    workflow_fields = {
        "live_version": version,
        "status": Status.PUBLISHED,
        "review_status": ReviewStatus.APPROVED,
        "publish_at": version.publish_at,
        "change_note": "",
    }
    if version.kind == ArticleVersion.Kind.REVIEW:
        workflow_fields["reviewer"] = version.reviewer
    _set_workflow_fields(
        article,
        _("Version %(number)d approved by %(name)s")
        % {"number": version.number, "name": reviewer.name},
        **workflow_fields,
    )
    forget_superseded_search_rows(version)
    return version


def article_approve(
    *, article, user, content_hash, change_note="", review_interval_months=None,
    take_over=False, approve_anyway=False,
):  # fmt: skip
    """Approve the working copy the reviewer was shown, and publish it.

    ``content_hash`` is the fingerprint of the content on the reviewer's
    screen: if the article changed since, nothing is published. Only a user
    with the approve permission, linked to a reviewer profile with a current
    licence, may approve; the approving reviewer becomes the reviewer the
    page names (``take_over`` confirms replacing another). Blocking content
    problems refuse the approval; advice needs ``approve_anyway``. The
    version goes live now, or at the proposed time if the article has never
    been public and that time is in the future.
    """
    reviewer = _require_reviewer(user, _("Only medical reviewers can approve articles."))
    interval = review_interval_months or DEFAULT_REVIEW_INTERVAL
    if interval not in REVIEW_INTERVAL_CHOICES:
        raise WorkflowError(
            _("Choose a review interval of %(choices)s months.")
            % {"choices": ", ".join(str(c) for c in REVIEW_INTERVAL_CHOICES)}
        )
    with transaction.atomic():
        article = _locked(article)
        content = article.reviewable_content()
        checks = _check_before_publishing(
            article, content, content_hash, approve_anyway=approve_anyway
        )
        if article.reviewer_id != reviewer.pk and not take_over:
            raise WorkflowError(
                _(
                    "This article names %(named)s as its medical reviewer. Tick “Approve as "
                    "the named reviewer” to approve it yourself; the page will then name you."
                )
                % {"named": article.reviewer.name}
            )
        now = timezone.now()
        change_note = (change_note or "").strip() or article.change_note.strip()
        version = _publish_version(
            article,
            content,
            reviewer=reviewer,
            decision=Review.Decision.APPROVED,
            kind=ArticleVersion.Kind.REVIEW,
            byline_reviewer=reviewer,
            user=user,
            now=now,
            change_note=change_note,
            interval=interval,
            last_reviewed=timezone.localdate(now),
            advice=checks.advice,
        )
    return version


def article_publish_correction(*, article, user, content_hash, change_note):
    """Publish a non-clinical fix (a typo, a broken link) without a new medical review.

    A reviewer's step, recorded as a correction: the page keeps its last
    medical review date, its next review date and its named reviewer, and
    the review history says what was corrected and by whom.
    """
    reviewer = _require_reviewer(user, _("Only medical reviewers can publish a correction."))
    change_note = (change_note or "").strip()
    if not change_note:
        raise WorkflowError(_("Say what was corrected: readers see it in the review history."))
    with transaction.atomic():
        article = _locked(article)
        previous = article.live_version
        if not article.is_published():
            raise WorkflowError(
                _("Only a published article can take a correction; approve it instead.")
            )
        content = article.reviewable_content()
        _check_before_publishing(article, content, content_hash, approve_anyway=True)
        now = timezone.now()
        version = _publish_version(
            article,
            content,
            reviewer=reviewer,
            decision=Review.Decision.CORRECTION,
            kind=ArticleVersion.Kind.CORRECTION,
            byline_reviewer=previous.reviewer,
            user=user,
            now=now,
            change_note=change_note,
            interval=previous.review_interval_months,
            last_reviewed=previous.last_reviewed,
        )
    return version


def article_import_approved_version(
    *, article, reviewer, approved_at, change_note="", review_interval_months=None
):
    """Record content that was approved outside this site (demo data, an import).

    Not offered in the admin: it trusts the caller that ``reviewer`` approved
    the article's current content on ``approved_at``.
    """
    with transaction.atomic():
        article = _locked(article)
        version = _publish_version(
            article,
            article.reviewable_content(),
            reviewer=reviewer,
            decision=Review.Decision.APPROVED,
            kind=ArticleVersion.Kind.REVIEW,
            byline_reviewer=reviewer,
            now=approved_at,
            change_note=change_note,
            interval=review_interval_months or DEFAULT_REVIEW_INTERVAL,
            last_reviewed=timezone.localdate(approved_at),
        )
    return version


def article_archive(*, article, user):
    """Take an article off the site for good (a reviewer's step)."""
    _require_reviewer_permission(user, _("Only medical reviewers can archive articles."))
    with transaction.atomic():
        article = _locked(article)
        _set_workflow_fields(article, _("Archived"), status=Status.ARCHIVED)
    return article


def article_return_to_draft(*, article, user):
    """Unpublish a public or archived article, or withdraw a working copy from review.

    Taking an article off the site needs the approve permission; an editor
    may only take back their own request for review.
    """
    with transaction.atomic():
        article = _locked(article)
        if article.status in (Status.PUBLISHED, Status.ARCHIVED):
            _require_reviewer_permission(
                user, _("Only medical reviewers can unpublish an article.")
            )
            _set_workflow_fields(article, _("Unpublished"), status=Status.DRAFT)
        elif article.review_status == ReviewStatus.IN_REVIEW:
            _set_workflow_fields(
                article, _("Withdrawn from review"), review_status=ReviewStatus.EDITING
            )
        else:
            raise WorkflowError(_("This article is already a draft."))
    return article


def _require_reviewer_permission(user, message):
    if not user.has_perm(APPROVE_PERMISSION):
        raise WorkflowError(message)
