"""Saving a request and telling staff about it.

The request is saved first, in its own transaction; staff are emailed only
after the commit, and a failed email never loses the request: it stays
marked "not yet notified" for ``send_intake_notifications`` to retry.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from intake.models import IntakeRequest

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(days=30)


def submit_intake_request(*, form_token, kind, **fields):
    """Save a request from the public forms; returns ``(request, created)``.

    ``form_token`` is the UUID of the form that was shown: the same form
    posted twice (a double click, a resend, two racing posts) creates one
    request; the later posts get the first one back with ``created=False``.
    """
    intake = IntakeRequest(form_token=form_token, kind=kind, **fields)
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
    transaction.on_commit(lambda: notify_staff(intake.pk))
    logger.info("intake request %s received", intake.reference)
    return intake, True


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
    """Email the admissions addresses; True if sent. Failures are logged and retried later."""
    recipients = settings.INTAKE_NOTIFY_EMAILS
    if not recipients:
        logger.warning("INTAKE_NOTIFY_EMAILS is empty; request %s not notified", request_pk)
        return False
    intake = IntakeRequest.objects.filter(pk=request_pk, notified_at__isnull=True).first()
    if intake is None:
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
