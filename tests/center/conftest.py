"""Factories for the center's own pages: programs, staff, licences, insurers, pages."""

import pytest

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember
from content.roles import CENTER_ADMINISTRATORS
from tests.conftest import _staff_user


@pytest.fixture
def center_admin(db, django_user_model):
    return _staff_user(django_user_model, "cara-centeradmin", CENTER_ADMINISTRATORS)


@pytest.fixture
def no_page_cache(settings):
    """Every request runs its view: for counting queries and reading fresh pages."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def make_program(db):
    def _make(**fields):
        n = Program.objects.count() + 1
        defaults = {
            "name": f"Program {n}",
            "slug": f"program-{n}",
            "summary": "A short summary.",
            "who_for": "Adults who need it.",
            "what_to_expect": "Groups and **one-to-one** sessions.",
            "typical_length": "Usually a few weeks; it depends on how you are doing.",
            "level": Program.Level.RESIDENTIAL,
            "published": True,
            "order": n,
        }
        defaults.update(fields)
        articles = defaults.pop("articles", [])
        program = Program.objects.create(**defaults)
        program.articles.set(articles)
        return program

    return _make


@pytest.fixture
def make_staff(db):
    def _make(**fields):
        n = StaffMember.objects.count() + 1
        defaults = {
            "name": f"Staff Person {n}",
            "role": StaffMember.Role.ADMISSIONS,
            "job_title": "Admissions coordinator",
            "published": True,
        }
        defaults.update(fields)
        return StaffMember.objects.create(**defaults)

    return _make


@pytest.fixture
def make_credential(db):
    def _make(**fields):
        defaults = {
            "kind": Credential.Kind.STATE_LICENCE,
            "issuer": "Ohio Department of Mental Health and Addiction Services",
            "name": "Treatment licence",
            "number": "TEST-0001",
        }
        defaults.update(fields)
        return Credential.objects.create(**defaults)

    return _make


@pytest.fixture
def make_page(db):
    def _make(**fields):
        n = CenterPage.objects.count() + 1
        defaults = {
            "section": CenterPage.Section.ADMISSIONS,
            "slug": f"page-{n}",
            "title": f"Page {n}",
            "summary": "What this page says, in one sentence.",
            "body": "Some text.",
            "published": True,
            "order": n,
        }
        defaults.update(fields)
        articles = defaults.pop("articles", [])
        page = CenterPage.objects.create(**defaults)
        page.articles.set(articles)
        return page

    return _make


@pytest.fixture
def make_plan(db):
    def _make(**fields):
        defaults = {"name": "Sample Health Plan", "published": True}
        defaults.update(fields)
        return InsurancePlan.objects.create(**defaults)

    return _make


@pytest.fixture
def make_article(db):
    """make_article(slug, published=True) -> an article; published ones have a live version."""
    from datetime import timedelta

    from django.utils import timezone

    from content.models import Article, Person
    from content.services import article_import_approved_version

    def _make(slug, *, title=None, published=True):
        author, _ = Person.objects.get_or_create(
            slug="wren-testwriter", defaults={"name": "Wren Testwriter", "role": "author"}
        )
        reviewer, _ = Person.objects.get_or_create(
            slug="orrin-testreviewer",
            defaults={
                "name": "Dr. Orrin Testreviewer", "role": "reviewer", "credentials": "MD",
                "licence_type": "Physician (MD)", "licence_state": "OH",
                "licence_expires": timezone.localdate() + timedelta(days=365),
            },
        )  # fmt: skip
        article = Article.objects.create(
            title=title or slug.replace("-", " ").capitalize(),
            slug=slug,
            summary="A short summary.",
            body="## A section\n\nSome text.\n",
            author=author,
            reviewer=reviewer,
            publish_at=timezone.now() - timedelta(days=30),
        )
        if published:
            article_import_approved_version(
                article=article,
                reviewer=reviewer,
                approved_at=timezone.now() - timedelta(days=1),
                change_note="First medical review.",
                review_interval_months=12,
            )
            article.refresh_from_db()
        return article

    return _make
