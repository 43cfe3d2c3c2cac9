"""Cached pages and the footer's licence line change as soon as center data does."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_repeat_visit_is_served_from_the_cache(client, make_program):
    make_program()
    first = _get(client, "/programs/")
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, "/programs/") == first
    assert len(queries) == 0


def test_saving_a_program_remakes_the_cached_pages(client, make_program):
    program = make_program(name="Residential treatment")
    for url in ("/programs/", program.get_absolute_url()):
        _get(client, url)
    program.name = "Residential care"
    program.save()
    assert "Residential care" in _get(client, "/programs/")
    assert "Residential care" in _get(client, program.get_absolute_url())


def test_linking_an_article_shows_on_the_program_page(client, make_program, make_article):
    program = make_program()
    article = make_article("levels-of-care-explained")
    assert "/articles/levels-of-care-explained/" not in _get(client, program.get_absolute_url())
    program.articles.add(article)
    assert "/articles/levels-of-care-explained/" in _get(client, program.get_absolute_url())


def test_every_kind_of_change_remakes_the_pages(client, make_staff, make_plan, make_page):
    member = make_staff(name="Dellwyn Scarborough")
    plan = make_plan(name="Sample Health Plan")
    page = make_page(title="Your first day", slug="your-first-day")
    _get(client, "/about/team/")
    _get(client, "/paying-for-treatment/")
    _get(client, "/admissions/")
    StaffMember.objects.get(pk=member.pk).delete()
    InsurancePlan.objects.filter(pk=plan.pk).first().delete()
    page.title = "Your first day with us"
    page.save()
    assert "Dellwyn Scarborough" not in _get(client, "/about/team/")
    assert "Sample Health Plan" not in _get(client, "/paying-for-treatment/")
    assert "Your first day with us" in _get(client, "/admissions/")
    assert CenterPage.objects.count() == 1


def test_the_footer_line_changes_on_every_page_when_a_licence_does(client, make_credential):
    licence = make_credential(valid_until=timezone.localdate() + timedelta(days=10))
    assert "Licensed by" in _get(client, "/programs/")
    licence.valid_until = timezone.localdate() - timedelta(days=1)
    licence.save()
    assert "Licensed by" not in _get(client, "/programs/")
    Credential.objects.all().delete()
    make_credential(kind=Credential.Kind.CARF, issuer="CARF International")
    assert "Accredited by CARF International" in _get(client, "/programs/")


def test_a_licence_past_its_date_drops_off_without_any_edit(
    client, no_page_cache, make_credential, monkeypatch
):
    make_credential(valid_until=timezone.localdate())
    assert "Licensed by" in _get(client, "/programs/")  # valid through today
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "Licensed by" not in _get(client, "/programs/")
    assert Program.objects.count() == 0
