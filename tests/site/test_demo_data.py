"""Demo data loads idempotently, through the review workflow; demo staff only in demo mode."""

import json
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from content.models import (
    Article,
    ArticleVersion,
    CenterProfile,
    Person,
    Review,
    SitePage,
    add_months,
    content_hash,
)

DRAFT = "recovery-housing"
SCHEDULED = "words-matter-talking-about-addiction"
OVERDUE = "aftercare-and-relapse-prevention"
PENDING = "heroin-withdrawal-symptoms-and-timeline"
CHANGES_REQUESTED = "medications-for-opioid-use-disorder"
DEMO_REVIEWER = "odalys-brambleworth"


def _approvals():
    """The approvals the demo records for each article, from its fixture."""
    path = Path(settings.BASE_DIR) / "fixtures" / "demo_reviews.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _snapshot():
    return (
        list(CenterProfile.objects.values()),
        list(SitePage.objects.order_by("pk").values()),
        list(Article.objects.order_by("pk").values()),
        list(ArticleVersion.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
    )


def test_loading_twice_changes_nothing(db):
    call_command("load_demo_data", verbosity=0)
    first = _snapshot()
    versions = ArticleVersion.objects.count()
    call_command("load_demo_data", verbosity=0)
    assert _snapshot() == first
    assert ArticleVersion.objects.count() == versions
    assert SitePage.objects.count() == 4
    assert CenterProfile.objects.count() == 1


def test_loading_again_keeps_an_edit_made_in_the_admin(db):
    call_command("load_demo_data", verbosity=0)
    CenterProfile.objects.update(name="Our Own Center")
    call_command("load_demo_data", verbosity=0)
    assert CenterProfile.objects.get().name == "Our Own Center"


def test_demo_center_uses_a_number_reserved_for_fiction(center):
    assert center.main_phone[5:9] == "5550"
    assert 100 <= int(center.main_phone[-4:]) <= 199
    assert center.is_demo is True


def test_demo_staff_are_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created with DEBUG=true"):
        call_command("create_demo_staff")
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_demo_staff_get_one_account_per_role_and_a_working_password(db, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_staff")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    roles = {
        "demo-editor": "Content editors",
        "demo-reviewer": "Medical reviewers",
        "demo-admissions": "Admissions",
        "demo-center-admin": "Center administrators",
    }
    for username, group in roles.items():
        user = authenticate(RequestFactory().post("/"), username=username, password=password)
        assert user is not None and user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]


