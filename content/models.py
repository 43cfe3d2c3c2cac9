"""The center's identity, the site's fixed pages, and medically reviewed articles."""

import hashlib
import json
import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from content.callback_promise import CallbackPromise
from content.markdown import render_article_body, render_markdown
from wellness_site.phones import USPhoneField, format_us_phone

# Bumped whenever CenterProfile gains a field: a copy pickled before it has no
# value for the new field, and reading one would query the database (which an
# error page must not do).
CENTER_CACHE_KEY = "content:center-profile:v3"


def validate_weekdays(value):
    """ISO weekday digits, Monday = 1: "12345" is Monday to Friday."""
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(_("Choose at least one business day."))


class CenterProfileManager(models.Manager):
    def get_cached(self):
        """The profile, from the cache when possible.

        An empty database yields an unsaved profile with the defaults, so the
        site renders before any data is loaded. Saving or deleting the
        profile clears the cached copy (see ``content.signals``).
        """
        profile = cache.get(CENTER_CACHE_KEY)
        if profile is None:
            profile = self.order_by("pk").first() or self.model()
            # Worked out once per copy cached, not on every page that reads it.
            profile._stored_state = profile.stored_state()
            cache.set(CENTER_CACHE_KEY, profile, timeout=None)
        return profile


class CenterProfile(models.Model):
    """Who runs this site. One row, edited in the admin; read on every page."""

    name = models.CharField(_("name"), max_length=120, default="Our treatment center")
    main_phone = USPhoneField(
        _("main phone"),
        blank=True,
        help_text=_("Shown in the header of every page as a click-to-call link."),
    )
    admissions_phone = USPhoneField(
        _("admissions phone"),
        blank=True,
        help_text=_("Leave empty if admissions answer on the main phone."),
    )
    admissions_hours = models.CharField(
        _("admissions hours"),
        max_length=60,
        blank=True,
        default="24 hours, every day",
        help_text=_(
            "When the admissions phone is answered, in a few words. Shown next to "
            'the admissions number, for example "Admissions, 24 hours, every day".'
        ),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    locality = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    hours = models.TextField(
        _("hours"),
        blank=True,
        help_text=_(
            "When the main (office) phone is answered: one line per day or range of "
            'days. Shown next to the main number, labelled "Office".'
        ),
    )
    accreditation = models.TextField(
        _("accreditation"),
        blank=True,
        help_text=_("Licences and accreditations, one per line."),
    )
    privacy_practices_url = models.URLField(
        _("notice of privacy practices URL"),
        blank=True,
        help_text=_("The HIPAA notice of privacy practices; our privacy page links to it."),
    )
    callback_promise_minutes = models.PositiveIntegerField(
        _("call-back promise, in minutes"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text=_(
            "How soon admissions call back a new request. The site tells visitors this "
            "promise, and the admissions console marks a request late once it has passed."
        ),
    )
    callback_business_hours_only = models.BooleanField(
        _("count business hours only"),
        default=True,
        help_text=_(
            "On: the promise runs only during the business hours below (a request sent on "
            "Saturday is due on Monday). Off: it runs around the clock."
        ),
    )
    business_days = models.CharField(
        _("business days"),
        max_length=7,
        default="12345",
        validators=[validate_weekdays],
        help_text=_("The days the call-back promise runs on, when it counts business hours."),
    )
    business_opens = models.TimeField(_("business hours start"), default=time(9))
    business_closes = models.TimeField(_("business hours end"), default=time(17))
    is_demo = models.BooleanField(
        _("showing demo content"),
        default=True,
        help_text=_(
            "While on, every page says that its content is sample content not "
            "reviewed by this center's clinicians. Turn off only when they have."
        ),
    )

    objects = CenterProfileManager()
    # Who changed which value, when: the phone numbers decide who gets the calls.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("center profile")
        verbose_name_plural = _("center profile")

    def __str__(self):
        return self.name

    def stored_state(self):
        """Every stored value, as one string: equal strings, equal profiles."""
        return repr(tuple(getattr(self, f.attname) for f in self._meta.concrete_fields))

    def clean(self):
        super().clean()
        if (
            self.business_opens is not None
            and self.business_closes is not None
            and self.business_closes <= self.business_opens
        ):
            raise ValidationError(
                {
                    "business_closes": _(
                        "Business hours must end after they start, on the same day."
                    )
                }
            )

    def callback_promise(self):
        """The call-back promise, as numbers the admissions console can count with."""
        return CallbackPromise(
            minutes=self.callback_promise_minutes,
            business_hours_only=self.callback_business_hours_only,
            opens=self.business_opens,
            closes=self.business_closes,
            days=tuple(sorted({int(d) for d in self.business_days})),
        )

    @property
    def callback_time(self):
        """Completes "We will call you back …", made from the promise's numbers."""
        return self.callback_promise().text

    @property
    def main_phone_display(self):
        return format_us_phone(self.main_phone)

    @property
    def admissions_phone_number(self):
        """The number to call for admissions: its own line, or the main one."""
        return self.admissions_phone or self.main_phone

    @property
    def admissions_phone_display(self):
        return format_us_phone(self.admissions_phone_number)

    @property
    def has_admissions_line(self):
        """Whether admissions have a number of their own (else they answer the office's)."""
        return bool(self.admissions_phone)

    @property
    def has_office_line(self):
        """Whether the main number is shown as the office line, apart from admissions."""
        return bool(self.main_phone) and self.main_phone != self.admissions_phone

    @property
    def first_line(self):
        """The line to call first: "admissions", else "office", else "" (no phone)."""
        if self.has_admissions_line:
            return "admissions"
        return "office" if self.main_phone else ""

    @property
    def hours_lines(self):
        return [line.strip() for line in self.hours.splitlines() if line.strip()]

    @property
    def office_hours(self):
        """The office line's hours on one line, to show next to its number."""
        return "; ".join(self.hours_lines)

    @property
    def accreditation_lines(self):
        return [line for line in self.accreditation.splitlines() if line.strip()]


class SitePage(models.Model):
    """A page of plain text that staff edit: privacy, accessibility, terms."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        TERMS = "terms", _("Terms of use")
        EDITORIAL = "editorial-policy", _("Editorial policy")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(
        _("meta description"),
        max_length=160,
        help_text=_("One sentence for search results, at most 160 characters."),
    )
    body = models.TextField(
        _("body"), help_text=_("Markdown: ## for headings, - for lists. HTML is shown as text.")
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["kind"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(self.kind)


class Topic(models.Model):
    """A way into the articles: heroin addiction, withdrawal, detox..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(
        _("short description"), max_length=200, help_text=_("One sentence, shown on topic lists.")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first.")
    )
    is_clinical = models.BooleanField(
        _("clinical topic"),
        default=True,
        help_text=_(
            "Articles on a clinical topic need a “When to get help now” box; the content "
            "checks say so when one is missing. Untick for topics such as paying for care "
            "or the words we use."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic_detail", args=[self.slug])


class Person(models.Model):
    """An author or a medical reviewer, with a public profile page."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        REVIEWER = "reviewer", _("Medical reviewer")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    credentials = models.CharField(
        _("credentials"), max_length=60, blank=True, help_text=_("For example MD, DO, NP, LCSW.")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    specialty = models.CharField(_("specialty"), max_length=120, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it. Required with a photo."),
    )
    licence_type = models.CharField(
        _("licence type"),
        max_length=60,
        blank=True,
        help_text=_("Reviewers: e.g. Physician (MD)."),
    )
    licence_state = models.CharField(_("licence state"), max_length=2, blank=True)
    licence_expires = models.DateField(_("licence expires"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text=_("A reviewer approves articles while signed in with this account."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.slug])

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": _("Describe the photo for screen readers.")})
        if self.role == self.Role.REVIEWER and not (
            self.licence_type and self.licence_state and self.licence_expires
        ):
            raise ValidationError(
                _("A medical reviewer needs a licence type, state and expiry date.")
            )

    def licence_is_current(self, on=None):
        on = on or timezone.localdate()
        return bool(self.licence_expires) and self.licence_expires >= on


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles a visitor may see: approved, published, and not scheduled for later."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, live_version__publish_at__lte=now)

    def review_overdue(self, today=None):
        """Published (or scheduled) articles whose approved version is past its review date."""
        today = today or timezone.localdate()
        return self.filter(
            status=Article.Status.PUBLISHED, live_version__next_review_due__lt=today
        )

    def review_due_within(self, days, today=None):
        """Not yet overdue, but due in the next ``days`` days."""
        today = today or timezone.localdate()
        return self.filter(
            status=Article.Status.PUBLISHED,
            live_version__next_review_due__gte=today,
            live_version__next_review_due__lte=today + timedelta(days=days),
        )

    def awaiting_review(self):
        return self.filter(review_status=Article.ReviewStatus.IN_REVIEW)


def add_months(day, months):
    """``day`` moved on by whole months, kept within the target month's length."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


class Article(models.Model):
    """An article's working copy, which editors change freely.

    Visitors never read this row's text. A medical reviewer's approval
    freezes the working copy into an immutable ``ArticleVersion``, and the
    article's ``live_version`` points at it; every public page reads that
    version only. Edits after approval wait, as a pending change, until a
    reviewer approves them (see ``content.services``).

    ``status`` says whether the approved version is public; ``review_status``
    where the working copy stands against it. Both, and ``live_version``,
    change only through ``content.services``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class ReviewStatus(models.TextChoices):
        APPROVED = "approved", _("No pending changes")
        EDITING = "editing", _("Changes saved, not yet sent for review")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=150,
        unique=True,
        help_text=_(
            "The article's web address. A change takes effect at the next approval; "
            "the old address then redirects to the new one."
        ),
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="articles")
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two plain sentences, shown under the title."),
    )
    key_points = models.TextField(
        _("key points"),
        blank=True,
        help_text=_(
            "Three to five short points, one per line, shown in a “Key points” box above "
            "the text. Plain text: no Markdown."
        ),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Start sections with ## (and ### below them); they make the table of "
            "contents. Refer to a citation by its number: [^1]."
        ),
    )
    when_to_get_help = models.TextField(
        _("when to get help now"),
        blank=True,
        help_text=_("Markdown. Shown in a highlighted box, for example signs of an overdose."),
    )
    # Rendered on save, for the staff preview; approval renders its own copy.
    body_html = models.TextField(editable=False, default="")
    help_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    author = models.ForeignKey(
        Person, verbose_name=_("author"), on_delete=models.PROTECT, related_name="articles_written"
    )
    reviewer = models.ForeignKey(
        Person,
        verbose_name=_("proposed medical reviewer"),
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        limit_choices_to={"role": Person.Role.REVIEWER},
        help_text=_(
            "Who should review the next version. The reviewer who approves it becomes "
            "the reviewer readers see."
        ),
    )
    status = models.CharField(
        _("publication"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    review_status = models.CharField(
        _("review"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.EDITING,
    )
    live_version = models.OneToOneField(
        "ArticleVersion",
        verbose_name=_("approved version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="live_for",
    )
    publish_at = models.DateTimeField(
        _("proposed publication time"),
        null=True,
        blank=True,
        help_text=_(
            "Empty means at approval. A future time asks for the approved article to appear "
            "on its own at that time; it takes effect only when a reviewer approves it."
        ),
    )
    change_note = models.TextField(
        _("proposed note: what changed"),
        blank=True,
        help_text=_(
            "A suggestion for the reviewer, who confirms or rewrites it when approving. "
            "Readers see the approved note under the review date."
        ),
    )
    meta_description = models.CharField(
        _("meta description"),
        max_length=160,
        blank=True,
        help_text=_("For search results; the summary is used when empty. At most 160 characters."),
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        symmetrical=False,
        blank=True,
        related_name="related_from",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["body_html", "help_html", "toc"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("approve_article", _("Can approve and publish articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Saved the way the admin's form would save them (which strips), so
        # that text saved in code and text saved from the form compare equal.
        for field in (
            "title", "summary", "key_points", "body", "when_to_get_help", "meta_description"
        ):  # fmt: skip
            value = getattr(self, field) or ""
            setattr(self, field, value.replace("\r\n", "\n").strip())
        self.body_html, self.toc = render_article_body(self.body)
        self.help_html = render_markdown(self.when_to_get_help)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "body_html",
                "help_html",
                "toc",
                "updated_at",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The public address: the approved version's, which may differ from the working slug."""
        slug = self.live_version.slug if self.live_version_id else self.slug
        return reverse("article_detail", args=[slug])

    def is_published(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.live_version_id is not None
            and self.live_version.publish_at <= now
        )

    def is_scheduled(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.live_version_id is not None
            and self.live_version.publish_at > now
        )

    @property
    def has_pending_changes(self):
        return self.review_status != self.ReviewStatus.APPROVED

    def state_label(self, now=None):
        """Where the article stands, in the words staff use: "Scheduled for …", "In review"."""
        if self.status == self.Status.ARCHIVED:
            return _("Archived")
        if self.status == self.Status.PUBLISHED and self.live_version_id:
            if self.is_scheduled(now):
                when = date_format(
                    timezone.localtime(self.live_version.publish_at), "DATETIME_FORMAT"
                )
                base = _("Scheduled for %(when)s") % {"when": when}
            else:
                base = _("Published")
            pending = {
                self.ReviewStatus.EDITING: _("with changes waiting for review"),
                self.ReviewStatus.IN_REVIEW: _("with changes in review"),
                self.ReviewStatus.CHANGES_REQUESTED: _("with changes requested by the reviewer"),
            }.get(self.review_status)
            return f"{base}, {pending}" if pending else base
        labels = {
            self.ReviewStatus.IN_REVIEW: _("In review"),
            self.ReviewStatus.CHANGES_REQUESTED: _("Changes requested"),
        }
        if self.review_status in labels:
            return labels[self.review_status]
        return _("Unpublished") if self.live_version_id else _("Draft")

    def reviewable_content(self):
        """What a reviewer approves, as plain data: the text, the author and the citations.

        Its hash binds an approval to exactly this content (see
        ``content_hash``); an edit made after the reviewer opened the
        changes changes the hash, and the approval is refused.
        """
        citations = self.citations.order_by("order", "pk")
        return _reviewable(self, [citation.snapshot() for citation in citations])


# The text fields a reviewer approves, kept word for word in each version.
REVIEWED_TEXT_FIELDS = (
    "title", "slug", "summary", "meta_description", "key_points", "body", "when_to_get_help",
)  # fmt: skip
# Reviewed fields added after versions were first approved. Left out of the
# content while empty, so that an article approved before the field existed
# keeps the fingerprint its reviewer approved (an unchanged save stays
# unchanged); once filled in, they are part of what the reviewer approves.
ADDED_LATER_TEXT_FIELDS = ("key_points",)


def _reviewable(obj, citations):
    content = {
        **{field: getattr(obj, field) for field in REVIEWED_TEXT_FIELDS},
        "author": obj.author_id,
        "citations": citations,
    }
    for field in ADDED_LATER_TEXT_FIELDS:
        if not content[field]:
            del content[field]
    return content


# Bullets an editor may type out of habit; the box draws its own.
_BULLET = re.compile(r"^(?:[-*+\u2022\u2013]|\d{1,2}[.)])\s+")


def split_key_points(text):
    """The key points in ``text``, one per non-empty line, without typed bullets."""
    points = []
    for line in (text or "").splitlines():
        point = _BULLET.sub("", line.strip()).strip()
        if point:
            points.append(point)
    return points


def content_hash(content):
    """A fingerprint of ``reviewable_content()``: equal only for identical content."""
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CitationSnapshot:
    """A citation as it was approved, read from the version's JSON."""

    order: int
    authors: str
    title: str
    publisher: str
    year: int | None
    url: str
    doi: str
    pmid: str
    last_checked: date | None

    @classmethod
    def from_json(cls, data):
        checked = data.get("last_checked")
        return cls(**{**data, "last_checked": date.fromisoformat(checked) if checked else None})


# What a list of articles never shows: loading it for every row would be waste.
LISTING_DEFERRED_FIELDS = (
    "key_points", "body", "body_html", "when_to_get_help", "help_html", "toc", "citations",
    "advice_overridden",
)  # fmt: skip


class ArticleVersionQuerySet(models.QuerySet):
    def live(self, now=None):
        """The versions visitors read: each published article's approved version, once due."""
        now = now or timezone.now()
        return self.filter(live_for__status=Article.Status.PUBLISHED, publish_at__lte=now)

    def for_listing(self):
        return self.defer(*LISTING_DEFERRED_FIELDS)


class ArticleVersion(models.Model):
    """One approved version of an article: exactly what its reviewer saw and approved.

    Written once, by ``content.services``, and never changed: the text, its
    rendered HTML, the citations and the byline as they were at approval.
    Every public page, the feed, the sitemap, search and the JSON-LD read
    these rows. Together they are the article's public review history.
    """

    class Kind(models.TextChoices):
        REVIEW = "review", _("Medical review")
        CORRECTION = "correction", _("Correction, no clinical change")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150)
    summary = models.TextField(_("summary"))
    meta_description = models.CharField(_("meta description"), max_length=160, blank=True)
    key_points = models.TextField(_("key points"), blank=True)
    body = models.TextField(_("body"))
    when_to_get_help = models.TextField(_("when to get help now"), blank=True)
    body_html = models.TextField()
    help_html = models.TextField(blank=True)
    toc = models.JSONField(default=list)
    citations = models.JSONField(_("citations"), default=list)
    author = models.ForeignKey(
        Person, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        Person,
        verbose_name=_("medical reviewer"),
        on_delete=models.PROTECT,
        related_name="versions_reviewed",
    )
    byline = models.JSONField(
        _("byline"), default=dict, help_text=_("Names and credentials as shown at approval.")
    )
    change_note = models.TextField(_("what changed"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))
    publish_at = models.DateTimeField(_("public from"), db_index=True)
    first_published_at = models.DateTimeField(_("first published"))
    last_reviewed = models.DateField(_("last reviewed"))
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"))
    next_review_due = models.DateField(_("next review due"), db_index=True)
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    advice_overridden = models.JSONField(
        _("advice approved anyway"),
        default=list,
        blank=True,
        help_text=_("Content advice the reviewer saw and approved the article despite."),
    )

    objects = ArticleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("approved version")
        verbose_name_plural = _("approved versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="version_number_unique")
        ]
        indexes = [models.Index(fields=["slug"], name="version_slug")]

    def __str__(self):
        return _("%(title)s, version %(number)d") % {"title": self.title, "number": self.number}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("An approved version never changes; approve a new one instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.slug])

    def delete(self, *args, **kwargs):
        raise ValueError("An approved version is part of the review record and is kept.")

    def reviewable_content(self):
        """The approved content, in the shape of ``Article.reviewable_content()``."""
        return _reviewable(self, self.citations)

    def is_review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.next_review_due < today

    @property
    def description(self):
        return self.meta_description or self.summary

    @property
    def key_point_list(self):
        return split_key_points(self.key_points)

    @property
    def citation_list(self):
        return [CitationSnapshot.from_json(data) for data in self.citations]

    @property
    def author_name(self):
        return _person_label(self.byline.get("author", {}))

    @property
    def reviewer_name(self):
        return _person_label(self.byline.get("reviewer", {}))

    @property
    def reviewer_plain_name(self):
        return self.byline.get("reviewer", {}).get("name", "")

    @property
    def reviewer_specialty(self):
        return self.byline.get("reviewer", {}).get("specialty", "")

    @property
    def is_correction(self):
        return self.kind == self.Kind.CORRECTION

    @property
    def published_date(self):
        return timezone.localdate(self.first_published_at)

    @property
    def modified_date(self):
        """When this version's text went public: "updated" on the page, JSON-LD and sitemap."""
        return timezone.localdate(self.publish_at)

    @property
    def shows_separate_update_date(self):
        return self.modified_date not in (self.published_date, self.last_reviewed)


def _person_label(data):
    name, credentials = data.get("name", ""), data.get("credentials", "")
    return f"{name}, {credentials}" if credentials else name


def byline_entry(person):
    """The parts of a person's profile a version keeps, as they are now."""
    return {
        "name": person.name,
        "credentials": person.credentials,
        "job_title": person.job_title,
        "specialty": person.specialty,
    }


class Citation(models.Model):
    """A source an article rests on, numbered in the order given."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    authors = models.CharField(_("authors or organisation"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500)
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    pmid = models.CharField(_("PMID"), max_length=20, blank=True)
    last_checked = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_(
            "When someone last opened the source and confirmed it. Leave empty until "
            "someone has: readers are told it has not been checked yet."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "order", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["article", "order"], name="citation_number_unique")
        ]

    def __str__(self):
        return f"[{self.order}] {self.title}"

    def is_stale(self, today=None):
        """Checked, but more than a year ago. Never checked is shown as such, not as stale."""
        if self.last_checked is None:
            return False
        today = today or timezone.localdate()
        return self.last_checked < today - timedelta(days=365)

    def snapshot(self):
        """This citation as plain data, the form in which a version keeps it."""
        return {
            "order": self.order,
            "authors": self.authors,
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "url": self.url,
            "doi": self.doi,
            "pmid": self.pmid,
            "last_checked": self.last_checked.isoformat() if self.last_checked else None,
        }


class Review(models.Model):
    """One decision of a medical reviewer on an article: the review record staff see.

    An approval (or a correction) points at the version it created; a
    request for changes carries the reviewer's comment, shown to the editor
    on the article until the article is sent for review again.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CORRECTION = "correction", _("Correction published")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.APPROVED
    )
    reviewer = models.ForeignKey(
        Person, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="article_reviews",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    version = models.OneToOneField(
        ArticleVersion,
        verbose_name=_("version approved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review",
    )
    content_hash = models.CharField(
        _("content fingerprint reviewed"), max_length=64, blank=True, default=""
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.article} — {self.get_decision_display()} — {self.created_at:%Y-%m-%d}"


def _normalize_search_text(value):
    """Lower case, single spaces, no spaces at either end."""
    return " ".join((value or "").lower().split())


class SearchSynonym(models.Model):
    """A word or phrase visitors type, and the words the articles use for it.

    Search adds ``meaning`` to any query holding ``term`` ("narcan" also
    searches for "naloxone"). It changes how articles are found, never what
    they say, so editors change these directly, without review.
    """

    term = models.CharField(
        _("what people type"),
        max_length=60,
        unique=True,
        help_text=_(
            "A brand name, slang word, abbreviation or short phrase, for example "
            "“narcan” or “cold turkey”. Stored in lower case. Other endings of its "
            "words count too: “rehab” also stands for “rehabs”."
        ),
    )
    meaning = models.CharField(
        _("words our articles use"),
        max_length=120,
        help_text=_(
            "Searched for as well, for example “naloxone”. Several terms may share one meaning."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["meaning", "term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return f"{self.term} → {self.meaning}"

    def save(self, *args, **kwargs):
        self.term = _normalize_search_text(self.term)
        self.meaning = _normalize_search_text(self.meaning)
        super().save(*args, **kwargs)

    def clean(self):
        self.term = _normalize_search_text(self.term)
        self.meaning = _normalize_search_text(self.meaning)
        errors = {}
        if not re.search(r"[a-z0-9]", self.term):
            errors["term"] = _("Type a word or a short phrase.")
        elif len(self.term.split()) > 4:
            errors["term"] = _("Keep it to four words or fewer.")
        if len(re.findall(r"[a-z0-9]", self.meaning)) < 2:
            errors["meaning"] = _("Type the word or words our articles use.")
        elif self.meaning == self.term:
            errors["meaning"] = _("The meaning must differ from the term.")
        if errors:
            raise ValidationError(errors)


class SearchWord(models.Model):
    """One word of one approved version: the lexicon spelling help draws on.

    Versions never change, so their words never go stale; search reads only
    the words of live versions, so the lexicon always matches what visitors
    can read (never a draft's words, nor a retired version's). Written when
    a version is created (``index_version_words`` below) and removed when a
    newer version replaces it (``forget_superseded_search_rows``).
    """

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "word"], name="search_word_unique")
        ]

    def __str__(self):
        return self.word


class SearchDocument(models.Model):
    """An approved version's full-text vector, computed once (PostgreSQL only).

    Ranking needs the vector itself, which an index cannot hand back; as a
    version never changes, neither does its vector. Written with the
    version's words (``index_version_words``); the GIN index on it is made
    by migration 0013 on PostgreSQL. Only live versions keep theirs, so a
    search matches and ranks one document per article, however many
    versions the article has had.
    """

    version = models.OneToOneField(
        ArticleVersion, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    vector = SearchVectorField(null=True)

    def __str__(self):
        return str(self.version_id)


@receiver(post_save, sender=ArticleVersion)
def index_version_words(sender, instance, created, **kwargs):
    if created:
        from content.search_words import store_search_vector, version_words

        SearchWord.objects.bulk_create(
            [SearchWord(version=instance, word=word) for word in version_words(instance)],
            ignore_conflicts=True,
        )
        store_search_vector(instance.pk)


def forget_superseded_search_rows(version):
    """Drop the search words and vectors of the versions ``version`` replaced.

    Called when ``version`` becomes its article's live version. Search reads
    only live versions; without this, every approval would leave one more
    vector for the full-text match to test and rank on every search. A
    version is never made live again once replaced (a new approval always
    makes a new version), so nothing here is needed again.
    """
    superseded = ArticleVersion.objects.filter(article=version.article_id).exclude(pk=version.pk)
    SearchWord.objects.filter(version__in=superseded).delete()
    SearchDocument.objects.filter(version__in=superseded).delete()
