"""The center's identity and the site's fixed pages."""

from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
