"""Reviewed means reviewed: visitors see only the exact text a licensed reviewer approved.

Every route that could change a live page is tried here as the editor
would try it, and each must leave the public page as it was approved.
"""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import Article, ArticleVersion, Citation, Person, Review
from content.services import (
    WorkflowError,
    article_approve,
    article_publish_correction,
    article_request_changes,
    article_submit_for_review,
)
from tests.auth import sign_in
from tests.content.admin_forms import change_form_data as form_data
from tests.content.admin_forms import fingerprint, messages_of

APPENDED = "A paragraph nobody has reviewed yet."


def admin_url(name, *args):
    return reverse(f"admin:content_article_{name}", args=args)


def citation_form_data(article, **changes):
    """The change form with the article's citations as inline rows, ``changes`` applied."""
    data = form_data(article)
    citations = list(article.citations.order_by("order"))
    data.update(
        {"citations-TOTAL_FORMS": len(citations), "citations-INITIAL_FORMS": len(citations)}
    )
    for i, c in enumerate(citations):
        data.update(
            {
                f"citations-{i}-id": c.pk,
                f"citations-{i}-article": article.pk,
                f"citations-{i}-order": c.order,
                f"citations-{i}-authors": c.authors,
                f"citations-{i}-title": c.title,
                f"citations-{i}-publisher": c.publisher,
                f"citations-{i}-year": c.year or "",
                f"citations-{i}-url": c.url,
                f"citations-{i}-doi": c.doi,
                f"citations-{i}-pmid": c.pmid,
                f"citations-{i}-last_checked": c.last_checked.isoformat(),
            }
        )
    data.update(changes)
    return data


def approve(client, article, **fields):
    data = {"action": "approve", "content_hash": fingerprint(article), "change_note": ""}
    data.update(fields)
    return client.post(admin_url("review", article.pk), data)


def public_snapshot(client, article):
    """Everything a visitor or a machine reads about ``article``, as text."""
    url = Article.objects.get(pk=article.pk).get_absolute_url()
    return {
        "page": client.get(url).content.decode(),
        "sitemap": client.get("/sitemap.xml").content.decode(),
        "feed": client.get("/feed/").content.decode(),
        "search": client.get("/search/", {"q": "source"}).content.decode(),
        "list": client.get("/articles/").content.decode(),
        "history": client.get(url + "review-history/").content.decode(),
    }


@pytest.fixture
def live(make_article):
    return make_article(title="Heroin withdrawal", slug="heroin-withdrawal")


@pytest.fixture
def other_reviewer(db, django_user_model):
    from content.roles import MEDICAL_REVIEWERS
    from tests.conftest import _staff_user

    user = _staff_user(django_user_model, "otto-otherreviewer", MEDICAL_REVIEWERS)
    Person.objects.create(
        name="Dr. Otto Marchbank", slug="otto-marchbank", role=Person.Role.REVIEWER,
        credentials="DO", licence_type="Physician (DO)", licence_state="PA",
        licence_expires=timezone.localdate() + timedelta(days=200), user=user,
    )  # fmt: skip
    return user


# Editing never changes the public page -----------------------------------------


def test_editing_a_published_article_leaves_the_public_site_unchanged(client, editor, live):
    before = public_snapshot(client, live)
    sign_in(client, editor)
    response = client.post(
        admin_url("change", live.pk),
        form_data(
            live,
            title="Heroin withdrawal, rewritten",
            summary="An unreviewed summary.",
            body=live.body + "\n\n" + APPENDED + "\n",
            when_to_get_help="Unreviewed advice.",
            meta_description="Unreviewed description.",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    after = public_snapshot(client, live)
    assert after == before
    assert APPENDED not in after["page"] and "rewritten" not in after["page"]
    live.refresh_from_db()
    assert live.title == "Heroin withdrawal, rewritten"  # the working copy did change
    assert live.review_status == Article.ReviewStatus.EDITING


def test_pending_change_is_visible_to_staff_in_the_list_and_the_form(client, editor, live):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, body=live.body + APPENDED))
    listing = client.get(admin_url("changelist")).content.decode()
    assert "Published, with changes waiting for review" in listing
    form = client.get(admin_url("change", live.pk)).content.decode()
    assert "Published, with changes waiting for review" in form