def test_demo_staff_twice_keeps_the_password(db, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_staff")
    password = capsys.readouterr().out.split("password: ")[1].split()[0]
    call_command("create_demo_staff")
    assert "password unchanged" in capsys.readouterr().out
    request = RequestFactory().post("/")
    assert authenticate(request, username="demo-editor", password=password) is not None


def test_demo_articles_cover_every_state_and_pass_our_own_checks(demo_data):
    from content.readability import reading_grade, words_to_avoid

    articles = list(Article.objects.select_related("live_version").prefetch_related("citations"))
    assert len(articles) >= 10
    assert sum(a.is_published() for a in articles) >= 10
    assert any(a.is_published() and a.live_version.is_review_overdue() for a in articles)
    assert any(a.is_scheduled() for a in articles)
    assert any(a.status == Article.Status.DRAFT for a in articles)
    assert {a.review_status for a in articles if a.is_published()} == {
        Article.ReviewStatus.APPROVED,
        Article.ReviewStatus.IN_REVIEW,
        Article.ReviewStatus.CHANGES_REQUESTED,
    }
    for article in articles:
        assert len(article.citations.all()) >= 3, article.slug
        assert reading_grade(article.body) <= 9, article.slug
        text = " ".join([article.title, article.summary, article.body, article.when_to_get_help])
        assert words_to_avoid(text) == [], article.slug


def test_each_state_is_the_intended_article(demo_data):
    articles = {a.slug: a for a in Article.objects.select_related("live_version")}
    draft = articles[DRAFT]
    assert draft.status == Article.Status.DRAFT and draft.live_version is None
    assert articles[SCHEDULED].is_scheduled()
    assert articles[SCHEDULED].live_version.publish_at > timezone.now()
    overdue = articles[OVERDUE].live_version
    assert articles[OVERDUE].is_published() and overdue.is_review_overdue()
    assert overdue.last_reviewed < add_months(timezone.localdate(), -12)
    assert articles[PENDING].review_status == Article.ReviewStatus.IN_REVIEW
    assert articles[PENDING].change_note
    assert articles[CHANGES_REQUESTED].review_status == Article.ReviewStatus.CHANGES_REQUESTED


def test_every_article_but_the_draft_has_an_approved_version(demo_data):
    for article in Article.objects.exclude(slug=DRAFT).select_related("live_version"):
        version = article.live_version
        assert version is not None, article.slug
        assert article.status == Article.Status.PUBLISHED, article.slug
        assert version.reviewer_id == article.reviewer_id, article.slug
        assert version.review.decision == Review.Decision.APPROVED, article.slug


def test_each_article_shows_every_review_of_it_in_its_history(demo_data):
    approvals = _approvals()
    assert sum(len(v) >= 2 for v in approvals.values()) >= 5  # histories worth reading
    for article in Article.objects.all():
        versions = list(article.versions.order_by("number"))
        assert len(versions) == len(approvals.get(article.slug, [])), article.slug
        if not versions:
            assert article.slug == DRAFT
            continue
        first, last = versions[0], versions[-1]
        assert first.change_note == "First medical review.", article.slug
        assert last == article.live_version, article.slug
        assert last.first_published_at == first.publish_at, article.slug
        for earlier, later in pairwise(versions):
            assert earlier.last_reviewed < later.last_reviewed, article.slug
            assert later.change_note != "First medical review.", article.slug


def test_the_pending_change_waits_for_review_and_is_not_public(demo_data, client):
    article = Article.objects.select_related("live_version").get(slug=PENDING)
    added = "Losing too much fluid can become serious quickly."
    assert added in article.body
    assert added not in article.live_version.body
    assert content_hash(article.reviewable_content()) != article.live_version.content_hash
    assert article.reviewer.slug == article.live_version.reviewer.slug == DEMO_REVIEWER

    response = client.get(f"/articles/{PENDING}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Opioid withdrawal is what the body goes through" in page
    assert added not in page


def test_the_reviewer_asked_for_changes_on_one_article(demo_data):
    article = Article.objects.select_related("live_version").get(slug=CHANGES_REQUESTED)
    assert content_hash(article.reviewable_content()) != article.live_version.content_hash
    assert article.reviewer.slug == article.live_version.reviewer.slug == DEMO_REVIEWER
    request = article.reviews.get(decision=Review.Decision.CHANGES_REQUESTED)
    assert request.resolved_at is None
    assert request.reviewer.slug == DEMO_REVIEWER
    assert "take-home doses" in request.comment and "2024 rule" in request.comment
    assert request.content_hash == content_hash(article.reviewable_content())


def test_demo_reviewer_approves_as_the_demo_reviewer_profile(demo_data, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_staff")
    out = capsys.readouterr().out
    user = User.objects.get(username="demo-reviewer")
    person = Person.objects.get(slug=DEMO_REVIEWER)
    assert person.user == user
    assert person.licence_is_current()
    assert user.has_perm("content.approve_article")
    assert f"demo-reviewer approves as {person}" in out


def test_demo_reviewer_gets_a_current_licence_if_hers_expired(demo_data, settings, capsys):
    settings.DEBUG = True
    Person.objects.filter(slug=DEMO_REVIEWER).update(licence_expires="2020-01-31")
    call_command("create_demo_staff")
    assert "licence was missing or expired" in capsys.readouterr().out
    person = Person.objects.get(slug=DEMO_REVIEWER)
    assert person.licence_is_current() and person.user.username == "demo-reviewer"


def test_demo_reviewer_leaves_a_profile_linked_to_someone_else(demo_data, settings, reviewer):
    settings.DEBUG = True
    Person.objects.filter(slug=DEMO_REVIEWER).update(user=reviewer)
    call_command("create_demo_staff")
    assert Person.objects.get(slug=DEMO_REVIEWER).user == reviewer
    assert not Person.objects.filter(user__username="demo-reviewer").exists()


def test_every_demo_article_passes_every_content_check(demo_data):
    from content.editorial_checks import article_content_checks

    for article in Article.objects.prefetch_related("citations", "topics"):
        checks = article_content_checks(article)
        assert list(checks.problems) == [], article.slug
        assert list(checks.advice) == [], article.slug
        assert 3 <= len(article.key_points.splitlines()) <= 5, article.slug
        assert article.when_to_get_help.strip(), article.slug


def test_demo_citations_are_not_claimed_as_checked(demo_data):
    from content.models import Citation

    # Nobody here opened the sources: the date is left to the center's clinicians.
    assert not Citation.objects.filter(last_checked__isnull=False).exists()
