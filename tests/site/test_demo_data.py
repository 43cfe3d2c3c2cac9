"""Demo data loads idempotently, and demo staff exist only in local demo mode."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from content.models import CenterProfile, SitePage


def _snapshot():
    return (
        list(CenterProfile.objects.values()),
        list(SitePage.objects.order_by("pk").values()),
    )


def test_loading_twice_changes_nothing(db):
    call_command("load_demo_data", verbosity=0)
    first = _snapshot()
    call_command("load_demo_data", verbosity=0)
    assert _snapshot() == first
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


def test_demo_articles_cover_every_state_and_pass_our_own_checks(db):
    from content.models import Article
    from content.readability import reading_grade, words_to_avoid

    call_command("load_demo_data", verbosity=0)
    articles = list(Article.objects.prefetch_related("citations"))
    assert len(articles) >= 10
    assert sum(a.is_published() for a in articles) >= 10
    assert any(a.is_published() and a.is_review_overdue() for a in articles)
    assert any(a.status == Article.Status.PUBLISHED and not a.is_published() for a in articles)
    assert any(a.status == Article.Status.DRAFT for a in articles)
    for article in articles:
        assert len(article.citations.all()) >= 3, article.slug
        assert reading_grade(article.body) <= 9, article.slug
        text = " ".join([article.title, article.summary, article.body, article.when_to_get_help])
        assert words_to_avoid(text) == [], article.slug