def test_saving_the_approved_text_again_is_not_a_pending_change(client, editor, live):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live))
    assert Article.objects.get(pk=live.pk).review_status == Article.ReviewStatus.APPROVED


@pytest.mark.parametrize(
    "changes",
    [
        {"review_interval_months": 120},
        {"status": "archived", "review_status": "approved", "live_version": ""},
        {"last_reviewed": "2030-01-01", "next_review_due": "2099-01-01"},
    ],
    ids=["interval", "status", "dates"],
)
def test_crafted_posts_cannot_touch_what_the_workflow_owns(client, editor, live, changes):
    version = live.live_version
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, **changes))
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED
    assert live.live_version == version
    assert version.review_interval_months == 12
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    assert version.next_review_due.isoformat() in html


def test_editor_changing_the_reviewer_and_note_only_proposes_them(
    client, editor, live, other_reviewer
):
    sign_in(client, editor)
    otto = Person.objects.get(slug="otto-marchbank")
    client.post(
        admin_url("change", live.pk),
        form_data(live, reviewer=otto.pk, change_note="Rewrote everything."),
    )
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    page = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))[0]
    assert "Otto" not in html and "Rewrote everything." not in html
    assert page["reviewedBy"]["name"] == "Dr. Orla Brightwater"
    assert "Heroin withdrawal" not in client.get("/people/otto-marchbank/").content.decode()


def test_publish_time_of_a_live_article_cannot_be_moved(client, editor, live):
    sign_in(client, editor)
    client.post(
        admin_url("change", live.pk),
        form_data(live, publish_at_0="2099-01-01", publish_at_1="09:00:00"),
    )
    client.logout()
    assert client.get(live.get_absolute_url()).status_code == 200


def test_publish_time_of_a_scheduled_article_is_a_proposal(client, editor, make_article):
    scheduled = make_article(publish_at=timezone.now() + timedelta(days=5))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    sign_in(client, editor)
    earlier = timezone.localtime(timezone.now() - timedelta(days=1))
    client.post(
        admin_url("change", scheduled.pk),
        form_data(
            scheduled,
            publish_at_0=earlier.date().isoformat(),
            publish_at_1=earlier.time().isoformat(timespec="seconds"),
        ),
    )
    client.logout()
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    scheduled.refresh_from_db()
    assert scheduled.review_status == Article.ReviewStatus.EDITING


def test_editing_or_deleting_a_citation_does_not_change_the_live_page(client, editor, live):
    before = client.get(live.get_absolute_url()).content.decode()
    sign_in(client, editor)
    response = client.post(
        admin_url("change", live.pk),
        citation_form_data(live, **{"citations-0-title": "A different source"}),
    )
    assert response.status_code == 302, response.content.decode()
    Citation.objects.filter(article=live).delete()
    client.logout()
    after = client.get(live.get_absolute_url()).content.decode()
    assert after == before
    assert "Source 1" in after and "A different source" not in after


def test_restoring_an_old_revision_never_publishes_it(client, editor, reviewer, live):
    sign_in(client, editor)
    old_revision = live.history.earliest()
    client.post(admin_url("change", live.pk), form_data(live, title="Second title"))
    response = client.post(
        admin_url("simple_history", live.pk, old_revision.history_id),
        form_data(old_revision.instance, title="Restored title"),
    )
    assert response.status_code == 302, response.content.decode()
    live.refresh_from_db()
    assert live.title == "Restored title"
    assert live.review_status == Article.ReviewStatus.EDITING
    assert live.status == Article.Status.PUBLISHED and live.live_version.number == 1
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    assert "<h1>Heroin withdrawal</h1>" in html


