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


def _served_from_cache(client, url):
    with CaptureQueriesContext(connection) as queries:
        html = _get(client, url)
    return len(queries) == 0, html


def test_an_articles_approval_remakes_the_program_pages_that_list_it_only(
    client, make_program, make_article
):
    article = make_article("levels-of-care-explained", title="Levels of care")
    listing = make_program(name="Residential treatment", articles=[article])
    other = make_program(name="Outpatient care")
    for url in (listing.get_absolute_url(), other.get_absolute_url()):
        _get(client, url)
    article.title = "Levels of care, explained"
    article.save()
    _approve_as_imported(article)
    assert "Levels of care, explained" in _get(client, listing.get_absolute_url())
    assert _served_from_cache(client, other.get_absolute_url())[0]


def test_an_articles_approval_remakes_the_admissions_and_paying_pages_that_list_it(
    client, make_page, make_article
):
    article = make_article("paying-for-treatment", title="Paying for care")
    admissions = make_page(title="What to bring", slug="what-to-bring", articles=[article])
    make_page(section=CenterPage.Section.PAYING, slug="insurance", articles=[article])
    for url in (admissions.get_absolute_url(), "/paying-for-treatment/"):
        _get(client, url)
    article.title = "Paying for care, step by step"
    article.save()
    _approve_as_imported(article)
    for url in (admissions.get_absolute_url(), "/paying-for-treatment/"):
        assert "Paying for care, step by step" in _get(client, url), url


def test_editing_a_program_remakes_the_articles_that_name_it_only(
    client, make_program, make_article
):
    named, unnamed = make_article("residential-treatment"), make_article("recovery-housing")
    program = make_program(name="Residential treatment", articles=[named])
    for url in (named.get_absolute_url(), unnamed.get_absolute_url(), "/"):
        _get(client, url)
    program.name = "Residential care, 28 days"
    program.save()
    for url in (named.get_absolute_url(), "/"):
        assert "Residential care, 28 days" in _get(client, url), url
    assert _served_from_cache(client, unnamed.get_absolute_url())[0]
    program.articles.remove(named)
    assert "Residential care, 28 days" not in _get(client, named.get_absolute_url())


def _approve_as_imported(article):
    from content.models import Person
    from content.services import article_import_approved_version

    article_import_approved_version(
        article=article,
        reviewer=Person.objects.get(slug="orrin-testreviewer"),
        approved_at=timezone.now(),
    )
