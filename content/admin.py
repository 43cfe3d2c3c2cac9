"""The admin: the center's identity and pages, and the medical review workflow for articles.

An article's form edits its working copy only. What visitors read, its
status and its review dates change only through ``content.services``: the
review page (changes, checks, approve or request changes), the workflow
buttons on the change form, and the changelist's "submit" action.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from content.diff import citation_changes, field_changes
from content.editorial_checks import (
    READING_GRADE_TARGET,
    REVIEW_DUE_SOON_DAYS,
    approval_checks,
    article_content_checks,
    review_state,
    reviews_due,
)
from content.models import (
    Article,
    ArticleVersion,
    CenterProfile,
    Citation,
    Person,
    Review,
    SearchSynonym,
    SitePage,
    Topic,
    content_hash,
)
from content.services import (
    APPROVE_PERMISSION,
    DEFAULT_REVIEW_INTERVAL,
    REVIEW_INTERVAL_CHOICES,
    WorkflowError,
    article_approve,
    article_archive,
    article_publish_correction,
    article_request_changes,
    article_return_to_draft,
    article_submit_for_review,
    article_working_copy_saved,
)

# Forms would otherwise guess "http://" for an address typed without a scheme.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class CenterProfileForm(forms.ModelForm):
    business_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Business days"),
        choices=[(str(n), name) for n, name in enumerate(WEEKDAYS.values(), start=1)],
        widget=forms.CheckboxSelectMultiple,
        help_text=CenterProfile._meta.get_field("business_days").help_text,
        error_messages={"required": gettext_lazy("Choose at least one business day.")},
    )

    class Meta:
        model = CenterProfile
        fields = ["business_days"]  # the admin adds the rest from its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.business_days and not self.is_bound:
            self.initial["business_days"] = list(self.instance.business_days)

    def clean_business_days(self):
        return "".join(sorted(self.cleaned_data["business_days"]))


@admin.register(CenterProfile)
class CenterProfileAdmin(SimpleHistoryAdmin):
    """A single profile: the list goes straight to it, and it cannot be removed."""

    form = CenterProfileForm
    formfield_overrides = HTTPS_URL_FIELDS
    object_history_list_template = "admin/content/article/object_history_list.html"
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        (
            "Phones",
            {
                "fields": [
                    "main_phone",
                    "hours",
                    "admissions_phone",
                    "admissions_hours",
                ]
            },
        ),
        (
            "Call-back promise",
            {
                "description": gettext_lazy(
                    "Visitors are told this promise, in words made from these figures; the "
                    "admissions console marks a request late once it has passed."
                ),
                "fields": [
                    "callback_promise_minutes",
                    "callback_business_hours_only",
                    "business_days",
                    ("business_opens", "business_closes"),
                    "callback_promise_text",
                ],
            },
        ),
        ("Address", {"fields": ["street_address", "locality", "region", "postal_code"]}),
        (None, {"fields": ["accreditation", "privacy_practices_url"]}),
    ]

    readonly_fields = ["callback_promise_text"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CenterProfile.objects.exists()

    @admin.display(description=gettext_lazy("What visitors read"))
    def callback_promise_text(self, profile):
        return _("We will call you back %(when)s.") % {"when": profile.callback_time}

    def has_delete_permission(self, request, obj=None):
        return False

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        if change and not CenterProfile.history.filter(id=obj.pk).exists():
            # A profile loaded before its history was kept: record what it was,
            # so that the first change shows the old values too.
            CenterProfile.history.bulk_history_create(
                [CenterProfile.objects.get(pk=obj.pk)],
                default_change_reason=_("As it was before changes were recorded"),
            )
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        profile = CenterProfile.objects.order_by("pk").first()
        if profile is None:
            return redirect(reverse("admin:content_centerprofile_add"))
        return redirect(reverse("admin:content_centerprofile_change", args=[profile.pk]))


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "is_clinical"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role", "licence_expires", "licence_current"]
    list_filter = ["role"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    # Who may approve articles rests on these: a reviewer who could edit them
    # could renew an expired licence, or link an account to another clinician.
    APPROVAL_FIELDS = ["user", "licence_type", "licence_state", "licence_expires"]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            licence_note = _("Required for medical reviewers. Approval needs a current licence.")
        else:
            licence_note = _(
                "Required for medical reviewers. Only an administrator can change these, "
                "because they decide who may approve articles."
            )
        return [
            (None, {"fields": ["name", "slug", "role", "credentials", "job_title", "specialty"]}),
            (_("Profile"), {"fields": ["bio", "photo", "photo_alt"]}),
            (
                _("Licence and approval"),
                {"fields": self.APPROVAL_FIELDS, "description": licence_note},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else self.APPROVAL_FIELDS

    @admin.display(description=gettext_lazy("licence current"), boolean=True)
    def licence_current(self, person):
        if person.role != Person.Role.REVIEWER:
            return None
        return person.licence_is_current()


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The review record; only ``content.services`` writes it."""

    list_display = ["article", "decision", "reviewer", "user", "created_at", "version"]
    list_filter = ["decision"]
    list_select_related = ["article", "reviewer", "user", "version"]
    search_fields = ["article__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    """Approved versions, read-only: what visitors read and have read."""

    list_display = ["title", "number", "kind", "reviewer", "approved_at", "publish_at"]
    list_filter = ["kind"]
    list_select_related = ["reviewer"]
    search_fields = ["title", "article__title"]
    exclude = ["body_html", "help_html", "toc"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    fields = [
        "order",
        "authors",
        "title",
        "publisher",
        "year",
        "url",
        "doi",
        "pmid",
        "last_checked",
    ]
    formfield_overrides = HTTPS_URL_FIELDS


class ReviewInline(admin.TabularInline):
    """The article's review record, newest first: read-only, like the review list."""

    model = Review
    extra = 0
    fields = ["created_at", "decision", "reviewer", "user", "comment", "version", "resolved_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("Review record")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "user", "version")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("review overdue")
    parameter_name = "review_overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.review_overdue()
        return queryset


class ReviewDueSoonFilter(admin.SimpleListFilter):
    parameter_name = "review_due_soon"

    def __init__(self, *args, **kwargs):
        # Translated per request, not once at import.
        self.title = _("review due in %(days)d days") % {"days": REVIEW_DUE_SOON_DAYS}
        super().__init__(*args, **kwargs)

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.review_due_within(REVIEW_DUE_SOON_DAYS)
        return queryset


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _approval_message(version):
    if version.publish_at > timezone.now():
        return _("“%(title)s” was approved; it will be published on %(when)s.") % {
            "title": version.title,
            "when": _when(version.publish_at),
        }
    return _("“%(title)s” was approved and published.") % {"title": version.title}


def _submit(request, article):
    article_submit_for_review(article=article, user=request.user)
    return _("“%(title)s” was sent for medical review.") % {"title": article.title}


def _archive(request, article):
    article_archive(article=article, user=request.user)
    return _("“%(title)s” was archived.") % {"title": article.title}


def _return_to_draft(request, article):
    was_public = article.status != Article.Status.DRAFT
    article_return_to_draft(article=article, user=request.user)
    if was_public:
        return _("“%(title)s” is no longer on the site.") % {"title": article.title}
    return _("“%(title)s” was withdrawn from review.") % {"title": article.title}


@dataclass(frozen=True)
class WorkflowStep:
    """One button on the article form: a URL that runs one service function."""

    name: str
    label: str
    run: Callable  # (request, article) -> success message; raises WorkflowError


WORKFLOW_STEPS = {
    step.name: step
    for step in [
        WorkflowStep("submit", gettext_lazy("Submit for review"), _submit),
        WorkflowStep("draft", gettext_lazy("Withdraw from review"), _return_to_draft),
        WorkflowStep("unpublish", gettext_lazy("Unpublish"), _return_to_draft),
        WorkflowStep("archive", gettext_lazy("Archive"), _archive),
    ]
}


def _offered_steps(user, article):
    """The steps worth a button for this user and article.

    Only what to show: the services decide, whatever this says.
    """
    can_approve = user.has_perm(APPROVE_PERMISSION)
    Status, Pending = Article.Status, Article.ReviewStatus
    offered = {
        "submit": article.status != Status.ARCHIVED
        and article.review_status != Pending.IN_REVIEW
        and (article.review_status != Pending.APPROVED or article.status != Status.PUBLISHED),
        "draft": article.status == Status.DRAFT and article.review_status == Pending.IN_REVIEW,
        "unpublish": can_approve and article.status != Status.DRAFT,
        "archive": can_approve and article.status != Status.ARCHIVED,
    }
    return [WORKFLOW_STEPS[name] for name, shown in offered.items() if shown]


# The fields a reviewer compares, in page order: (key in reviewable_content, label).
COMPARED_FIELDS = [
    ("title", gettext_lazy("Title")),
    ("slug", gettext_lazy("Web address (slug)")),
    ("summary", gettext_lazy("Summary")),
    ("meta_description", gettext_lazy("Meta description")),
    ("key_points", gettext_lazy("Key points")),
    ("when_to_get_help", gettext_lazy("When to get help now")),
    ("body", gettext_lazy("Body")),
    ("author", gettext_lazy("Author")),
]


def _comparable(content):
    """Content with the author as a name, so that the diff reads as words."""
    if content is None:
        return None
    author = Person.objects.filter(pk=content["author"]).first()
    return {**content, "author": str(author) if author else ""}


class ApprovalForm(forms.Form):
    """What a reviewer sends with an approval, a correction or a request for changes."""

    action = forms.ChoiceField(
        choices=[("approve", "approve"), ("correct", "correct"), ("request_changes", "changes")]
    )
    content_hash = forms.CharField(max_length=64)
    change_note = forms.CharField(required=False, max_length=2000)
    review_interval_months = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, n) for n in REVIEW_INTERVAL_CHOICES],
        required=False,
    )
    take_over = forms.BooleanField(required=False)
    approve_anyway = forms.BooleanField(required=False)
    comment = forms.CharField(required=False, max_length=4000)