def test_history_page_reads_as_people_would(client, editor, reviewer, live):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, title="Heroin withdrawal, again"))
    client.post(admin_url("submit", live.pk))
    html = client.get(admin_url("history", live.pk)).content.decode()
    assert "Title:" in html and "Heroin withdrawal, again" in html
    assert "Sent for review" in html
    assert "In review" in html and "in_review" not in html
    assert "Change reason" not in html and ">None<" not in html
    assert "edith-editor" in html


def test_the_bulk_approve_action_is_gone(client, reviewer, make_article):
    article = make_article(status=Article.ReviewStatus.IN_REVIEW)
    sign_in(client, reviewer)
    listing = client.get(admin_url("changelist")).content.decode()
    assert "approve_selected" not in listing
    client.post(
        admin_url("changelist"), {"action": "approve_selected", "_selected_action": [article.pk]}
    )
    assert not ArticleVersion.objects.filter(article=article).exists()


@pytest.mark.parametrize("step", ["unpublish", "archive"])
def test_editor_cannot_take_a_live_article_down(client, editor, live, step):
    sign_in(client, editor)
    response = client.post(admin_url(step, live.pk))
    assert any("Only medical reviewers" in m for m in messages_of(response))
    client.logout()
    assert client.get(live.get_absolute_url()).status_code == 200


def test_editor_cannot_approve_or_correct_through_the_review_page(client, editor, live):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, body=live.body + APPENDED))
    for action in ("approve", "correct"):
        response = approve(client, live, action=action, change_note="Fixed a typo.")
        assert "Only medical reviewers" in response.content.decode()
    assert live.versions.count() == 1


def test_scheduled_article_is_never_shown_to_staff_as_published(client, editor, make_article):
    scheduled = make_article(publish_at=timezone.now() + timedelta(days=5))
    sign_in(client, editor)
    listing = client.get(admin_url("changelist")).content.decode()
    form = client.get(admin_url("change", scheduled.pk)).content.decode()
    preview = client.get(f"/preview/articles/{scheduled.pk}/").content.decode()
    for html in (listing, form, preview):
        assert "Scheduled for" in html
    assert 'field-state">Published<' not in listing


# Review is a real step ------------------------------------------------------------


def test_reviewer_sees_a_word_level_diff_and_citation_changes(client, editor, reviewer, live):
    sign_in(client, editor)
    data = citation_form_data(live, body=live.body + "\n" + APPENDED + "[^2]\n")
    data.update(
        {
            "citations-TOTAL_FORMS": 2,
            "citations-1-order": 2,
            "citations-1-authors": "SAMHSA",
            "citations-1-title": "TIP 63",
            "citations-1-url": "https://store.samhsa.gov/tip-63",
            "citations-1-last_checked": timezone.localdate().isoformat(),
        }
    )
    assert client.post(admin_url("change", live.pk), data).status_code == 302
    sign_in(client, reviewer)
    html = client.get(admin_url("review", live.pk)).content.decode()
    assert "<ins>" in html and "A paragraph nobody has reviewed yet" in html
    assert "Some text that cites a source" in html  # unchanged text reads as is
    assert "Added:" in html and "TIP 63" in html


def test_first_approval_shows_the_whole_text(client, reviewer, make_article):
    draft = make_article(status=Article.ReviewStatus.IN_REVIEW, body="## Start\n\nAll new.[^1]\n")
    sign_in(client, reviewer)
    html = client.get(admin_url("review", draft.pk)).content.decode()
    assert "never been approved" in html and "All new." in html


@pytest.mark.parametrize(
    ("body", "citations", "message"),
    [
        ("Text.[^1] More.[^3]", 2, "there is no citation with that number"),
        ("Text.[^1]", 2, "never referred to"),
        ("See [this](/articles/no-such-article/).[^1]", 1, "goes to no published article"),
    ],
    ids=["dead-reference", "unused-citation", "broken-link"],
)
def test_checks_that_make_a_page_wrong_block_approval(
    client, reviewer, make_article, body, citations, message
):
    article = make_article(status=Article.ReviewStatus.IN_REVIEW, body=body, citations=citations)
    sign_in(client, reviewer)
    assert message in client.get(admin_url("review", article.pk)).content.decode()
    response = approve(client, article, approve_anyway="on")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ArticleVersion.objects.filter(article=article).exists()


