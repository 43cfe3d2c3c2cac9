"""Fixtures shared by the whole suite: the people who use the site, and its data."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from content.fragments import fragments
from wellness_site.kept_pages import kept_frames, kept_pages

# The Chromium fixtures (browser, site, open_page), for every folder's browser tests.
pytest_plugins = ["tests.browser_fixtures"]

# Every type of public page, by a name and one URL of that type. Guard tests,
# HTML validation and the browser's accessibility checks all walk this list.
PUBLIC_PAGES = {
    "home": "/",
    "article": "/articles/heroin-withdrawal-symptoms-and-timeline/",
    "article_overdue": "/articles/aftercare-and-relapse-prevention/",
    "article_review_history": "/articles/heroin-withdrawal-symptoms-and-timeline/review-history/",
    "article_list": "/articles/",
    "topic": "/topics/withdrawal/",
    "topic_list": "/topics/",
    "person": "/people/odalys-brambleworth/",
    "person_list": "/people/",
    "search": "/search/?q=withdrawal",
    "search_empty": "/search/",
    "privacy": "/privacy/",
    "accessibility": "/accessibility/",
    "terms": "/terms/",
    "editorial_policy": "/editorial-policy/",
    "callback_thanks": "/call-back/thanks/",
    "contact_thanks": "/contact/thanks/",
    "not_found": "/no-such-page/",
    "program_list": "/programs/",
    "program": "/programs/residential-treatment/",
    "about": "/about/",
    "team": "/about/team/",
    "admissions": "/admissions/",
    "admissions_page": "/admissions/your-first-day/",
    "paying": "/paying-for-treatment/",
    "location": "/location/",
}
# Pages with a form: held to the same rules, except that they set the CSRF
# cookie their form needs (and are never cached).
FORM_PAGES = {
    "callback": "/call-back/",
    "contact": "/contact/",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache outlives a test's database transaction; never let one test's
    # cached rows leak into the next.
    for alias in settings.CACHES:
        caches[alias].clear()
    fragments.clear()  # rendered parts kept in this process (content.fragments)
    kept_pages.clear()  # and whole pages (wellness_site.kept_pages)
    kept_frames.clear()  # and the frames around what a page is asked for
    yield
    for alias in settings.CACHES:
        caches[alias].clear()
    fragments.clear()
    kept_pages.clear()
    kept_frames.clear()


@pytest.fixture
def demo_data(db):
    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def center(demo_data):
    from content.models import CenterProfile

    return CenterProfile.objects.get()


def _staff_user(django_user_model, username, group_name=None, **extra):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username, password="correct horse battery staple", is_staff=True, **extra
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    from content.roles import CONTENT_EDITORS

    return _staff_user(django_user_model, "edith-editor", CONTENT_EDITORS)


@pytest.fixture
def reviewer(db, django_user_model):
    from content.roles import MEDICAL_REVIEWERS

    return _staff_user(django_user_model, "rhea-reviewer", MEDICAL_REVIEWERS)


@pytest.fixture
def superuser(db, django_user_model):
    return _staff_user(django_user_model, "sam-superuser", is_superuser=True)