class ReadableHistory(HistoricalRecordContextHelper):
    """History entries as people read them: labels, names and short excerpts, not raw values."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value in (None, ""):
            return _("(empty)")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if field.is_relation and not field.many_to_many:
            related = field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related else value
        if isinstance(value, str):
            return Truncator(value).words(25)
        return super().prepare_delta_change_value(change, value)


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    # Few, narrow columns: the list must fit a laptop screen without scrolling.
    list_display = ["title", "state", "next_review_due", "review", "reviewer"]
    list_select_related = ["author", "reviewer", "live_version"]
    list_filter = [
        "status",
        "review_status",
        ReviewOverdueFilter,
        ReviewDueSoonFilter,
        "topics",
    ]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["related"]
    inlines = [CitationInline, ReviewInline]
    actions = ["submit_selected"]
    object_history_list_template = "admin/content/article/object_history_list.html"
    object_history_form_template = "admin/content/article/object_history_form.html"
    # What only content.services may change; see save_model.
    WORKFLOW_FIELDS = ["status", "review_status", "live_version_id"]

    def get_fieldsets(self, request, obj=None):
        publishing = ["state", "approved_version", "publish_at", "change_note"]
        return [
            (None, {"fields": ["title", "slug", "summary", "key_points", "topics"]}),
            (gettext_lazy("Text"), {"fields": ["body", "when_to_get_help"]}),
            (gettext_lazy("Content checks"), {"fields": ["content_checks"]}),
            (gettext_lazy("People"), {"fields": ["author", "reviewer"]}),
            (
                gettext_lazy("Review and publishing"),
                {
                    "fields": publishing,
                    "description": gettext_lazy(
                        "Saving changes this working copy only. Visitors keep seeing the "
                        "approved version until a medical reviewer approves the changes."
                    ),
                },
            ),
            (gettext_lazy("Search and related"), {"fields": ["meta_description", "related"]}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "key_points":
            # Three to five lines: a tall box would invite a sixth.
            kwargs["widget"] = admin.widgets.AdminTextareaWidget(attrs={"rows": 5})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["state", "approved_version", "content_checks"]
        if obj is not None and obj.is_published():
            # Already public: there is no publication time left to propose.
            readonly.append("publish_at")
        return readonly

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        workflow_view = self.admin_site.admin_view(require_POST(self.workflow_view))
        urls = [
            path(
                f"<path:object_id>/{name}/",
                workflow_view,
                {"step": name},
                name="{}_{}_{}".format(*info, name),
            )
            for name in WORKFLOW_STEPS
        ]
        urls += [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "reviews-due/",
                self.admin_site.admin_view(self.reviews_due_view),
                name="{}_{}_reviews_due".format(*info),
            ),
        ]
        # Before the default URLs: their "<path:object_id>/" would take these.
        return urls + super().get_urls()

    def _url(self, name, *args):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
            current_app=self.admin_site.name,
        )

    def save_model(self, request, obj, form, change):
        # The form does not offer these fields, but restoring a revision from
        # history starts from that revision's values: without this, restoring
        # a once-published revision would publish it again, unreviewed.
        if change:
            current = Article.objects.filter(pk=obj.pk).values(*self.WORKFLOW_FIELDS).get()
            for field, value in current.items():
                setattr(obj, field, value)
        else:
            obj.status, obj.review_status, obj.live_version = (
                Article.Status.DRAFT,
                Article.ReviewStatus.EDITING,
                None,
            )
        restored = getattr(request, "_restoring_revision", None)
        if restored is not None:
            obj._change_reason = _("Text restored from %(when)s; waiting for review") % {
                "when": _when(restored.history_date)
            }
        super().save_model(request, obj, form, change)
        article_working_copy_saved(article=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Citations are saved after the article: compare again with them.
        article_working_copy_saved(article=form.instance)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            request._restoring_revision = self.model.history.filter(
                id=unquote(object_id), history_id=version_id
            ).first()
        extra_context = {
            **(extra_context or {}),
            "restore_note": _(
                "Restoring puts this text back into the working copy as a change waiting for "
                "review. It does not change what visitors see until a reviewer approves it."
            ),
        }
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if article is not None:
            extra_context["preview_url"] = self._preview_url(article)
            extra_context["state_label"] = article.state_label()
            extra_context["open_change_requests"] = list(
                article.reviews.filter(
                    decision=Review.Decision.CHANGES_REQUESTED, resolved_at__isnull=True
                ).select_related("reviewer")
            )
            extra_context["review_url"] = self._url("review", article.pk)
            extra_context["can_approve"] = request.user.has_perm(APPROVE_PERMISSION)
            if self.has_change_permission(request, article):
                extra_context["workflow_steps"] = [
                    {"url": self._url(step.name, article.pk), "label": step.label}
                    for step in _offered_steps(request.user, article)
                ]
        return super().change_view(request, object_id, form_url, extra_context)

    def view_on_site(self, article):
        # Unpublished articles are not on the site yet: they have "Preview".
        return article.get_absolute_url() if article.is_published() else None

    @staticmethod
    def _preview_url(article):
        try:
            return reverse("article_preview", args=[article.pk])
        except NoReverseMatch:
            # The public site may be deployed without its preview page yet.
            return None

    def workflow_view(self, request, object_id, step):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            message = WORKFLOW_STEPS[step].run(request, article)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return redirect(self._url("change", article.pk))

    def review_view(self, request, object_id):
        """The changes since the approved version, the checks, and the reviewer's decision.

        GET shows them; POST approves, publishes a correction or asks for
        changes. The form carries the fingerprint of the content shown, so an
        approval publishes exactly what was on the reviewer's screen.
        """
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        error = None
        form = ApprovalForm(request.POST or None)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            if form.is_valid():
                try:
                    message = self._decide(request, article, form.cleaned_data)
                except WorkflowError as failure:
                    error = str(failure)
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return redirect(self._url("change", article.pk))
            else:
                error = _("The form was not complete; look at the fields below and send it again.")
            article = self.get_object(request, unquote(object_id))
        return self._render_review(request, article, form, error)

    def _decide(self, request, article, data):
        user, action = request.user, data["action"]
        if action == "request_changes":
            article_request_changes(article=article, user=user, comment=data["comment"])
            return _("Your comment was sent to the editor of “%(title)s”.") % {
                "title": article.title
            }
        if action == "correct":
            article_publish_correction(
                article=article,
                user=user,
                content_hash=data["content_hash"],
                change_note=data["change_note"],
            )
            return _("The correction to “%(title)s” was published.") % {"title": article.title}
        version = article_approve(
            article=article,
            user=user,
            content_hash=data["content_hash"],
            change_note=data["change_note"],
            review_interval_months=data["review_interval_months"],
            take_over=data["take_over"],
            approve_anyway=data["approve_anyway"],
        )
        return _approval_message(version)

    def _render_review(self, request, article, form, error):
        live = article.live_version
        content = article.reviewable_content()
        checks = approval_checks(article)
        cited = citation_changes(live.citations if live else None, content["citations"])
        try:
            me = request.user.person
        except Person.DoesNotExist:
            me = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Review changes: %(title)s") % {"title": article.title},
            "article": article,
            "live": live,
            "state_label": article.state_label(),
            "content_hash": content_hash(content),
            "field_changes": field_changes(
                _comparable(live.reviewable_content() if live else None),
                _comparable(content),
                [(key, str(label)) for key, label in COMPARED_FIELDS],
            ),
            "citation_changes": cited,
            "citation_changes_count": sum(change.kind != "unchanged" for change in cited),
            "checks": checks,
            "error": error,
            "posted": form.data if form.is_bound else {},
            "can_approve": request.user.has_perm(APPROVE_PERMISSION)
            and self.has_change_permission(request, article),
            "can_correct": article.is_published(),
            "publishes_at": (
                article.publish_at
                if not article.is_published()
                and article.publish_at
                and article.publish_at > timezone.now()
                else None
            ),
            "me": me,
            "names_someone_else": me is not None and article.reviewer_id != me.pk,
            "interval_choices": REVIEW_INTERVAL_CHOICES,
            "default_interval": live.review_interval_months if live else DEFAULT_REVIEW_INTERVAL,
            "change_url": self._url("change", article.pk),
            "preview_url": self._preview_url(article),
            "reviews": article.reviews.select_related("reviewer", "user", "version")[:20],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/content/article/review.html", context)

    def reviews_due_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        due = reviews_due()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reviews due"),
            "overdue": list(due.overdue),
            "due_soon": list(due.due_soon),
            "due_soon_days": REVIEW_DUE_SOON_DAYS,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/content/article/reviews_due.html", context)

    @admin.action(description=gettext_lazy("Submit selected for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        done = 0
        for article in queryset:
            try:
                article_submit_for_review(article=article, user=request.user)
            except WorkflowError as error:
                self.message_user(
                    request,
                    _("“%(title)s”: %(error)s") % {"title": article.title, "error": error},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article was sent for review.",
                    "%(count)d articles were sent for review.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.display(description=gettext_lazy("State"), ordering="review_status")
    def state(self, article):
        return article.state_label()

    @admin.display(description=gettext_lazy("Approved version"))
    def approved_version(self, article):
        version = article.live_version
        if version is None:
            return _("None yet: visitors cannot see this article.")
        return _(
            "Version %(number)d, %(kind)s on %(date)s. Last reviewed %(reviewed)s; "
            "next review due %(due)s; review every %(months)d months."
        ) % {
            "number": version.number,
            "kind": version.get_kind_display().lower(),
            "date": date_format(timezone.localdate(version.approved_at), "DATE_FORMAT"),
            "reviewed": date_format(version.last_reviewed, "DATE_FORMAT"),
            "due": date_format(version.next_review_due, "DATE_FORMAT"),
            "months": version.review_interval_months,
        }

    @admin.display(
        description=gettext_lazy("last reviewed"), ordering="live_version__last_reviewed"
    )
    def last_reviewed(self, article):
        return article.live_version.last_reviewed if article.live_version else None

    @admin.display(
        description=gettext_lazy("next review due"), ordering="live_version__next_review_due"
    )
    def next_review_due(self, article):
        return article.live_version.next_review_due if article.live_version else None

    @admin.display(description=gettext_lazy("Review"), ordering="live_version__next_review_due")
    def review(self, article):
        return review_state(article)

    @admin.display(description=gettext_lazy("Content checks"))
    def content_checks(self, article):
        if article.pk is None:
            return _("Shown once the article is saved.")
        return render_to_string(
            "admin/content/article/content_checks.html",
            {"checks": article_content_checks(article), "grade_target": READING_GRADE_TARGET},
        )


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Words visitors type and the words our articles use for them.

    A change here alters which articles a search finds, not what any
    article says, so it takes effect at once, without medical review.
    """

    list_display = ["term", "meaning", "updated_at"]
    search_fields = ["term", "meaning"]
    list_filter = ["meaning"]
    ordering = ["term"]