def test_a_link_to_a_published_article_is_not_broken(client, reviewer, live, make_article):
    article = make_article(
        status=Article.ReviewStatus.IN_REVIEW, body=f"See [it]({live.get_absolute_url()}).[^1]"
    )
    sign_in(client, reviewer)
    response = approve(client, article)
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize(
    "licence",
    [
        {"licence_expires": timezone.localdate() - timedelta(days=1)},
        {"licence_type": "", "licence_state": "", "licence_expires": None},
    ],
    ids=["expired", "missing"],
)
def test_reviewer_without_a_current_licence_cannot_approve(
    reviewer, reviewer_person, make_article, licence
):
    article = make_article(status=Article.ReviewStatus.IN_REVIEW)
    Person.objects.filter(pk=reviewer_person.pk).update(**licence)
    reviewer.refresh_from_db()
    with pytest.raises(WorkflowError, match="licence"):
        article_approve(article=article, user=reviewer, content_hash=fingerprint(article))
    assert not ArticleVersion.objects.filter(article=article).exists()


def test_advice_needs_an_explicit_approve_anyway_which_is_recorded(client, reviewer, make_article):
    article = make_article(
        status=Article.ReviewStatus.IN_REVIEW,
        body="## Facts\n\nAn addict can recover.[^1]\n",
    )
    sign_in(client, reviewer)
    refused = approve(client, article, change_note="Checked.")
    assert "Approve anyway" in refused.content.decode()
    assert "Checked." in refused.content.decode()  # what the reviewer typed is kept
    assert not ArticleVersion.objects.filter(article=article).exists()
    accepted = approve(client, article, change_note="Checked.", approve_anyway="on")
    assert accepted.status_code == 302
    version = ArticleVersion.objects.get(article=article)
    assert any("addict" in advice for advice in version.advice_overridden)


def test_request_changes_needs_a_comment_and_shows_it_to_the_editor_until_resubmitted(
    client, editor, reviewer, live
):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, body=live.body + APPENDED))
    client.post(admin_url("submit", live.pk))
    sign_in(client, reviewer)
    empty = client.post(
        admin_url("review", live.pk),
        {"action": "request_changes", "content_hash": "x", "comment": " "},
    )
    assert "the comment is required" in empty.content.decode()
    client.post(
        admin_url("review", live.pk),
        {"action": "request_changes", "content_hash": "x", "comment": "Cite the dosing claim."},
    )
    live.refresh_from_db()
    assert live.review_status == Article.ReviewStatus.CHANGES_REQUESTED
    sign_in(client, editor)
    form = client.get(admin_url("change", live.pk)).content.decode()
    assert "Cite the dosing claim." in form and "asked for changes" in form
    client.post(admin_url("submit", live.pk))
    form = client.get(admin_url("change", live.pk)).content.decode()
    assert "asked for changes" not in form
    request = Review.objects.get(decision=Review.Decision.CHANGES_REQUESTED)
    assert request.comment == "Cite the dosing claim." and request.resolved_at is not None


def test_approval_is_bound_to_the_version_the_reviewer_saw(client, editor, reviewer, live):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, body=live.body + APPENDED))
    sign_in(client, reviewer)
    page = client.get(admin_url("review", live.pk)).content.decode()
    seen = re.search(r'name="content_hash" value="([0-9a-f]{64})"', page).group(1)
    # The editor saves once more while the reviewer reads.
    sign_in(client, editor)
    client.post(
        admin_url("change", Article.objects.get(pk=live.pk).pk),
        form_data(Article.objects.get(pk=live.pk), body=live.body + APPENDED + " Sneaked in."),
    )
    sign_in(client, reviewer)
    response = client.post(
        admin_url("review", live.pk), {"action": "approve", "content_hash": seen}
    )
    assert "changed after you opened it" in response.content.decode()
    assert live.versions.count() == 1
    client.logout()
    assert "Sneaked in." not in client.get(live.get_absolute_url()).content.decode()


