"""The admissions console: requests, contact attempts, exports and the access log.

Only the Admissions group and superusers hold the intake permissions, so only
they get past the admin's permission checks here; everyone else gets 403.
What a person sent is read-only to everyone: requests arrive from the public
form, are worked here, and leave through the retention command.
"""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BLANK_CHOICE_DASH, Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from intake.admin_dashboard import dashboard_figures
from intake.admin_logic import close_reason_error, format_duration, next_try_choices
from intake.export import EXPORT_PERMISSION, export_response
from intake.models import AccessRecord, ContactAttempt, IntakeRequest
from intake.roles import ADMISSIONS
from intake.services import intake_request_log_attempt
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
    "voicemail_choice",
    "texts_choice",
    "subject",
    "insurer_name",
    "message",
    "source_path",
]
RECORD_FIELDS = [
    "reference",
    "received_at",
    "time_to_send",
    "promised_by",
    "possible_duplicate",
    "notified_at",
    "first_contact_at",
    "closed_at",
]
HANDLING_FIELDS = ["status", "next_action_due", "close_reason", "assigned_to", "notes"]


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


class DueFilter(admin.SimpleListFilter):
    """Late: a new request past the promise, or a follow-up past its next action's time."""

    title = gettext_lazy("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("late", _("Late now")), ("today", _("Due by the end of today"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "late":
            return queryset.open().with_due().filter(due_at__lt=now)
        if self.value() == "today":
            tomorrow = timezone.localdate(now) + timedelta(days=1)
            end_of_today = timezone.make_aware(datetime.combine(tomorrow, time.min))
            return queryset.open().with_due().filter(due_at__lt=end_of_today)
        return queryset


class IntakeRequestAdminForm(forms.ModelForm):
    class Meta:
        model = IntakeRequest
        fields = HANDLING_FIELDS

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("status")
        error = close_reason_error(status, cleaned_data.get("close_reason"))
        if error:
            self.add_error("close_reason", error)
        # Reopening a closed request makes its next action due now (set_status);
        # an open request whose next action is cleared would drop out of the queue.
        if (
            status
            and status != Status.CLOSED
            and self.instance.is_open
            and cleaned_data.get("next_action_due") is None
            and "next_action_due" not in self.errors
        ):
            self.add_error(
                "next_action_due",
                _("An open request needs a next action: when should someone call again?"),
            )
        return cleaned_data


class ContactAttemptForm(forms.Form):
    """Log an attempt and schedule the next one in one step (see intake_request_log_attempt)."""

    method = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=ContactAttempt.Method.choices,
        initial=ContactAttempt.Method.PHONE,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=ContactAttempt.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what happened.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=300, required=False, widget=forms.TextInput
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reason for going against their choice"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Only if you must leave a voicemail or send a text they did not agree to. "
            "It is recorded with the attempt."
        ),
    )
    next_try_at = forms.DateTimeField(
        label=gettext_lazy("Or at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    close_reason = forms.ChoiceField(
        label=gettext_lazy("Or close the request"),
        choices=[*BLANK_CHOICE_DASH, *IntakeRequest.CloseReason.choices],
        required=False,
    )

    # The submit buttons: one per quick choice, one for "at this time", one to close.
    AT_TIME = "at"
    CLOSE = "close"

    def __init__(self, *args, intake_request, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake_request = intake_request
        self.quick_choices = next_try_choices(intake_request, now)
        self.pressed = self.data.get("next_try", "") if self.is_bound else ""

    def clean(self):
        cleaned_data = super().clean()
        quick = {choice.key: choice.at for choice in self.quick_choices}
        cleaned_data["chosen_next_try"] = None
        if self.pressed in quick:
            cleaned_data["chosen_next_try"] = quick[self.pressed]
            cleaned_data["close_reason"] = ""
        elif self.pressed == self.AT_TIME:
            cleaned_data["close_reason"] = ""
            if cleaned_data.get("next_try_at") is None and "next_try_at" not in self.errors:
                self.add_error("next_try_at", _("Enter the date and time of the next try."))
            cleaned_data["chosen_next_try"] = cleaned_data.get("next_try_at")
        elif self.pressed == self.CLOSE:
            if not cleaned_data.get("close_reason"):
                self.add_error("close_reason", _("Choose why the request is closed."))
        else:
            raise forms.ValidationError(_("Choose when to try again, or close the request."))
        return cleaned_data


class CloseForm(forms.Form):
    # Starts empty: a reason picked by default is a reason nobody chose.
    close_reason = forms.ChoiceField(
        label=gettext_lazy("Close reason"),
        choices=[*BLANK_CHOICE_DASH, *IntakeRequest.CloseReason.choices],
    )


class ContactAttemptInline(admin.TabularInline):
    """The attempts so far, read-only: they are logged with the form above the request.

    That form is the one way in, so every attempt gets the discretion check and
    a next try (``intake_request_log_attempt``).
    """

    model = ContactAttempt
    fields = ["at", "by", "method", "outcome", "note", "override_reason", "next_try_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

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
        "discretion",
        "status",
        "assigned_to",
        "next_action",
        "waiting",
        "attempts",
    ]
    list_display_links = ["reference", "first_name"]
    list_select_related = ["assigned_to"]
    list_filter = [
        StatusFilter,
        DueFilter,
        AssignedFilter,
        "who_for",
        "kind",
        "received_at",
        SentQuicklyFilter,
    ]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["first_name", "reference"]
    search_help_text = gettext_lazy("A name, a phone number in any format, or a reference.")
    readonly_fields = [*SUBMITTED_FIELDS, *RECORD_FIELDS]
    fieldsets = [
        (None, {"fields": RECORD_FIELDS[:4]}),
        (gettext_lazy("What they sent"), {"fields": SUBMITTED_FIELDS}),
        (gettext_lazy("Handling"), {"fields": HANDLING_FIELDS}),
        (gettext_lazy("Notification and contact"), {"fields": RECORD_FIELDS[4:]}),
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
            path(
                "<path:object_id>/log-attempt/",
                self.admin_site.admin_view(self.log_attempt_view),
                name="{}_{}_log_attempt".format(*info),
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
            if obj.is_open and self.has_change_permission(request, obj):
                # The one-step attempt form sits above the request, in a form of its own.
                context["attempt_form"] = ContactAttemptForm(intake_request=obj)
                context["log_attempt_url"] = (
                    reverse("admin:intake_intakerequest_log_attempt", args=[obj.pk])
                    + "?from=request"
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

    def get_queryset(self, request):
        attempts = (
            ContactAttempt.objects.filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .with_due()
            .annotate(attempt_count=Coalesce(Subquery(attempts), 0))
        )

    def get_ordering(self, request):
        """Most overdue first: new requests past the promise, then follow-ups whose time
        has come, then the rest by when they are due; closed requests last."""
        now = timezone.now()
        return [
            Case(
                When(status=Status.NEW, due_at__lt=now, then=Value(0)),
                When(due_at__lt=now, then=Value(1)),
                When(due_at__isnull=False, then=Value(2)),
                default=Value(3),
            ),
            F("due_at").asc(nulls_last=True),
            "received_at",
        ]

    @admin.display(description=gettext_lazy("before you call"))
    def discretion(self, intake_request):
        badges = []
        if intake_request.voicemail_ok is False:
            badges.append(("intake-badge intake-badge-stop", _("No voicemail")))
        elif intake_request.voicemail_ok:
            badges.append(("intake-badge", _("Voicemail OK")))
        if intake_request.texts_ok:
            badges.append(("intake-badge", _("Texts OK")))
        if intake_request.over_phone_limit:
            badges.append(("intake-badge intake-badge-flag", _("Repeat")))
        if intake_request.sent_quickly:
            badges.append(("intake-badge intake-badge-flag", _("Sent quickly")))
        if intake_request.duplicate_of_id:
            badges.append(("intake-badge intake-badge-flag", _("Possible duplicate")))
        if not badges:
            return self.get_empty_value_display()
        return format_html_join(" ", '<span class="{}">{}</span>', badges)

    @admin.display(description=gettext_lazy("voicemail"))
    def voicemail_choice(self, intake_request):
        if intake_request.voicemail_ok is False:
            return format_html(
                '<span class="intake-badge intake-badge-stop">{}</span> {}',
                _("No voicemail"),
                _("They asked us not to leave one."),
            )
        if intake_request.voicemail_ok:
            return _("Voicemail OK")
        return _("Not asked")

    @admin.display(description=gettext_lazy("texts"))
    def texts_choice(self, intake_request):
        if intake_request.texts_ok:
            return _("Texts OK")
        return format_html(
            '<span class="intake-badge intake-badge-stop">{}</span> {}',
            _("No texts"),
            _("They did not agree to texts."),
        )

    @admin.display(description=gettext_lazy("next action due"), ordering="due_at")
    def next_action(self, intake_request):
        if not intake_request.is_open:
            return self.get_empty_value_display()
        late = intake_request.late_by()
        if late is not None:
            text = (
                _("Call-back late by %(duration)s")
                if intake_request.status == Status.NEW
                else _("Late by %(duration)s")
            ) % {"duration": format_duration(late)}
            return format_html('<strong class="intake-overdue">{}</strong>', text)
        due = timezone.localtime(intake_request.due)
        same_day = due.date() == timezone.localdate()
        # Short words rather than one long token, so the column stays narrow.
        when = time_format(due, "TIME_FORMAT") if same_day else date_format(due, "D N j, P")
        return _("Due %(when)s") % {"when": when}

    @admin.display(description=gettext_lazy("waiting"), ordering="received_at")
    def waiting(self, intake_request):
        waited = format_duration(intake_request.waited())
        if intake_request.first_contact_at is not None:
            return _("Reached after %(duration)s") % {"duration": waited}
        return waited

    @admin.display(description=gettext_lazy("attempts"), ordering="attempt_count")
    def attempts(self, intake_request):
        if not intake_request.is_open:
            return intake_request.attempt_count
        return format_html(
            '{} <a class="intake-log-link" href="{}">{}</a>',
            intake_request.attempt_count,
            reverse("admin:intake_intakerequest_log_attempt", args=[intake_request.pk]),
            _("Log attempt"),
        )

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

    def save_model(self, request, obj, form, change):
        # Whatever the form changed, the fields that follow from the status come along.
        obj.set_status(obj.status)
        super().save_model(request, obj, form, change)

    def log_attempt_view(self, request, object_id):
        """Log an attempt and schedule the next try: from the list, three clicks."""
        intake_request = self.get_object(request, unquote(object_id))
        if intake_request is None:
            raise Http404
        if not self.has_change_permission(request, intake_request):
            raise PermissionDenied
        back = request.GET.get("from") == "request"
        back_url = (
            _change_url(intake_request.pk)
            if back
            else reverse("admin:intake_intakerequest_changelist")
        )
        if not intake_request.is_open:
            self.message_user(
                request,
                _("%(reference)s is closed: reopen it to log an attempt.")
                % {"reference": intake_request.reference},
                messages.WARNING,
            )
            return redirect(_change_url(intake_request.pk))
        if request.method == "POST":
            form = ContactAttemptForm(request.POST, intake_request=intake_request)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    attempt = intake_request_log_attempt(
                        intake_request=intake_request,
                        by=request.user,
                        method=data["method"],
                        outcome=data["outcome"],
                        note=data["note"],
                        next_try_at=data["chosen_next_try"],
                        close_reason=data["close_reason"],
                        override_reason=data["override_reason"],
                    )
                except ValidationError as error:
                    for field, field_errors in error.message_dict.items():
                        form.add_error(None if field == "__all__" else field, field_errors)
                else:
                    self._log_attempt_message(request, intake_request, attempt)
                    return redirect(back_url)
        else:
            form = ContactAttemptForm(intake_request=intake_request)
        AccessRecord.objects.create(
            user=request.user,
            action=AccessRecord.Action.VIEW,
            request=intake_request,
            reference=intake_request.reference,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Log a contact attempt"),
            "intake_request": intake_request,
            "attempts": intake_request.attempts.select_related("by"),
            "attempt_form": form,
            "log_attempt_url": request.get_full_path(),
            "back_url": back_url,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/intake/intakerequest/log_attempt.html", context)

    def _log_attempt_message(self, request, intake_request, attempt):
        if intake_request.is_open:
            due = timezone.localtime(intake_request.next_action_due)
            text = _("%(reference)s: “%(outcome)s” logged. Next try: %(when)s") % {
                "reference": intake_request.reference,
                "outcome": attempt.get_outcome_display(),
                "when": date_format(due, "SHORT_DATETIME_FORMAT"),
            }
        else:
            text = _("%(reference)s: “%(outcome)s” logged, and the request is closed.") % {
                "reference": intake_request.reference,
                "outcome": attempt.get_outcome_display(),
            }
        self.message_user(request, text, messages.SUCCESS)

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
                changed = intake_request.set_status(Status.CLOSED)
                intake_request.close_reason = form.cleaned_data["close_reason"]
                self._save_and_log(request, intake_request, [*changed, "close_reason"])
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
