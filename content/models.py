"""The center's identity, the site's fixed pages, and medically reviewed articles."""

from calendar import monthrange
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from content.markdown import render_article_body, render_markdown
from wellness_site.phones import USPhoneField, format_us_phone

CENTER_CACHE_KEY = "content:center-profile:v1"


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
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    locality = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    hours = models.TextField(
        _("hours"), blank=True, help_text=_("One line per day or range of days.")
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
    callback_time = models.CharField(
        _("expected call-back time"),
        max_length=100,
        default="within one business hour",
        help_text=_('Completes the sentence "We will call you back …".'),
    )
    is_demo = models.BooleanField(
        _("showing demo content"),
        default=True,
        help_text=_(
            "While on, every page says that its content is sample content not "
            "reviewed by this center's clinicians. Turn off only when they have."
        ),
    )

    objects = CenterProfileManager()

    class Meta:
        verbose_name = _("center profile")
        verbose_name_plural = _("center profile")

    def __str__(self):
        return self.name

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
    def hours_lines(self):
        return [line for line in self.hours.splitlines() if line.strip()]

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
        """Articles a visitor may see: published, and not scheduled for later."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now)

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(next_review_due__lt=today).exclude(status=Article.Status.ARCHIVED)

    def review_due_within(self, days, today=None):
        """Not yet overdue, but due in the next ``days`` days."""
        today = today or timezone.localdate()
        return self.filter(
            next_review_due__gte=today, next_review_due__lte=today + timedelta(days=days)
        ).exclude(status=Article.Status.ARCHIVED)

    def for_listing(self):
        return self.select_related("author", "reviewer").only(
            "title", "slug", "summary", "publish_at", "last_reviewed", "next_review_due",
            "updated_at", "status", "author__name", "author__slug", "author__credentials",
            "reviewer__name", "reviewer__slug", "reviewer__credentials",
        )  # fmt: skip


def add_months(day, months):
    """``day`` moved on by whole months, kept within the target month's length."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


class Article(models.Model):
    """A medically reviewed article.

    Workflow: an editor writes a draft and submits it for review; a medical
    reviewer with a current licence approves it, which alone publishes it and
    sets "last reviewed" (see ``content.services.article_approve``). A future
    publish time schedules it: it appears by itself when the time comes.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(
        _("slug"), max_length=150, unique=True, help_text=_("The article's web address.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="articles")
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two plain sentences, shown under the title."),
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
    body_html = models.TextField(editable=False, default="")
    help_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    author = models.ForeignKey(
        Person, verbose_name=_("author"), on_delete=models.PROTECT, related_name="articles_written"
    )
    reviewer = models.ForeignKey(
        Person,
        verbose_name=_("medical reviewer"),
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        limit_choices_to={"role": Person.Role.REVIEWER},
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty means at approval. A future time schedules an approved article: it "
            "appears on its own at that time."
        ),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True, editable=False)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"), default=12
    )
    next_review_due = models.DateField(
        _("next review due"), null=True, blank=True, editable=False, db_index=True
    )
    change_note = models.TextField(
        _("what changed at this review"),
        blank=True,
        help_text=_("Shown to readers under the review date, e.g. 'Updated withdrawal timeline.'"),
    )
    meta_description = models.CharField(
        _("meta description"),
        max_length=160,
        blank=True,
        help_text=_("For search results; the summary is used when empty. At most 160 characters."),
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related articles"), symmetrical=False, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["body_html", "help_html", "toc"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("approve_article", _("Can approve and publish articles"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html, self.toc = render_article_body(self.body)
        self.help_html = render_markdown(self.when_to_get_help)
        self.next_review_due = (
            add_months(self.last_reviewed, self.review_interval_months)
            if self.last_reviewed
            else None
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "body_html", "help_html", "toc", "next_review_due", "updated_at"
            }  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.slug])

    def is_published(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    def is_review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.next_review_due is not None and self.next_review_due < today

    @property
    def description(self):
        return self.meta_description or self.summary

    @property
    def published_date(self):
        return timezone.localdate(self.publish_at) if self.publish_at else None

    @property
    def modified_date(self):
        """The date shown as "updated", in the JSON-LD and in the sitemap."""
        return timezone.localdate(self.updated_at) if self.updated_at else None


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
        _("last checked"), help_text=_("When someone last opened the source and confirmed it.")
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
        today = today or timezone.localdate()
        return self.last_checked < today - timedelta(days=365)


class Review(models.Model):
    """A record of one medical approval: who, when, what changed, which revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reviews")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="article_reviews"
    )
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    change_note = models.TextField(_("what changed"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision approved"), help_text=_("The article's history entry that was approved.")
    )

    class Meta:
        ordering = ["-approved_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.article} — {self.reviewer} — {self.approved_at:%Y-%m-%d}"
