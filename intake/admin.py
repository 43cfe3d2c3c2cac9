"""The admissions console: requests, contact attempts, exports and the access log.

Only the Admissions group and superusers hold the intake permissions, so only
they get past the admin's permission checks here; everyone else gets 403.
What a person sent is read-only to everyone: requests arrive from the public
form, are worked here, and leave through the retention command.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BLANK_CHOICE_DASH, Case, F, Q, Value, When
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from intake.admin_dashboard import dashboard_figures
from intake.admin_logic import (
    CALLBACK_PROMISE,
    apply_contact_attempt,
    close_reason_error,
    format_duration,
    is_past_promise,
)
from intake.export import EXPORT_PERMISSION, export_response
from intake.models import AccessRecord, ContactAttempt, IntakeRequest
from intake.roles import ADMISSIONS
from wellness_site.phones import ascii_digits, phone_digits

Status = IntakeRequest.Status

# What the person sent, and what the system stamped: never edited by staff.
SUBMITTED_FIELDS = [
    "kind",
    "first_name",
    "phone_link",
    "email",
    "who_for",
    "best_time",
    "voicemail_ok",
    "texts_ok",
    "subject",
    "message",
    "source_path",
]
RECORD_FIELDS = [
    "reference",
    "received_at",
    "time_to_send",
    "possible_duplicate",
    "notified_at",
    "first_contact_at",
]
HANDLING_FIELDS = ["status", "close_reason", "assigned_to", "notes"]


def _label(field_name):
    return capfirst(IntakeRequest._meta.get_field(field_name).verbose_name)


def _change_url(intake_request_pk):
    return reverse("admin:intake_intakerequest_change", args=[intake_request_pk])


class SentQuicklyFilter(admin.SimpleListFilter):
    """Requests sent faster than a person types: kept, but worth a second look."""

    title = gettext_lazy("sent quickly")
    parameter_name = "sent_quickly"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(seconds_to_send__lt=settings.INTAKE_MIN_FILL_SECONDS)
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to every open request: closed ones are history."""

    title = gettext_lazy("status")
    parameter_name = "status"
    OPEN = "open"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(self.OPEN, _("Open")), *Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or self.OPEN

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.open()

    def choices(self, changelist):
        # Django's own choices start with an "All" that is selected when the
        # parameter is absent; here absent means "Open".
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class AssignedFilter(admin.SimpleListFilter):
    title = gettext_lazy("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class IntakeRequestAdminForm(forms.ModelForm):
    class Meta:
        model = IntakeRequest
        fields = HANDLING_FIELDS

    def clean(self):
        cleaned_data = super().clean()
        error = close_reason_error(cleaned_data.get("status"), cleaned_data.get("close_reason"))
        if error:
            self.add_error("close_reason", error)
        return cleaned_data


class CloseForm(forms.Form):
    # Starts empty: a reason picked by default is a reason nobody chose.
    close_reason = forms.ChoiceField(
        label=gettext_lazy("Close reason"),
        choices=[*BLANK_CHOICE_DASH, *IntakeRequest.CloseReason.choices],
    )


class ContactAttemptInline(admin.TabularInline):
    """Attempts are logged, not rewritten: saved ones are read-only, new ones are added.

    Without change permission Django shows existing rows read-only and still
    offers empty rows to add; ``by`` is filled in by IntakeRequestAdmin.
    """

    model = ContactAttempt
    fields = ["at", "method", "outcome", "note", "by"]
    readonly_fields = ["by"]
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IntakeRequest)
class IntakeRequestAdmin(admin.ModelAdmin):
    form = IntakeRequestAdminForm
    list_display = [
        "reference",
        "first_name",
        "phone_link",
        "who_for",
        "best_time",
        "voicemail_ok",
        "texts_ok",
        "status",
        "assigned_to",
        "age",
        "time_to_contact",
        "source_path",
        "possible_duplicate",
    ]
    list_display_links = ["reference", "first_name"]
    list_select_related = ["assigned_to", "duplicate_of"]
    list_filter = [
        StatusFilter,
        AssignedFilter,
        "who_for",
        "kind",
        "received_at",
        SentQuicklyFilter,
    ]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["first_name", "reference"]
    search_help_text = gettext_lazy("A name, a phone number in any format, or a reference.")
    # New requests first (nobody has tried to call them), oldest first.
    ordering = [Case(When(status=Status.NEW, then=Value(0)), default=Value(1)), "received_at"]
    readonly_fields = [*SUBMITTED_FIELDS, *RECORD_FIELDS]
    fieldsets = [
        (None, {"fields": RECORD_FIELDS[:3]}),
        (gettext_lazy("What they sent"), {"fields": SUBMITTED_FIELDS}),
        (gettext_lazy("Handling"), {"fields": HANDLING_FIELDS}),
        (gettext_lazy("Notification and contact"), {"fields": RECORD_FIELDS[3:]}),
    ]
    inlines = [ContactAttemptInline]
    actions = ["assign_to_me", "close_with_reason", "export_csv"]

    class Media:
        css = {"all": ["css/admin_intake.css"]}

    # Permissions --------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Requests leave only through the retention command, once closed.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    # Views ---------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="{}_{}_dashboard".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
        ]
        # Before the default URLs: their "<path:object_id>/" would take these.
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_export": self.has_export_permission(request),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # A list page shows names and phones: each request shown is recorded
            # as read, as an opening is. What was searched for is not recorded.
            AccessRecord.objects.bulk_create(
                AccessRecord(
                    user=request.user,
                    action=AccessRecord.Action.LIST,
                    request=shown,
                    reference=shown.reference,
                )
                for shown in changelist.result_list
            )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Here, not in change_view: this runs only once the permission checks
        # passed and the request's details are about to be shown.
        if obj is not None:
            AccessRecord.objects.create(
                user=request.user,
                action=AccessRecord.Action.VIEW,
                request=obj,
                reference=obj.reference,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **dashboard_figures(),
            "opts": self.opts,
            "title": _("Admissions dashboard"),
            "promise": format_duration(CALLBACK_PROMISE),
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/intake/intakerequest/dashboard.html", context)

    def export_view(self, request):
        """A CSV of the requests the list shows with the same filters and search."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        # POST, so that the admin's CSRF check stops another site from making
        # a staff member's browser download requests (and be recorded doing so).
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect(reverse("admin:intake_intakerequest_changelist"))
        return export_response(changelist.get_queryset(request), user=request.user)

    # The list ------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored as +16145550142, and staff type them any way at all.
        # Only a term made of phone characters is one: "R-AB2345" is a reference.
        # Digits in any script are read as the stored ASCII ones (wellness_site.phones).
        term = ascii_digits(search_term).strip()
        digits = phone_digits(term)
        if len(digits) >= 4 and re.fullmatch(r"[0-9\s().+-]+", term):
            results |= queryset.filter(phone__contains=digits)
        return results, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True)
                .filter(Q(groups__name=ADMISSIONS) | Q(is_superuser=True))
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("phone"), ordering="phone")
    def phone_link(self, intake_request):
        if not intake_request.phone:
            return self.get_empty_value_display()
        return format_html(
            '<a href="tel:{}">{}</a>', intake_request.phone, intake_request.phone_display
        )

    @admin.display(description=gettext_lazy("waiting"), ordering="-received_at")
    def age(self, intake_request):
        waited = format_duration(timezone.now() - intake_request.received_at)
        if is_past_promise(intake_request):
            return format_html(
                '<strong class="intake-overdue">{}</strong> '
                '<span class="intake-overdue-note">{}</span>',
                waited,
                _("past call-back time"),
            )
        return waited

    @admin.display(
        description=gettext_lazy("time to first contact"),
        ordering=F("first_contact_at") - F("received_at"),
    )
    def time_to_contact(self, intake_request):
        waited = intake_request.time_to_first_contact
        return self.get_empty_value_display() if waited is None else format_duration(waited)

    @admin.display(description=gettext_lazy("sent"))
    def time_to_send(self, intake_request):
        seconds = intake_request.seconds_to_send
        if seconds is None:
            return self.get_empty_value_display()
        text = ngettext(
            "Sent %(seconds)d s after the page loaded.",
            "Sent %(seconds)d s after the page loaded.",
            seconds,
        ) % {"seconds": seconds}
        if intake_request.sent_quickly:
            text += " " + _(
                "Faster than a person types: often the browser's autofill, sometimes a "
                "script. Check the details before calling."
            )
        return text

    @admin.display(description=gettext_lazy("possible duplicate"))
    def possible_duplicate(self, intake_request):
        if intake_request.duplicate_of_id is None:
            return self.get_empty_value_display()
        return format_html(
            '<a href="{}">{}</a>',
            _change_url(intake_request.duplicate_of_id),
            _("possible duplicate of %(reference)s")
            % {"reference": intake_request.duplicate_of.reference},
        )

    # Saving --------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactAttempt:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        attempts = sorted(formset.new_objects, key=lambda attempt: attempt.at)
        for attempt in attempts:
            attempt.by = request.user
            attempt.save()
        formset.save_m2m()
        for attempt in attempts:
            apply_contact_attempt(form.instance, attempt)
        return None

    # Actions -------------------------------------------------------------

    def _save_and_log(self, request, intake_request, field_names):
        intake_request.save(update_fields=field_names)
        self.log_change(
            request,
            intake_request,
            [{"changed": {"fields": [str(_label(name)) for name in field_names]}}],
        )

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for intake_request in queryset:
            intake_request.assigned_to = request.user
            self._save_and_log(request, intake_request, ["assigned_to"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request is assigned to you.",
                "%(count)d requests are assigned to you.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Close with a reason…"), permissions=["change"])
    def close_with_reason(self, request, queryset):
        to_close = list(queryset.open())
        if not to_close:
            self.message_user(request, _("The selected requests are closed already."))
            return None
        form = CloseForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for intake_request in to_close:
                intake_request.status = Status.CLOSED
                intake_request.close_reason = form.cleaned_data["close_reason"]
                self._save_and_log(request, intake_request, ["status", "close_reason"])
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was closed.",
                    "%(count)d requests were closed.",
                    len(to_close),
                )
                % {"count": len(to_close)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Close requests"),
            "form": form,
            "requests": to_close,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/intake/intakerequest/close_with_reason.html", context
        )

    @admin.action(description=gettext_lazy("Export selected as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return export_response(queryset, user=request.user)


@admin.register(ContactAttempt)
class ContactAttemptAdmin(admin.ModelAdmin):
    """Who tried to reach whom, and how: a read-only list across all requests.

    Attempts are logged on their request's page. The note is left out here:
    it is read there, where opening the request is recorded.
    """

    list_display = ["at", "request_link", "by", "method", "outcome"]
    list_display_links = None
    list_select_related = ["request", "by"]
    list_filter = ["method", "outcome", "at"]
    fields = ["request", "at", "by", "method", "outcome"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("request"), ordering="request__reference")
    def request_link(self, attempt):
        return format_html(
            '<a href="{}">{}</a>', _change_url(attempt.request_id), attempt.request.reference
        )


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The record of who listed, opened and exported requests: for superusers, and unalterable.

    Append-only for everyone: only the retention purge removes rows.
    """

    list_display = ["user", "action", "reference", "at"]
    list_select_related = ["user"]
    list_filter = ["action", "at"]
    search_fields = ["reference", "user__username"]
    fields = ["user", "action", "reference", "request", "at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
