"""The article admin: status changes only through the workflow, and review state at a glance."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from content.admin import ArticleAdmin
from content.models import Article, ArticleVersion, Person, Review, add_months
from tests.auth import sign_in
from tests.content.admin_forms import change_form_data, fingerprint, messages_of

# The buttons on the change form; approval has its own page (the "review" URL).
WORKFLOW_STEPS = ["submit", "draft", "unpublish", "archive"]


def admin_url(name, *args):
    return reverse(f"admin:content_article_{name}", args=args)


def fingerprint_shown(client, article):
    """The fingerprint the review page puts in its forms: the content the reviewer saw."""
    html = client.get(admin_url("review", article.pk)).content.decode()
    return re.search(r'name="content_hash" value="([0-9a-f]{64})"', html).group(1)


def decide(client, article, content_hash=None, **fields):
    """Post a decision to the review page; by default on the content as it is now."""
    data = {"action": "approve", "content_hash": content_hash or fingerprint(article)}
    data.update(fields)
    return client.post(admin_url("review", article.pk), data)


def approve_as_shown(client, article, **fields):
    """What a reviewer does: open the review page, then approve what it showed."""
    return decide(client, article, content_hash=fingerprint_shown(client, article), **fields)


def assert_never_approved(article):
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.live_version is None
    assert not ArticleVersion.objects.filter(article=article).exists()
    assert not Review.objects.filter(article=article).exists()


@pytest.fixture
def draft(make_article):
    return make_article(
        title="Fentanyl test strips", slug="fentanyl-test-strips",
        status=Article.Status.DRAFT, publish_at=None,
    )  # fmt: skip


@pytest.fixture
def in_review(make_article):
    return make_article(
        title="Naloxone at home", slug="naloxone-at-home",
        status=Article.ReviewStatus.IN_REVIEW, publish_at=None,
    )  # fmt: skip


def overdue_article(make_article, **fields):
    return make_article(last_reviewed=timezone.localdate() - timedelta(days=400), **fields)


def due_soon_article(make_article, **fields):
    # Reviewed a year ago, ten days from now: due in ten days.
    last_reviewed = add_months(timezone.localdate() + timedelta(days=10), -12)
    return make_article(last_reviewed=last_reviewed, **fields)


# Nobody publishes through the form ------------------------------------------


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_form_post_cannot_set_status_or_review_dates(
    request, client, draft, published_article, user_fixture
):
    sign_in(client, request.getfixturevalue(user_fixture))
    data = change_form_data(
        draft,
        title="Fentanyl test strips, updated",
        status=Article.Status.PUBLISHED,
        review_status=Article.ReviewStatus.APPROVED,
        live_version=published_article.live_version_id,
        last_reviewed="2020-01-01",
        next_review_due="2030-01-01",
        review_interval_months=24,
    )
    response = client.post(admin_url("change", draft.pk), data)
    assert response.status_code == 302, response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Fentanyl test strips, updated"  # the save did happen
    assert draft.review_status == Article.ReviewStatus.EDITING
    assert_never_approved(draft)
    assert client.get(reverse("article_detail", args=[draft.slug])).status_code == 404


def test_editor_adding_an_article_gets_a_draft_whatever_is_posted(
    client, editor, author, reviewer_person, topic, published_article
):
    sign_in(client, editor)
    unsaved = Article(
        title="Alcohol withdrawal", slug="alcohol-withdrawal", summary="What to expect.",
        body="Text.", author=author, reviewer=reviewer_person,
    )  # fmt: skip
    data = change_form_data(
        unsaved,
        topics=[topic.pk],
        status=Article.Status.PUBLISHED,
        review_status=Article.ReviewStatus.APPROVED,
        live_version=published_article.live_version_id,
        last_reviewed="2024-05-01",
    )
    response = client.post(admin_url("add"), data)
    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get(slug="alcohol-withdrawal")
    assert article.review_status == Article.ReviewStatus.EDITING
    assert_never_approved(article)


def test_restoring_a_published_revision_does_not_publish_again(client, reviewer, in_review):
    sign_in(client, reviewer)
    assert approve_as_shown(client, in_review).status_code == 302
    published_revision = in_review.history.latest()
    assert published_revision.status == Article.Status.PUBLISHED
    assert published_revision.live_version_id is not None
    client.post(admin_url("unpublish", in_review.pk))
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.DRAFT

    response = client.post(
        admin_url("simple_history", in_review.pk, published_revision.history_id),
        change_form_data(published_revision.instance, title="Naloxone at home (restored)"),
    )
    assert response.status_code == 302, response.content.decode()
    in_review.refresh_from_db()
    assert in_review.title == "Naloxone at home (restored)"
    assert in_review.status == Article.Status.DRAFT
    assert in_review.review_status == Article.ReviewStatus.EDITING
    assert Review.objects.count() == 1
    assert ArticleVersion.objects.filter(article=in_review).count() == 1
    client.logout()
    assert client.get("/articles/naloxone-at-home/").status_code == 404


# Approval --------------------------------------------------------------------


def test_editor_cannot_approve_through_the_review_page(client, editor, in_review):
    sign_in(client, editor)
    # The editor is shown no approval form; a crafted post is refused all the same.
    response = decide(client, in_review, change_note="Sneaky.")
    assert response.status_code == 200
    assert "Only medical reviewers can approve articles." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_the_old_approve_url_publishes_nothing(request, client, in_review, user_fixture):
    sign_in(client, request.getfixturevalue(user_fixture))
    old_url = admin_url("change", in_review.pk).removesuffix("change/") + "approve/"
    client.post(old_url, {"change_note": "Approved the old way."})
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_the_bulk_approve_action_publishes_nothing(request, client, in_review, user_fixture):
    # Bulk approval cannot be bound to the content a reviewer looked at: it is gone.
    sign_in(client, request.getfixturevalue(user_fixture))
    response = client.post(
        admin_url("changelist"),
        {"action": "approve_selected", "_selected_action": [in_review.pk]},
    )
    assert "No action selected." in messages_of(response)
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


def test_no_bulk_approval_exists_to_rely_on_hiding(reviewer, superuser):
    model_admin = ArticleAdmin(Article, admin.site)
    assert not hasattr(model_admin, "approve_selected")
    for user in (reviewer, superuser):
        request = RequestFactory().get("/")
        request.user = user
        actions = model_admin.get_actions(request)
        assert "submit_selected" in actions
        assert "approve_selected" not in actions


def test_bulk_approval_is_offered_to_nobody(client, editor, reviewer, in_review):
    for user in (editor, reviewer):
        sign_in(client, user)
        html = client.get(admin_url("changelist")).content.decode()
        assert 'value="submit_selected"' in html
        assert "approve_selected" not in html


def test_reviewer_approves_and_publishes(client, reviewer, reviewer_person, in_review):
    sign_in(client, reviewer)
    seen = fingerprint_shown(client, in_review)
    response = decide(
        client,
        in_review,
        content_hash=seen,
        change_note="Checked the dosing advice.",
        review_interval_months=6,
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url("change", in_review.pk)
    assert "“Naloxone at home” was approved and published." in messages_of(response)
    in_review.refresh_from_db()
    today = timezone.localdate()
    assert in_review.status == Article.Status.PUBLISHED
    assert in_review.review_status == Article.ReviewStatus.APPROVED
    assert in_review.is_published()
    version = in_review.live_version
    assert version.number == 1
    assert version.content_hash == seen
    assert version.last_reviewed == today
    assert version.review_interval_months == 6
    assert version.next_review_due == add_months(today, 6)
    assert version.change_note == "Checked the dosing advice."
    assert version.approved_by == reviewer
    assert version.reviewer == reviewer_person
    review = Review.objects.get(article=in_review)
    assert review.decision == Review.Decision.APPROVED
    assert review.user == reviewer
    assert review.reviewer == reviewer_person
    assert review.comment == "Checked the dosing advice."
    assert review.version == version
    assert review.content_hash == seen
    client.logout()
    assert client.get("/articles/naloxone-at-home/").status_code == 200


def test_approving_a_scheduled_article_says_when_it_appears(client, reviewer, make_article):
    article = make_article(
        title="Scheduled piece", status=Article.ReviewStatus.IN_REVIEW,
        publish_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    sign_in(client, reviewer)
    response = approve_as_shown(client, article)
    [message] = messages_of(response)
    assert message.startswith("“Scheduled piece” was approved; it will be published on ")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_published()
    assert article.is_scheduled()


def test_reviewer_with_an_expired_licence_cannot_approve(
    client, reviewer, reviewer_person, in_review
):
    reviewer_person.licence_expires = timezone.localdate() - timedelta(days=1)
    reviewer_person.save()
    sign_in(client, reviewer)
    response = approve_as_shown(client, in_review)
    assert response.status_code == 200
    assert "licence expired" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


def test_article_without_citations_cannot_be_approved(client, reviewer, make_article):
    article = make_article(citations=0, status=Article.ReviewStatus.IN_REVIEW)
    sign_in(client, reviewer)
    response = approve_as_shown(client, article, approve_anyway="on")
    assert response.status_code == 200
    assert (
        "An article needs at least one citation before it can be approved."
        in response.content.decode()
    )
    article.refresh_from_db()
    assert article.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(article)


def test_approval_of_content_changed_since_it_was_shown_is_refused(
    client, editor, reviewer, in_review
):
    sign_in(client, reviewer)
    seen = fingerprint_shown(client, in_review)
    sign_in(client, editor)
    client.post(
        admin_url("change", in_review.pk),
        change_form_data(in_review, body=in_review.body + "\nAdded while the reviewer read.\n"),
    )
    sign_in(client, reviewer)
    response = decide(client, in_review, content_hash=seen)
    assert response.status_code == 200
    assert "The article was changed after you opened it." in response.content.decode()
    assert_never_approved(in_review)


# The other workflow steps ------------------------------------------------------


def test_editor_submits_a_draft_for_review(client, editor, draft):
    sign_in(client, editor)
    response = client.post(admin_url("submit", draft.pk))
    assert "“Fentanyl test strips” was sent for medical review." in messages_of(response)
    draft.refresh_from_db()
    assert draft.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(draft)


def test_editor_withdraws_a_draft_from_review(client, editor, in_review):
    sign_in(client, editor)
    response = client.post(admin_url("draft", in_review.pk))
    assert "“Naloxone at home” was withdrawn from review." in messages_of(response)
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.EDITING
    assert_never_approved(in_review)


def test_submit_selected_action(client, editor, draft):
    sign_in(client, editor)
    client.post(
        admin_url("changelist"), {"action": "submit_selected", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(draft)


def test_submit_action_submits_each_and_reports_each_failure(client, editor, draft, make_article):
    waiting = make_article(title="Waiting & <ready>", status=Article.ReviewStatus.IN_REVIEW)
    sign_in(client, editor)
    response = client.post(
        admin_url("changelist"),
        {"action": "submit_selected", "_selected_action": [draft.pk, waiting.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.review_status == Article.ReviewStatus.IN_REVIEW
    html = response.content.decode()
    assert "1 article was sent for review." in html
    assert "“Waiting &amp; &lt;ready&gt;”: This article is already waiting for review." in html


@pytest.mark.parametrize("step", ["archive", "unpublish", "draft"])
def test_editor_cannot_archive_or_unpublish(client, editor, published_article, step):
    sign_in(client, editor)
    response = client.post(admin_url(step, published_article.pk))
    assert response.status_code == 302
    assert any(m.startswith("Only medical reviewers can") for m in messages_of(response))
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.PUBLISHED
    client.logout()
    assert client.get(published_article.get_absolute_url()).status_code == 200


def test_reviewer_archives_and_returns_to_draft(client, reviewer, published_article):
    url = published_article.get_absolute_url()
    sign_in(client, reviewer)
    response = client.post(admin_url("archive", published_article.pk))
    assert f"“{published_article.title}” was archived." in messages_of(response)
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.ARCHIVED
    response = client.post(admin_url("unpublish", published_article.pk))
    assert f"“{published_article.title}” is no longer on the site." in messages_of(response)
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.DRAFT
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("step", WORKFLOW_STEPS)
def test_workflow_urls_refuse_get(client, reviewer, in_review, step):
    sign_in(client, reviewer)
    assert client.get(admin_url(step, in_review.pk)).status_code == 405
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


@pytest.mark.parametrize("step", [*WORKFLOW_STEPS, "review"])
def test_workflow_urls_need_a_csrf_token(reviewer, in_review, step):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, reviewer)
    data = {"action": "approve", "content_hash": fingerprint(in_review)}
    assert client.post(admin_url(step, in_review.pk), data).status_code == 403
    in_review.refresh_from_db()
    assert in_review.review_status == Article.ReviewStatus.IN_REVIEW
    assert_never_approved(in_review)


def test_workflow_urls_need_change_permission(client, django_user_model, draft):
    viewer = django_user_model.objects.create_user(username="vera-viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    sign_in(client, viewer)
    assert client.post(admin_url("submit", draft.pk)).status_code == 403
    assert client.get(admin_url("review", draft.pk)).status_code == 200
    assert decide(client, draft).status_code == 403
    draft.refresh_from_db()
    assert draft.review_status == Article.ReviewStatus.EDITING
    assert_never_approved(draft)


def test_workflow_url_for_a_missing_article_is_404(client, reviewer, db):
    sign_in(client, reviewer)
    assert client.post(admin_url("submit", 999999)).status_code == 404
    assert client.get(admin_url("review", 999999)).status_code == 404


def test_workflow_urls_need_staff_login(client, draft):
    for url in (admin_url("submit", draft.pk), admin_url("review", draft.pk)):
        response = client.post(url, {"action": "approve", "content_hash": fingerprint(draft)})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    draft.refresh_from_db()
    assert draft.review_status == Article.ReviewStatus.EDITING
    assert_never_approved(draft)


# The change form ---------------------------------------------------------------


def test_change_form_offers_approval_to_reviewers_only(client, editor, reviewer, in_review):
    review_link = f'<a class="button" href="{admin_url("review", in_review.pk)}">'
    sign_in(client, editor)
    html = client.get(admin_url("change", in_review.pk)).content.decode()
    assert review_link + "See what changed since the approved version</a>" in html
    assert "Review changes and approve" not in html
    assert f'action="{admin_url("draft", in_review.pk)}"' in html
    assert admin_url("unpublish", in_review.pk) not in html
    assert admin_url("archive", in_review.pk) not in html
    review_page = client.get(admin_url("review", in_review.pk)).content.decode()
    assert 'name="content_hash"' not in review_page
    assert "Approve and publish" not in review_page

    sign_in(client, reviewer)
    html = client.get(admin_url("change", in_review.pk)).content.decode()
    assert review_link + "Review changes and approve</a>" in html
    assert f'action="{admin_url("archive", in_review.pk)}"' in html
    review_page = client.get(admin_url("review", in_review.pk)).content.decode()
    assert '<input type="hidden" name="action" value="approve">' in review_page
    assert (
        f'<input type="hidden" name="content_hash" value="{fingerprint(in_review)}">'
        in review_page
    )
    assert 'name="change_note"' in review_page
    assert 'name="review_interval_months"' in review_page
    assert "Approve and publish" in review_page


def test_change_form_shows_status_read_only(client, editor, draft):
    sign_in(client, editor)
    html = client.get(admin_url("change", draft.pk)).content.decode()
    for field in ("status", "review_status", "live_version", "last_reviewed"):
        assert f'name="{field}"' not in html, field
    assert 'name="review_interval_months"' not in html
    assert f'action="{admin_url("submit", draft.pk)}"' in html


def test_change_form_links_to_the_preview(client, editor, draft):
    sign_in(client, editor)
    html = client.get(admin_url("change", draft.pk)).content.decode()
    assert f'href="{reverse("article_preview", args=[draft.pk])}"' in html


def test_view_on_site_only_for_published_articles(client, editor, draft, published_article):
    sign_in(client, editor)
    assert "viewsitelink" not in client.get(admin_url("change", draft.pk)).content.decode()
    html = client.get(admin_url("change", published_article.pk)).content.decode()
    assert f'href="{published_article.get_absolute_url()}" class="viewsitelink"' in html


def test_change_form_and_review_page_have_no_inline_script_or_style(client, reviewer, in_review):
    sign_in(client, reviewer)
    html = client.get(admin_url("change", in_review.pk)).content.decode()
    workflow = html[html.index('class="module aligned workflow"') :]
    workflow = workflow[: workflow.index("</section>")]
    html = client.get(admin_url("review", in_review.pk)).content.decode()
    review = html[html.index('<div id="content-main" class="article-review">') :]
    assert "Approve and publish" in review
    for part in (workflow, review):
        assert "<script" not in part
        assert "style=" not in part
        assert "onclick" not in part


def test_content_checks_show_a_flagged_word_and_a_stale_citation(client, editor, make_article):
    article = make_article(
        body="## Help\n\nAn addict can recover.[^1] See also.[^2]\n",
        when_to_get_help="If a user stops breathing, call 911.",
    )
    citation = article.citations.get()
    citation.title = "Old & <forgotten> source"
    citation.last_checked = timezone.localdate() - timedelta(days=400)
    citation.save()
    sign_in(client, editor)
    html = client.get(admin_url("change", article.pk)).content.decode()
    assert "<strong>“addict”</strong> in body" in html
    assert "say “person with a substance use disorder” instead." in html
    assert "<strong>“user”</strong> in when to get help now" in html
    assert "<strong>Citation 1</strong> (“Old &amp; &lt;forgotten&gt; source”)" in html
    assert "<forgotten>" not in html
    assert "<strong>[^2]</strong> is in the body, but there is no citation 2." in html
    assert "target 8 or lower" in html


def test_content_checks_flag_a_reading_grade_above_target(client, editor, make_article):
    article = make_article(
        body="Pharmacological detoxification necessitates comprehensive multidisciplinary "
        "supervision, individualised medication administration, and continuous "
        "physiological monitoring throughout withdrawal.[^1]"
    )
    sign_in(client, editor)
    html = client.get(admin_url("change", article.pk)).content.decode()
    assert "Too hard to read" in html


def test_admin_escapes_markup_in_an_article_title(client, reviewer, make_article):
    article = overdue_article(make_article, title="Pills & <script>alert(1)</script>")
    sign_in(client, reviewer)
    for url in (
        admin_url("changelist"),
        admin_url("change", article.pk),
        admin_url("review", article.pk),
        admin_url("reviews_due"),
        admin_url("history", article.pk),
    ):
        html = client.get(url).content.decode()
        assert "Pills &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "<script>alert(1)</script>" not in html, url


def test_history_shows_who_changed_what(client, reviewer, in_review):
    sign_in(client, reviewer)
    approve_as_shown(client, in_review)
    html = client.get(admin_url("history", in_review.pk)).content.decode()
    assert "rhea-reviewer" in html
    assert "Version 1 approved by Dr. Orla Brightwater" in html
    assert "Published" in html


# The changelist ----------------------------------------------------------------


def test_changelist_filters_review_overdue(client, editor, make_article):
    overdue = overdue_article(make_article, title="Overdue piece")
    due_soon_article(make_article, title="Due-soon piece")
    make_article(title="Fresh piece")
    overdue_article(make_article, title="Archived piece", status=Article.Status.ARCHIVED)
    sign_in(client, editor)
    response = client.get(admin_url("changelist"), {"review_overdue": "yes"})
    assert list(response.context["cl"].result_list) == [overdue]


def test_changelist_filters_review_due_in_30_days(client, editor, make_article):
    overdue_article(make_article, title="Overdue piece")
    due_soon = due_soon_article(make_article, title="Due-soon piece")
    make_article(title="Fresh piece")
    sign_in(client, editor)
    response = client.get(admin_url("changelist"), {"review_due_soon": "yes"})
    assert list(response.context["cl"].result_list) == [due_soon]
    assert "review due in 30 days" in response.content.decode()


def test_changelist_shows_review_state(client, editor, make_article, draft):
    overdue_article(make_article)
    due_soon_article(make_article)
    make_article()
    sign_in(client, editor)
    html = client.get(admin_url("changelist")).content.decode()
    for state in ("Overdue", "Due in 10 days", "OK", "Never reviewed"):
        assert f'<td class="field-review">{state}</td>' in html, state


def test_changelist_queries_do_not_grow_with_articles(
    client, editor, make_article, django_assert_max_num_queries
):
    make_article()
    sign_in(client, editor)
    client.get(admin_url("changelist"))  # session and content types warmed up
    with django_assert_max_num_queries(10):
        assert client.get(admin_url("changelist")).status_code == 200
    for i in range(25):
        make_article(author=Person.objects.create(name="A", slug=f"a-{i}", role="author"))
    with django_assert_max_num_queries(10):
        response = client.get(admin_url("changelist"))
    assert len(response.context["cl"].result_list) == 26


def test_changelist_searches_body(client, editor, make_article):
    wanted = make_article(body="Buprenorphine starts when withdrawal begins.[^1]")
    make_article()
    sign_in(client, editor)
    response = client.get(admin_url("changelist"), {"q": "buprenorphine"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_changelist_links_to_reviews_due(client, editor, db):
    sign_in(client, editor)
    html = client.get(admin_url("changelist")).content.decode()
    assert f'href="{admin_url("reviews_due")}"' in html


# Reviews due page --------------------------------------------------------------


def test_reviews_due_page_lists_overdue_and_due_soon(client, reviewer, make_article):
    overdue = overdue_article(make_article, title="Overdue piece")
    due_soon = due_soon_article(make_article, title="Due-soon piece")
    make_article(title="Fresh piece")
    sign_in(client, reviewer)
    response = client.get(admin_url("reviews_due"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{admin_url("change", overdue.pk)}">Overdue piece</a>' in html
    assert f'<a href="{admin_url("change", due_soon.pk)}">Due-soon piece</a>' in html
    assert html.index("Overdue piece") < html.index("Due-soon piece")
    assert "Fresh piece" not in html


def test_reviews_due_page_says_when_nothing_is_due(client, editor, make_article):
    make_article()
    sign_in(client, editor)
    assert "No reviews due." in client.get(admin_url("reviews_due")).content.decode()


def test_reviews_due_page_needs_view_permission(client, django_user_model, db):
    staff = django_user_model.objects.create_user(username="no-perms", is_staff=True)
    sign_in(client, staff)
    assert client.get(admin_url("reviews_due")).status_code == 403


def test_reviews_due_page_needs_staff(client, django_user_model, db):
    visitor = django_user_model.objects.create_user(username="visitor")
    sign_in(client, visitor)
    response = client.get(admin_url("reviews_due"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Other models ------------------------------------------------------------------


def test_reviews_are_read_only_even_for_a_superuser(client, superuser, reviewer, in_review):
    sign_in(client, reviewer)
    approve_as_shown(client, in_review, change_note="Checked.")
    review = Review.objects.get()
    version = review.version
    sign_in(client, superuser)
    assert client.get(reverse("admin:content_review_add")).status_code == 403
    assert client.get(reverse("admin:content_review_delete", args=[review.pk])).status_code == 403
    change_url = reverse("admin:content_review_change", args=[review.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"comment": "Rewritten."}).status_code == 403
    review.refresh_from_db()
    assert review.comment == "Checked."
    # The approved versions are read-only in the same way.
    version_url = reverse("admin:content_articleversion_change", args=[version.pk])
    assert client.get(version_url).status_code == 200
    assert client.post(version_url, {"change_note": "Rewritten."}).status_code == 403
    delete_url = reverse("admin:content_articleversion_delete", args=[version.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ArticleVersion.objects.get(pk=version.pk).change_note == "Checked."


def test_reviewer_cannot_renew_their_own_licence(client, reviewer, reviewer_person):
    expired = timezone.localdate() - timedelta(days=1)
    reviewer_person.licence_expires = expired
    reviewer_person.save()
    sign_in(client, reviewer)
    url = reverse("admin:content_person_change", args=[reviewer_person.pk])
    response = client.post(
        url,
        {
            "name": reviewer_person.name,
            "slug": reviewer_person.slug,
            "role": reviewer_person.role,
            "credentials": "MD",
            "licence_type": "Physician (MD)",
            "licence_state": "OH",
            "licence_expires": "2099-01-01",
            "user": reviewer.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    reviewer_person.refresh_from_db()
    assert reviewer_person.licence_expires == expired
    assert reviewer_person.user == reviewer


def test_topic_and_person_forms_load(client, editor, topic, author):
    sign_in(client, editor)
    assert client.get(reverse("admin:content_topic_add")).status_code == 200
    assert client.get(reverse("admin:content_topic_change", args=[topic.pk])).status_code == 200
    html = client.get(reverse("admin:content_person_change", args=[author.pk])).content.decode()
    assert "Licence and approval" in html
