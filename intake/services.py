"""Saving a request and telling staff about it.

The request is saved first, in its own transaction. Only after the commit is
the staff email queued, as a task (``intake.tasks``) that the background
worker runs: a visitor's request never waits for a mail server. The row is
the record: it stays "not yet notified" (``notified_at`` empty) until an
email went out, so whatever fails (the queue, the worker, the mail server),
``send_intake_notifications`` finds it and retries.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import CenterProfile
from intake.models import ContactAttempt, IntakeRequest

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(days=30)


def submit_intake_request(*, form_token, kind, **fields):
    """Save a request from the public forms; returns ``(request, created)``.

    ``form_token`` is the UUID of the form that was shown: the same form
    posted twice (a double click, a resend, two racing posts) creates one
    request; the later posts get the first one back with ``created=False``.
    """
    intake = IntakeRequest(form_token=form_token, kind=kind, **fields)
    # The promise made to this person, fixed when the request arrives: a later
    # change to the center's promise does not move requests already waiting.
    intake.promised_by = (
        CenterProfile.objects.get_cached().callback_promise().due(intake.received_at)
    )
    intake.next_action_due = intake.promised_by
    if intake.phone:
        intake.duplicate_of = (
            IntakeRequest.objects.filter(
                phone=intake.phone, received_at__gte=timezone.now() - DUPLICATE_WINDOW
            )
            .order_by("-received_at")
            .first()
        )
    # Uniqueness (form token, reference) is the database's to enforce, in the
    # insert itself: checking first would cost a query and still race.
    intake.full_clean(exclude=["form_token", "duplicate_of"], validate_unique=False)
    try:
        with transaction.atomic():
            intake.save()
    except IntegrityError:
        # This form was posted before (a double click, a resend, a racing post).
        existing = IntakeRequest.objects.filter(form_token=form_token).first()
        if existing is None:
            raise
        return existing, False
    transaction.on_commit(lambda: queue_notification(intake))
    logger.info("intake request %s received", intake.reference)
    return intake, True


def queue_notification(intake):
    """Queue the staff email for the worker; never raises, never sends.

    Called once the request is committed. If the task cannot be queued (the
    task table unavailable, say), the visitor is still told the request was
    received, because it was: the periodic retry sends the email instead.
    """
    from intake.tasks import send_staff_notification  # tasks imports this module

    try:
        # Its own transaction (or savepoint), so a failed insert leaves
        # nothing half-done on the connection the request goes on using.
        with transaction.atomic():
            send_staff_notification.enqueue(intake.pk)
    except Exception as error:
        logger.warning(
            "notification for %s could not be queued (%s); it will be retried",
            intake.reference,
            type(error).__name__,
        )


def _notification(intake):
    link = settings.SITE_URL + reverse("admin:intake_intakerequest_change", args=[intake.pk])
    received = timezone.localtime(intake.received_at).strftime("%Y-%m-%d %H:%M %Z")
    subject = f"New {intake.get_kind_display().lower()} {intake.reference}"
    # Reference, time and link only: an email can be read on any phone, forwarded
    # or kept by a mail provider, so it carries nothing about the person.
    body = (
        f"A new {intake.get_kind_display().lower()} arrived at {received}.\n\n"
        f"Reference: {intake.reference}\n"
        f"Open it in the admin (sign-in required):\n{link}\n"
    )
    return subject, body


def notify_staff(request_pk):
    """Email the admissions addresses; True if sent. Failures are logged and retried later.

    Run by the worker (``intake.tasks``) and by ``send_intake_notifications``,
    never in a visitor's request: it waits on the mail server for up to
    ``EMAIL_TIMEOUT``. While one of them sends, the row is locked and the
    other skips it, so the same request is not announced twice. The lock is
    PostgreSQL's "no key update": a new request pointing at this one as its
    possible duplicate is never kept waiting by it.
    """
    recipients = settings.INTAKE_NOTIFY_EMAILS
    if not recipients:
        logger.warning("INTAKE_NOTIFY_EMAILS is empty; request %s not notified", request_pk)
        return False
    with transaction.atomic():
        intake = (
            IntakeRequest.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(pk=request_pk, notified_at__isnull=True)
            .first()
        )
        if intake is None:  # sent already, being sent, or deleted
            return False
        subject, body = _notification(intake)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception as error:  # any transport failure: keep the request, retry later
            logger.warning(
                "notification for %s failed (%s); it will be retried",
                intake.reference,
                type(error).__name__,
            )
            return False
        IntakeRequest.objects.filter(pk=intake.pk).update(notified_at=timezone.now())
    return True


def send_pending_notifications():
    """Retry every request whose notification has not gone out; returns (sent, failed)."""
    sent = failed = 0
    for pk in IntakeRequest.objects.awaiting_notification().values_list("pk", flat=True):
        if notify_staff(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed


Method = ContactAttempt.Method
Outcome = ContactAttempt.Outcome
NEXT_TRY_LIMIT = timedelta(days=30)


def _attempt_errors(intake_request, *, method, outcome, override_reason):
    """What is wrong with logging this attempt on this request: {field: message}."""
    errors = {}
    if method in (Method.PHONE, Method.TEXT) and not intake_request.phone:
        errors["method"] = _("This request has no phone number.")
    elif method == Method.EMAIL and not intake_request.email:
        errors["method"] = _("This request has no email address.")
    elif method == Method.TEXT and not intake_request.texts_ok and not override_reason:
        errors["method"] = _(
            "They did not agree to texts: a text can be read by whoever sees their phone. "
            "Call instead, or give the reason for texting anyway (it is recorded)."
        )
    if outcome == Outcome.VOICEMAIL and method != Method.PHONE:
        errors["outcome"] = _("A voicemail is left on a phone call: choose “Phone call”.")
    elif outcome == Outcome.MESSAGE_SENT and method == Method.PHONE:
        errors["outcome"] = _("“Message sent” is for a text or an email.")
    elif (
        outcome == Outcome.VOICEMAIL
        and not intake_request.may_leave_voicemail()
        and not override_reason
    ):
        errors["outcome"] = _(
            "They said no voicemail: someone else may hear it. Choose “No answer”, or "
            "give the reason for leaving one anyway (it is recorded)."
        )
    return errors


def intake_request_log_attempt(
    *,
    intake_request,
    by,
    method,
    outcome,
    note="",
    next_try_at=None,
    close_reason="",
    override_reason="",
    at=None,
):
    """Log a contact attempt and schedule what comes next, in one step; returns the attempt.

    Either ``next_try_at`` (the request stays open, due again then) or
    ``close_reason`` (the request is closed) is required. Reaching the person
    stamps the first contact once and moves a new or attempted request to
    "contacted"; any other outcome moves a new request to "attempted".
    A voicemail for someone who said no, or a text to someone who did not say
    yes, is refused unless ``override_reason`` says why; the reason is kept
    with the attempt. Raises ValidationError, keyed by field, and saves nothing.
    """
    at = at or timezone.now()
    override_reason = override_reason.strip()
    errors = _attempt_errors(
        intake_request, method=method, outcome=outcome, override_reason=override_reason
    )
    if not intake_request.is_open:
        errors["__all__"] = _("This request is closed. Reopen it before logging an attempt.")
    if close_reason and close_reason not in IntakeRequest.CloseReason.values:
        errors["close_reason"] = _("Choose a close reason from the list.")
    elif close_reason:
        next_try_at = None
    elif next_try_at is None:
        errors["next_try_at"] = _("Choose when to try again, or close the request.")
    elif next_try_at <= at:
        errors["next_try_at"] = _("The next try must be later than now.")
    elif next_try_at > at + NEXT_TRY_LIMIT:
        # Most often a mistyped year; a request due in 2062 would leave the queue.
        errors["next_try_at"] = _(
            "The next try must be within %(days)d days. Check the date, or close the request."
        ) % {"days": NEXT_TRY_LIMIT.days}
    if errors:
        raise ValidationError(errors)

    goes_against_choice = (method == Method.TEXT and not intake_request.texts_ok) or (
        outcome == Outcome.VOICEMAIL and not intake_request.may_leave_voicemail()
    )
    attempt = ContactAttempt(
        request=intake_request,
        at=at,
        by=by,
        method=method,
        outcome=outcome,
        note=note,
        next_try_at=next_try_at,
        override_reason=override_reason if goes_against_choice else "",
    )
    attempt.full_clean(exclude=["request", "by"])
    with transaction.atomic():
        # Two coordinators logging on the same request one after the other:
        # the second works from what the first saved.
        locked = IntakeRequest.objects.select_for_update().get(pk=intake_request.pk)
        if outcome == Outcome.REACHED:
            new_status = (
                IntakeRequest.Status.CONTACTED
                if locked.status in (IntakeRequest.Status.NEW, IntakeRequest.Status.ATTEMPTED)
                else locked.status
            )
            if locked.first_contact_at is None:
                locked.first_contact_at = at
        elif locked.status == IntakeRequest.Status.NEW:
            new_status = IntakeRequest.Status.ATTEMPTED
        else:
            new_status = locked.status
        if close_reason:
            new_status = IntakeRequest.Status.CLOSED
        locked.set_status(new_status, now=at)
        if close_reason:
            locked.close_reason = close_reason
        else:
            locked.next_action_due = next_try_at
        locked.save(
            update_fields=[
                "status",
                "first_contact_at",
                "next_action_due",
                "closed_at",
                "close_reason",
            ]
        )
        attempt.save()
    # The caller's copy shows what was saved.
    for field in ("status", "first_contact_at", "next_action_due", "closed_at", "close_reason"):
        setattr(intake_request, field, getattr(locked, field))
    logger.info("contact attempt logged on %s", intake_request.reference)
    return attempt
