"""Call-back and contact requests, and what admissions staff do with them.

Every row here says that someone is seeking treatment for substance use:
treat it as protected health information. Nothing from these models goes
into a URL, a log line, an email body or an error report.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellness_site.phones import USPhoneField, format_us_phone

# No 0/O or 1/I/L: staff read references aloud on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference():
    return "R-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(7))


# Statuses that mean someone from admissions has spoken with the person.
REACHED_STATUSES = ["contacted", "assessment", "admitted"]


class IntakeRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=IntakeRequest.Status.CLOSED)

    def awaiting_notification(self):
        return self.filter(notified_at__isnull=True)

    def closed_before(self, days, now=None):
        """Closed requests whose closing is more than ``days`` days old."""
        now = now or timezone.now()
        return self.filter(
            status=IntakeRequest.Status.CLOSED, closed_at__lt=now - timedelta(days=days)
        )

    def with_due(self):
        """Annotate ``due_at``: the promise for a new request, the next action's time otherwise."""
        return self.annotate(
            due_at=models.Case(
                models.When(status=IntakeRequest.Status.NEW, then=models.F("promised_by")),
                default=models.F("next_action_due"),
            )
        )


class IntakeRequest(models.Model):
    """One call-back request or contact message, as the person sent it, plus its handling."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Call-back request")
        CONTACT = "contact", _("Contact message")

    class WhoFor(models.TextChoices):
        MYSELF = "myself", _("Myself")
        LOVED_ONE = "loved_one", _("A loved one")
        PROFESSIONAL = "professional", _("A professional referring someone")

    class BestTime(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")
        ANY = "any", _("Any time")

    class Subject(models.TextChoices):
        ADMISSIONS = "admissions", _("A question about admission")
        INSURANCE = "insurance", _("Insurance and payment")
        FAMILY = "family", _("Family and visiting")
        RECORDS = "records", _("Medical records")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ATTEMPTED = "attempted", _("Contact attempted")
        CONTACTED = "contacted", _("Contacted")
        ASSESSMENT = "assessment", _("Assessment scheduled")
        ADMITTED = "admitted", _("Admitted")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        NOT_A_FIT = "not_a_fit", _("Not a fit")
        REFERRED = "referred", _("Referred elsewhere")
        UNREACHABLE = "unreachable", _("Unreachable")
        DUPLICATE = "duplicate", _("Duplicate")
        SPAM = "spam", _("Spam")

    # What the person sent: read-only to staff.
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    first_name = models.CharField(_("name"), max_length=60)
    phone = USPhoneField(_("phone"), blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    who_for = models.CharField(_("help is for"), max_length=15, choices=WhoFor.choices, blank=True)
    best_time = models.CharField(
        _("best time to call"), max_length=10, choices=BestTime.choices, blank=True
    )
    voicemail_ok = models.BooleanField(_("voicemail OK"), null=True, blank=True)
    texts_ok = models.BooleanField(_("texts OK"), default=False)
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices, blank=True)
    insurer_name = models.CharField(
        _("insurance company"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name only. The contact form refuses more than three digits here: "
            "they could be a member or policy number."
        ),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    source_path = models.CharField(
        _("sent from page"), max_length=200, blank=True, help_text=_("A path on this site.")
    )
    form_token = models.UUIDField(
        unique=True, editable=False, help_text=_("One per form shown: a resent form is ignored.")
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    over_phone_limit = models.BooleanField(
        _("repeat past the per-phone limit"),
        default=False,
        editable=False,
        help_text=_(
            "Sent after this number had already sent as many requests as the site takes "
            "in an hour: kept, and marked so that staff see it is a repeat."
        ),
    )
    seconds_to_send = models.PositiveIntegerField(
        _("seconds from page to send"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "How long after the form was shown it was sent. Very fast sends are often "
            "autofill, sometimes a script: such requests are kept, and flagged."
        ),
    )
    notified_at = models.DateTimeField(_("staff notified"), null=True, blank=True, editable=False)

    # Handling, edited by admissions staff.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    close_reason = models.CharField(
        _("close reason"), max_length=12, choices=CloseReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_intake_requests",
    )
    notes = models.TextField(_("staff notes"), blank=True)
    promised_by = models.DateTimeField(
        _("call-back promised by"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the first call was due by the center's promise, set on arrival."),
    )
    next_action_due = models.DateTimeField(
        _("next action due"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When to try again or follow up. Every open request has one."),
    )
    first_contact_at = models.DateTimeField(
        _("first contact"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="possible_duplicates",
    )

    objects = IntakeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        permissions = [("export_intakerequest", _("Can export requests as CSV"))]
        indexes = [
            # The duplicate check on every submission: this phone's latest request.
            models.Index(fields=["phone", "-received_at"], name="intake_phone_recent"),
        ]
        constraints = [
            # Status and first contact never disagree, whatever path changed them.
            models.CheckConstraint(
                condition=~models.Q(status__in=REACHED_STATUSES)
                | models.Q(first_contact_at__isnull=False),
                name="intake_reached_has_first_contact",
            ),
            # A closed request says when it closed (retention counts from then);
            # an open one always has a next action, so none is ever forgotten.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="closed", closed_at__isnull=False, next_action_due__isnull=True
                    )
                )
                | (
                    ~models.Q(status="closed")
                    & models.Q(closed_at__isnull=True, next_action_due__isnull=False)
                ),
                name="intake_open_has_next_action_closed_has_date",
            ),
        ]

    def __str__(self):
        # The reference only: this string appears in admin messages and logs.
        return self.reference

    @property
    def sent_quickly(self):
        """Sent faster than a person usually types: autofill, or possibly a script."""
        return (
            self.seconds_to_send is not None
            and self.seconds_to_send < settings.INTAKE_MIN_FILL_SECONDS
        )

    @property
    def phone_display(self):
        return format_us_phone(self.phone)

    @property
    def age(self):
        return timezone.now() - self.received_at

    @property
    def time_to_first_contact(self):
        return self.first_contact_at - self.received_at if self.first_contact_at else None

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    @property
    def due(self):
        """When this request is next due: the promise while new, the next action after."""
        return self.promised_by if self.status == self.Status.NEW else self.next_action_due

    def late_by(self, now=None):
        """How far past its due time this open request is, or ``None`` if it is not late."""
        now = now or timezone.now()
        due = self.due
        if not self.is_open or due is None or due >= now:
            return None
        return now - due

    def waited(self, now=None):
        """How long the person waited for a first contact, or has waited so far."""
        return (self.first_contact_at or now or timezone.now()) - self.received_at

    def set_status(self, status, *, now=None):
        """Move to ``status`` and keep the fields that follow from it in step; returns them.

        Reaching a status that means someone spoke with the person stamps the first
        contact, once. Closing stamps the closing time and ends the next action;
        reopening clears the closing time and makes the next action due now,
        unless one was already set.
        """
        now = now or timezone.now()
        changed = []
        if status != self.status:
            self.status = status
            changed.append("status")
        if status in REACHED_STATUSES and self.first_contact_at is None:
            self.first_contact_at = now
            changed.append("first_contact_at")
        if status == self.Status.CLOSED:
            if self.closed_at is None:
                self.closed_at = now
                changed.append("closed_at")
            if self.next_action_due is not None:
                self.next_action_due = None
                changed.append("next_action_due")
        else:
            if self.closed_at is not None:
                self.closed_at = None
                changed.append("closed_at")
            if self.close_reason:
                self.close_reason = ""
                changed.append("close_reason")
            if self.next_action_due is None:
                self.next_action_due = now
                changed.append("next_action_due")
        return changed

    def may_leave_voicemail(self):
        return self.voicemail_ok is not False

    def may_text(self):
        return bool(self.texts_ok and self.phone)


class ContactAttempt(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached the person")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Left a voicemail")
        MESSAGE_SENT = "sent", _("Message sent")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    request = models.ForeignKey(IntakeRequest, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    next_try_at = models.DateTimeField(
        _("next try"), null=True, blank=True, help_text=_("What was scheduled after this attempt.")
    )
    override_reason = models.CharField(
        _("reason for going against their choice"),
        max_length=300,
        blank=True,
        help_text=_(
            "Filled in only when a voicemail was left or a text sent to someone who said no."
        ),
    )

    class Meta:
        ordering = ["at"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self):
        return f"{self.get_method_display()} — {self.get_outcome_display()}"

    @property
    def is_successful(self):
        return self.outcome == self.Outcome.REACHED


class AccessRecord(models.Model):
    """Who opened or exported which request, and when. Holds no personal data."""

    class Action(models.TextChoices):
        LIST = "list", _("Listed")
        VIEW = "view", _("Opened")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    request = models.ForeignKey(
        IntakeRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_records",
    )
    reference = models.CharField(
        _("reference"),
        max_length=12,
        blank=True,
        help_text=_("Cleared when the request is purged."),
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.reference} {self.at:%Y-%m-%d %H:%M}"


class FilteredPostCount(models.Model):
    """How many posts of the public forms each anti-abuse rule caught, per day.

    Counts only, never what was sent: enough to tune the rules by evidence.
    """

    class Reason(models.TextChoices):
        HONEYPOT = "honeypot", _("Dropped: hidden field filled")
        FAST = "fast", _("Saved, flagged as sent quickly")
        EXPIRED = "expired", _("Shown back: form open too long")
        REFUSED = "refused", _("Shown back: token or origin not valid")
        RATE_LIMITED = "rate_limited", _("Shown back: rate limited")

    day = models.DateField(_("day"))
    reason = models.CharField(_("rule"), max_length=12, choices=Reason.choices)
    count = models.PositiveIntegerField(_("posts"), default=0)

    class Meta:
        ordering = ["-day", "reason"]
        verbose_name = _("filtered post count")
        verbose_name_plural = _("filtered post counts")
        constraints = [
            models.UniqueConstraint(fields=["day", "reason"], name="filtered_post_day_reason")
        ]

    def __str__(self):
        return f"{self.day} {self.reason} {self.count}"

    @classmethod
    def record(cls, reason, day=None):
        """Add one to today's count for ``reason``."""
        day = day or timezone.localdate()
        updated = cls.objects.filter(day=day, reason=reason).update(count=models.F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    cls.objects.create(day=day, reason=reason, count=1)
            except IntegrityError:  # another post created today's row first
                cls.objects.filter(day=day, reason=reason).update(count=models.F("count") + 1)
