"""The center itself: its programs, team, licences, accepted insurance and practical pages.

Everything here is edited in the admin by the center administrators and
read by the public pages in ``center.views``. Text fields marked Markdown
are rendered with ``content.markdown.render_markdown`` (raw HTML escaped,
the result sanitised), like the site's other staff-written pages.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MARKDOWN_HELP = _("Markdown: ### for headings, - for lists. HTML is shown as text.")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """Rows visitors may see."""
        return self.filter(published=True)


class Program(models.Model):
    """One of the center's own services: residential care, the family program..."""

    class Level(models.TextChoices):
        # Plain words for the ASAM Criteria (4th edition) levels, most intensive
        # first; withdrawal management is offered at several of them.
        INPATIENT = "inpatient", _("Medically managed inpatient")
        RESIDENTIAL = "residential", _("Residential")
        HIGH_INTENSITY_OUTPATIENT = (
            "high_intensity_outpatient",
            _("High-intensity outpatient (partial hospitalization)"),
        )
        INTENSIVE_OUTPATIENT = "intensive_outpatient", _("Intensive outpatient")
        OUTPATIENT = "outpatient", _("Outpatient")
        WITHDRAWAL_MANAGEMENT = "withdrawal_management", _("Withdrawal management")
        NONE = "none", _("Not a level of care (a support program)")

    class Moud(models.TextChoices):
        CONTINUED = "continued", _("Yes: people already taking MOUD keep taking it")
        STARTS_HERE = "starts_here", _("Yes, and MOUD can be started here")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("The page's web address.")
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One plain sentence, shown in lists and search results."),
    )
    who_for = models.TextField(_("who it is for"), help_text=MARKDOWN_HELP)
    what_to_expect = models.TextField(_("what a day or week looks like"), help_text=MARKDOWN_HELP)
    typical_length = models.CharField(
        _("typical length"),
        max_length=200,
        help_text=_(
            "In words, for example “Usually 5 to 7 days; it depends on how you are doing”. "
            "Stays depend on progress, not on a fixed number of days."
        ),
    )
    level = models.CharField(
        _("level of care"),
        max_length=30,
        choices=Level.choices,
        help_text=_("The ASAM level of care it corresponds to, in plain words."),
    )
    moud = models.CharField(
        _("medications for opioid use disorder (MOUD)"),
        max_length=20,
        choices=Moud.choices,
        default=Moud.CONTINUED,
        help_text=_("Whether people keep taking (or can start) their medicine during it."),
    )
    articles = models.ManyToManyField(
        "content.Article",
        verbose_name=_("articles that explain it"),
        related_name="programs",
        blank=True,
        help_text=_("Shown on the program's page once published, and the articles link back."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first.")
    )
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program_detail", args=[self.slug])

    @property
    def is_level_of_care(self):
        return self.level != self.Level.NONE


class StaffMember(models.Model):
    """A person on the center's team, listed in the staff directory."""

    class Role(models.TextChoices):
        # In the order the directory shows them.
        LEADERSHIP = "leadership", _("Leadership")
        MEDICAL = "medical", _("Medical and nursing")
        CLINICAL = "clinical", _("Counselling and therapy")
        ADMISSIONS = "admissions", _("Admissions")
        SUPPORT = "support", _("Support staff")

    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("team"), max_length=20, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=120)
    credentials = models.CharField(
        _("credentials"),
        max_length=60,
        blank=True,
        help_text=_("For example MD, RN, LICDC, LPCC."),
    )
    photo = models.ImageField(_("photo"), upload_to="center/staff/", blank=True)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it. Required with a photo."),
    )
    bio = models.TextField(_("short biography"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first within a team.")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = PublishedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def clean(self):
        super().clean()
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": _("Describe the photo for screen readers.")})


class CredentialQuerySet(models.QuerySet):
    def current(self, today=None):
        """Credentials not past their end date (or without one): the ones visitors see."""
        today = today or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))

    def expired(self, today=None):
        today = today or timezone.localdate()
        return self.filter(valid_until__lt=today)


