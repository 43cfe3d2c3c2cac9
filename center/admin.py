"""The center's programs, team, licences, insurance and pages, edited by center administrators.

Content editors may look (see ``content.roles``); only the "Center
administrators" group may change anything. Every change is kept in the
history (django-simple-history), and a save shows on the public pages at
once (``center.signals``).
"""

from django.contrib import admin, messages
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember

# Forms would otherwise guess "http://" for an address typed without a scheme.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "moud", "order", "published"]
    list_filter = ["published", "level"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["articles"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "published", "order"]}),
        (
            gettext_lazy("What it is"),
            {"fields": ["level", "who_for", "what_to_expect", "typical_length", "moud"]},
        ),
        (
            gettext_lazy("Articles that explain it"),
            {
                "fields": ["articles"],
                "description": gettext_lazy(
                    "Only published articles are linked on the program's page; each of them "
                    "lists this program in turn."
                ),
            },
        ),
    ]


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credentials", "role", "job_title", "order", "published"]
    list_filter = ["published", "role"]
    search_fields = ["name", "job_title"]
    fields = [
        "name",
        "credentials",
        "role",
        "job_title",
        "bio",
        "photo",
        "photo_alt",
        "order",
        "published",
    ]


class ValidityFilter(admin.SimpleListFilter):
    title = gettext_lazy("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "expired":
            return queryset.expired()
        return queryset


@admin.register(Credential)
class CredentialAdmin(SimpleHistoryAdmin):
    """Licences and accreditations; an expired one is flagged until renewed or removed."""

    list_display = ["name", "kind", "issuer", "number", "valid_until", "status"]
    list_filter = [ValidityFilter, "kind"]
    search_fields = ["name", "issuer", "number"]
    formfield_overrides = HTTPS_URL_FIELDS
    fields = ["kind", "name", "issuer", "number", "valid_until", "verification_url", "order"]

    @admin.display(description=gettext_lazy("status"))
    def status(self, credential):
        # Words, not a tick: a green tick would read as "fine".
        return _("Expired") if credential.is_expired() else _("Current")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            count = Credential.objects.expired().count()
            if count:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d licence or accreditation has expired. Visitors no longer "
                        "see it: renew it and enter the new date, or delete it.",
                        "%(count)d licences or accreditations have expired. Visitors no "
                        "longer see them: renew each and enter the new date, or delete it.",
                        count,
                    )
                    % {"count": count},
                )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            credential = self.get_object(request, object_id)
            if credential is not None and credential.is_expired():
                messages.warning(
                    request,
                    _(
                        "This expired on %(date)s, so visitors no longer see it. Enter the "
                        "new date once it is renewed."
                    )
                    % {"date": date_format(credential.valid_until, "DATE_FORMAT")},
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(InsurancePlan)
class InsurancePlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "notes", "order", "published"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["name"]
    fields = ["name", "notes", "order", "published"]


@admin.register(CenterPage)
class CenterPageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "section", "slug", "order", "published", "updated_at"]
    list_filter = ["section", "published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["articles"]
    readonly_fields = ["updated_at"]
    fields = [
        "section",
        "title",
        "slug",
        "summary",
        "body",
        "articles",
        "order",
        "published",
        "updated_at",
    ]
