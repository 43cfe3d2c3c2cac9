"""The admin: the center's identity and pages, and the medical review workflow for articles.

An article's status and review dates are shown on its form but never saved
from it: they change only through ``content.services``, which the workflow
buttons on the change form and the changelist's actions call.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from content.editorial_checks import (
    READING_GRADE_TARGET,
    REVIEW_DUE_SOON_DAYS,
    article_content_checks,
    review_state,
    reviews_due,
)
from content.models import Article, CenterProfile, Citation, Person, Review, SitePage, Topic
from content.services import (
    APPROVE_PERMISSION,
    WorkflowError,
    article_approve,
    article_archive,
    article_return_to_draft,
    article_submit_for_review,
)

# Forms would otherwise guess "http://" for an address typed without a scheme.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(CenterProfile)
class CenterProfileAdmin(admin.ModelAdmin):
    """A single profile: the list goes straight to it, and it cannot be removed."""

    formfield_overrides = HTTPS_URL_FIELDS
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        ("Phones", {"fields": ["main_phone", "admissions_phone", "callback_time"]}),
        ("Address", {"fields": ["street_address", "locality", "region", "postal_code"]}),
        (None, {"fields": ["hours", "accreditation", "privacy_practices_url"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CenterProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

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
    list_display = ["name", "slug", "order"]
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
    """Reviews record approvals; only ``content.services.article_approve`` writes them."""

    list_display = ["article", "reviewer", "approved_by", "approved_at", "revision"]
    list_select_related = ["article", "reviewer", "approved_by"]
    search_fields = ["article__title"]

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
    """The article's approvals, newest first: read-only, like the review list."""

    model = Review
    extra = 0
    fields = ["approved_at", "reviewer", "approved_by", "change_note", "revision"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "approved_by")

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


def _approval_message(review):
    article = review.article
    if article.publish_at > timezone.now():
        return _("“%(title)s” was approved; it will be published on %(when)s.") % {
            "title": article.title,
            "when": date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT"),
        }
    return _("“%(title)s” was approved and published.") % {"title": article.title}


def _submit(request, article):
    article_submit_for_review(article=article, user=request.user)
    return _("“%(title)s” was sent for medical review.") % {"title": article.title}


def _approve(request, article):
    change_note = request.POST.get("change_note", "").strip()
    return _approval_message(
        article_approve(article=article, user=request.user, change_note=change_note)
    )


def _archive(request, article):
    article_archive(article=article, user=request.user)
    return _("“%(title)s” was archived.") % {"title": article.title}


def _return_to_draft(request, article):
    article_return_to_draft(article=article, user=request.user)
    return _("“%(title)s” is a draft again.") % {"title": article.title}


@dataclass(frozen=True)
class WorkflowStep:
    """One button on the article form: a URL that runs one service function."""

    name: str
    label: str
    run: Callable  # (request, article) -> success message; raises WorkflowError
    takes_change_note: bool = False


WORKFLOW_STEPS = {
    step.name: step
    for step in [
        WorkflowStep("submit", gettext_lazy("Submit for review"), _submit),
        WorkflowStep("approve", gettext_lazy("Approve and publish"), _approve, True),
        WorkflowStep("archive", gettext_lazy("Archive"), _archive),
        WorkflowStep("draft", gettext_lazy("Return to draft"), _return_to_draft),
    ]
}


def _offered_steps(user, article):
    """The steps worth a button for this user and article.

    Only what to show: the services decide, whatever this says.
    """
    can_approve = user.has_perm(APPROVE_PERMISSION)
    Status = Article.Status
    offered = {
        "submit": article.status == Status.DRAFT,
        "approve": can_approve and article.status != Status.ARCHIVED,
        "archive": can_approve and article.status != Status.ARCHIVED,
        "draft": article.status != Status.DRAFT
        and (can_approve or article.status != Status.PUBLISHED),
    }
    return [WORKFLOW_STEPS[name] for name, shown in offered.items() if shown]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "status",
        "last_reviewed",
        "next_review_due",
        "review",
        "author",
        "reviewer",
    ]
    list_select_related = ["author", "reviewer"]
    list_filter = ["status", ReviewOverdueFilter, ReviewDueSoonFilter, "topics"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["related"]
    readonly_fields = ["status", "last_reviewed", "next_review_due", "content_checks"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "topics"]}),
        (gettext_lazy("Text"), {"fields": ["body", "when_to_get_help"]}),
        (gettext_lazy("Content checks"), {"fields": ["content_checks"]}),
        (gettext_lazy("People"), {"fields": ["author", "reviewer"]}),
        (
            gettext_lazy("Review and publishing"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "last_reviewed",
                    "review_interval_months",
                    "next_review_due",
                    "change_note",
                ],
                "description": gettext_lazy(
                    "Status and review dates change only through the buttons at the top "
                    "of this page: a medical reviewer's approval publishes the article."
                ),
            },
        ),
        (gettext_lazy("Search and related"), {"fields": ["meta_description", "related"]}),
    ]
    inlines = [CitationInline, ReviewInline]
    actions = ["submit_selected", "approve_selected"]
    history_list_display = ["status"]
    # The fields the workflow owns; see save_model.
    WORKFLOW_FIELDS = ["status", "last_reviewed"]

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
        urls.append(
            path(
                "reviews-due/",
                self.admin_site.admin_view(self.reviews_due_view),
                name="{}_{}_reviews_due".format(*info),
            )
        )
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
        # a once-published version would publish it again, unreviewed.
        if change:
            current = Article.objects.filter(pk=obj.pk).values(*self.WORKFLOW_FIELDS).get()
            for field, value in current.items():
                setattr(obj, field, value)
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if article is not None:
            extra_context["preview_url"] = self._preview_url(article)
            if self.has_change_permission(request, article):
                extra_context["workflow_steps"] = [
                    {
                        "url": self._url(step.name, article.pk),
                        "label": step.label,
                        "takes_change_note": step.takes_change_note,
                    }
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

    def has_approve_permission(self, request):
        return request.user.has_perm(APPROVE_PERMISSION)

    def _run_on_each(self, request, queryset, run, done_message):
        done = 0
        for article in queryset:
            try:
                run(article)
            except WorkflowError as error:
                self.message_user(
                    request,
                    _("“%(title)s”: %(error)s") % {"title": article.title, "error": error},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Submit selected for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._run_on_each(
            request,
            queryset,
            lambda article: article_submit_for_review(article=article, user=request.user),
            lambda done: (
                ngettext(
                    "%(count)d article was sent for review.",
                    "%(count)d articles were sent for review.",
                    done,
                )
                % {"count": done}
            ),
        )

    @admin.action(
        description=gettext_lazy("Approve and publish selected"), permissions=["approve"]
    )
    def approve_selected(self, request, queryset):
        self._run_on_each(
            request,
            queryset,
            lambda article: article_approve(article=article, user=request.user),
            lambda done: (
                ngettext(
                    "%(count)d article was approved and published.",
                    "%(count)d articles were approved and published.",
                    done,
                )
                % {"count": done}
            ),
        )

    @admin.display(description=gettext_lazy("Review"), ordering="next_review_due")
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