def test_a_reviewer_approving_another_reviewers_article_becomes_its_named_reviewer(
    client, other_reviewer, live
):
    sign_in(client, other_reviewer)
    refused = approve(client, live, change_note="Second opinion.")
    assert "Approve as the named reviewer" in refused.content.decode()
    assert live.versions.count() == 1
    assert approve(client, live, take_over="on").status_code == 302
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    assert "Dr. Otto Marchbank" in html and "Orla Brightwater" not in html.split("Sources")[0]
    version = Article.objects.get(pk=live.pk).live_version
    assert version.reviewer.slug == "otto-marchbank" and version.approved_by == other_reviewer


def test_approval_publishes_exactly_the_approved_text_and_records_it(
    client, editor, reviewer, live
):
    sign_in(client, editor)
    client.post(
        admin_url("change", live.pk),
        form_data(live, body=live.body + "\n" + APPENDED + "\n", change_note="Added a paragraph."),
    )
    sign_in(client, reviewer)
    response = approve(
        client, live, change_note="Added a paragraph on timing.", review_interval_months=6
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    html = client.get(live.get_absolute_url()).content.decode()
    assert APPENDED in html
    assert "Added a paragraph on timing." in html
    version = Article.objects.get(pk=live.pk).live_version
    assert version.number == 2 and version.review_interval_months == 6
    assert version.last_reviewed == timezone.localdate()
    history = client.get(live.get_absolute_url() + "review-history/").content.decode()
    assert history.index("Added a paragraph on timing.") < history.index("First medical review.")
    assert 'href="/people/orla-brightwater/"' in history


def test_slug_change_takes_effect_at_approval_and_the_old_address_redirects(
    client, editor, reviewer, live
):
    sign_in(client, editor)
    client.post(admin_url("change", live.pk), form_data(live, slug="opioid-withdrawal"))
    client.logout()
    assert client.get("/articles/heroin-withdrawal/").status_code == 200
    assert client.get("/articles/opioid-withdrawal/").status_code == 404
    sign_in(client, reviewer)
    assert approve(client, live).status_code == 302
    client.logout()
    moved = client.get("/articles/heroin-withdrawal/")
    assert moved.status_code == 301 and moved["Location"] == "/articles/opioid-withdrawal/"
    history = client.get("/articles/heroin-withdrawal/review-history/")
    assert history.status_code == 301
    assert client.get("/articles/opioid-withdrawal/").status_code == 200


def test_a_correction_keeps_the_review_date_and_is_recorded_as_such(
    client, editor, reviewer, make_article
):
    article = make_article(last_reviewed=timezone.localdate() - timedelta(days=60))
    reviewed = article.live_version.last_reviewed
    sign_in(client, editor)
    client.post(
        admin_url("change", article.pk), form_data(article, title="Article with a typo fixed")
    )
    sign_in(client, reviewer)
    refused = approve(client, article, action="correct", change_note="")
    assert "Say what was corrected" in refused.content.decode()
    approve(client, article, action="correct", change_note="Fixed a spelling mistake.")
    version = Article.objects.get(pk=article.pk).live_version
    assert version.kind == ArticleVersion.Kind.CORRECTION
    assert version.last_reviewed == reviewed
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<time datetime="{reviewed.isoformat()}">' in html
    assert "Corrected" in html and "Fixed a spelling mistake." in html
    history = client.get(article.get_absolute_url() + "review-history/").content.decode()
    assert "Correction, no clinical change" in history


def test_updated_is_never_later_than_last_reviewed_for_a_review(client, live):
    html = client.get(live.get_absolute_url()).content.decode()
    assert ">Updated<" not in html  # first version: the review and publication dates say it all
    page = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))[0]
    assert (
        page["dateModified"] <= page["lastReviewed"]
        or page["dateModified"] == page["datePublished"]
    )