class Credential(models.Model):
    """A licence, accreditation or certification the center holds."""

    class Kind(models.TextChoices):
        STATE_LICENCE = "state_licence", _("State licence")
        JOINT_COMMISSION = "joint_commission", _("Joint Commission accreditation")
        CARF = "carf", _("CARF accreditation")
        LEGITSCRIPT = "legitscript", _("LegitScript certification")
        SAMHSA_OTP = "samhsa_otp", _("SAMHSA-certified opioid treatment program")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    issuer = models.CharField(
        _("issued by"), max_length=200, help_text=_("The body that grants it, in full.")
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("What it is called, as the issuer names it.")
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "After this date it is hidden from visitors and flagged here until renewed. "
            "Leave empty if it does not expire."
        ),
    )
    verification_url = models.URLField(
        _("verification link"),
        blank=True,
        help_text=_("Where anyone can check it with the issuer."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first.")
    )

    objects = CredentialQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("licence or accreditation")
        verbose_name_plural = _("licences and accreditations")

    def __str__(self):
        return f"{self.name} ({self.issuer})"

    def is_expired(self, today=None):
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today

    @property
    def verb(self):
        return credential_verb(self.kind)


def credential_verb(kind):
    """How the footer groups a credential: "licensed", "accredited" or "certified"."""
    if kind == Credential.Kind.STATE_LICENCE:
        return "licensed"
    if kind in (Credential.Kind.JOINT_COMMISSION, Credential.Kind.CARF):
        return "accredited"
    return "certified"


class InsurancePlan(models.Model):
    """An insurer or plan the center accepts."""

    name = models.CharField(_("name"), max_length=120)
    notes = models.CharField(
        _("notes"),
        max_length=300,
        blank=True,
        help_text=_("Anything a family should know, for example which plans or programs."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first.")
    )
    published = models.BooleanField(_("published"), default=True)

    objects = PublishedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("insurance plan accepted")
        verbose_name_plural = _("insurance plans accepted")

    def __str__(self):
        return self.name


class CenterPage(models.Model):
    """Practical text staff edit: an admissions page, or a part of another center page.

    Admissions pages have their own address (/admissions/<slug>/). The other
    sections are parts, in order, of one page each: About, Paying for
    treatment, Location.
    """

    class Section(models.TextChoices):
        ADMISSIONS = "admissions", _("Admissions (a page of its own)")
        ABOUT = "about", _("About us (a part of the page)")
        PAYING = "paying", _("Paying for treatment (a part of the page)")
        LOCATION = "location", _("Location (a part of the page)")

    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_("The address of an admissions page, or the anchor of a part of a page."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=160,
        blank=True,
        help_text=_(
            "One sentence, at most 160 characters: shown in lists and search results. "
            "Required for admissions pages."
        ),
    )
    body = models.TextField(_("body"), help_text=MARKDOWN_HELP)
    articles = models.ManyToManyField(
        "content.Article",
        verbose_name=_("articles that explain it"),
        related_name="center_pages",
        blank=True,
        help_text=_("Linked from the page once published."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first.")
    )
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order", "title"]
        verbose_name = _("center page")
        verbose_name_plural = _("center pages")
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="center_page_slug_unique")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.section == self.Section.ADMISSIONS:
            return reverse("admissions_page", args=[self.slug])
        page = {
            self.Section.ABOUT: "about",
            self.Section.PAYING: "paying_for_treatment",
            self.Section.LOCATION: "location",
        }[self.section]
        return f"{reverse(page)}#{self.anchor}"

    def clean(self):
        super().clean()
        if self.section == self.Section.ADMISSIONS and not self.summary.strip():
            raise ValidationError({"summary": _("An admissions page needs a summary.")})

    @property
    def anchor(self):
        """The id of a part of a page: prefixed, so it never takes one the layout uses."""
        return f"{self.section}-{self.slug}"