def test_review_history_is_404_for_an_article_visitors_cannot_see(client, make_article):
    draft = make_article(status=Article.Status.DRAFT, slug="a-draft")
    assert client.get("/articles/a-draft/review-history/").status_code == 404
    assert draft.versions.count() == 0


def test_approved_versions_never_change(live):
    version = live.live_version
    version.title = "Changed after approval"
    with pytest.raises(ValueError, match="never changes"):
        version.save()
    with pytest.raises(ValueError):
        version.delete()


def test_submit_and_request_changes_through_the_services(editor, reviewer, make_article):
    article = make_article(status=Article.Status.DRAFT)
    article_submit_for_review(article=article, user=editor)
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        article_request_changes(article=article, user=editor, comment="No.")
    review = article_request_changes(article=article, user=reviewer, comment="Shorter, please.")
    assert review.reviewer == reviewer.person
    with pytest.raises(WorkflowError, match="Only a published article"):
        article_publish_correction(
            article=article, user=reviewer, content_hash=fingerprint(article), change_note="x"
        )


def test_reviewer_sees_and_approves_the_proposed_schedule(client, reviewer, make_article):
    later = timezone.now() + timedelta(days=3)
    article = make_article(status=Article.ReviewStatus.IN_REVIEW, publish_at=later)
    sign_in(client, reviewer)
    page = client.get(admin_url("review", article.pk)).content.decode()
    assert "Approving schedules the article" in page
    approve(client, article)
    article.refresh_from_db()
    assert article.is_scheduled() and article.live_version.publish_at == later
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_approved_article_is_archived_not_deleted(client, superuser, live):
    # The review record outlives the article's place on the site.
    sign_in(client, superuser)
    page = client.get(admin_url("delete", live.pk))
    assert page.status_code == 200 and "Cannot delete article" in page.content.decode()
    client.post(admin_url("delete", live.pk), {"post": "yes"})
    assert Article.objects.filter(pk=live.pk).exists()
    assert live.versions.count() == 1


def test_the_fentanyl_warning_is_shown_first_and_apart_and_needs_approve_anyway(
    client, reviewer, make_article
):
    article = make_article(
        status=Article.ReviewStatus.IN_REVIEW,
        title="Heroin overdose",
        body="## Facts\n\nCall 911 at once.[^1]\n",
    )
    sign_in(client, reviewer)
    page = client.get(admin_url("review", article.pk)).content.decode()
    checks = page.split('<h2 id="checks-heading">Checks</h2>', 1)[1]
    warning = checks.split('<div class="errornote clinical-warnings" role="note">', 1)[1]
    assert warning.index("Clinical safety: read this before approving.") < 100
    assert "never mentions fentanyl" in warning.split("</div>", 1)[0]
    # Not repeated among the other advice.
    assert "Advice to weigh before approving" not in page
    assert 'id="approve-anyway"' in page

    refused = approve(client, article, change_note="Checked.")
    assert "Approve anyway" in refused.content.decode()
    assert not ArticleVersion.objects.filter(article=article).exists()
    assert approve(client, article, approve_anyway="on").status_code == 302
    version = ArticleVersion.objects.get(article=article)
    assert any("fentanyl" in advice for advice in version.advice_overridden)


def test_the_article_form_shows_the_fentanyl_warning_and_the_box_advice(
    client, editor, make_article
):
    article = make_article(title="Heroin overdose", key_points="Only one.", when_to_get_help="")
    sign_in(client, editor)
    html = client.get(admin_url("change", article.pk)).content.decode()
    assert "Clinical safety: read this before approving." in html
    assert "never mentions fentanyl" in html
    assert "There is 1 key point; give three to five, one per line." in html
    assert "No “When to get help now” box" in html
    assert 'name="key_points"' in html
