"""The center's own pages: programs, about and team, admissions, paying, location."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from center import page_data
from center.models import CenterPage, Credential, Program, StaffMember
from content.models import CenterProfile
from tests.html import Page
from tests.queries import together

# One page of each type, at the demo's content.
CENTER_PAGES = {
    "program_list": "/programs/",
    "program": "/programs/residential-treatment/",
    "about": "/about/",
    "team": "/about/team/",
    "admissions": "/admissions/",
    "admissions_page": "/admissions/your-first-day/",
    "paying": "/paying-for-treatment/",
    "location": "/location/",
}
# Queries each page runs with the center profile and the footer's licences
# cached, as on a live site: the same however much content there is.
QUERIES = {
    "program_list": 1,  # the programs
    # The program, its live articles, the admissions links: run together.
    "program": together(3),
    "about": 3,  # the about text, the licences, the programs for the JSON-LD
    "team": 1,
    "admissions": 1,
    "admissions_page": 2,  # all admissions pages at once, and the page's live articles
    "paying": 3,  # insurers, the page's parts, their live articles
    "location": 2,  # the page's parts, the programs for the JSON-LD
}


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("name", CENTER_PAGES)
def test_each_page_runs_a_fixed_number_of_queries(
    client, demo_data, no_page_cache, name, django_assert_num_queries
):
    url = CENTER_PAGES[name]
    client.get(url)  # the center profile and the footer's licences are cached after this
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_content(
    client, no_page_cache, make_program, make_article, make_page, django_assert_num_queries
):
    articles = [make_article(f"article-{i}") for i in range(4)]
    for _ in range(6):
        make_program(articles=articles)
    for _ in range(5):
        make_page(articles=articles)
    program = Program.objects.first()
    for url, queries in [
        ("/programs/", 1),
        (program.get_absolute_url(), together(3)),
        ("/admissions/page-1/", 2),
    ]:
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", CENTER_PAGES)
def test_each_page_has_one_h1_a_description_and_the_site_layout(client, demo_data, name):
    html = _html(client, CENTER_PAGES[name])
    page = Page(html)
    assert len(page.find_all("h1")) == 1 and page.h1_texts[0].strip()
    assert page.find_all("meta", name="description")[0]["content"].strip()
    assert page.find_all("main", id="main")
    assert 'href="tel:911"' in html and 'href="tel:+18006624357"' in html
    # Tap to call the center, through the site's own call links.
    assert 'class="call-link' in html


@pytest.mark.parametrize("name", CENTER_PAGES)
def test_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere(
    client, demo_data, name
):
    page = Page(_html(client, CENTER_PAGES[name]))
    for attrs in page.find_all("script"):
        assert attrs.get("type") == "application/ld+json"  # data, not code
    assert not page.find_all("style")
    assert not [attrs for _, attrs in page.tags if "style" in attrs]
    loaded = [a.get("src", "") for t, a in page.tags if t in ("img", "script", "iframe")]
    loaded += [a["href"] for t, a in page.tags if t == "link" and a.get("rel") != "canonical"]
    assert all(not urlparse(url).netloc for url in loaded), loaded


@pytest.mark.parametrize("name", CENTER_PAGES)
def test_no_page_asks_for_an_insurance_member_number(client, demo_data, name):
    html = _html(client, CENTER_PAGES[name]).lower()
    assert "member number" not in html and "member id" not in html
    # The site-wide search box (a GET form for a few words) is the only form.
    assert re.findall(r"<form[^>]*>", html) == re.findall(r'<form[^>]* role="search"[^>]*>', html)


def test_public_pages_set_no_cookie_so_they_can_be_cached(client, demo_data):
    for url in CENTER_PAGES.values():
        response = client.get(url)
        assert response.cookies == {}, url


def test_programs_are_listed_in_order_with_their_level_of_care(client, make_program):
    make_program(name="Second", order=2, level=Program.Level.INTENSIVE_OUTPATIENT)
    make_program(name="First", order=1, level=Program.Level.WITHDRAWAL_MANAGEMENT)
    make_program(name="Family program", order=3, level=Program.Level.NONE)
    html = _html(client, "/programs/")
    assert html.index("First") < html.index("Second") < html.index("Family program")
    assert "Level of care: Intensive outpatient" in html
    assert "Level of care: Withdrawal management" in html
    assert "Support program" in html


def test_unpublished_programs_are_hidden(client, make_program):
    make_program(name="Open program", slug="open")
    make_program(name="Hidden program", slug="hidden", published=False)
    html = _html(client, "/programs/")
    assert "Open program" in html and "Hidden program" not in html
    assert client.get("/programs/hidden/").status_code == 404
    assert client.get("/programs/no-such-program/").status_code == 404


def test_program_page_shows_what_a_family_needs_to_know(client, make_program, make_page):
    program = make_program(
        name="Residential treatment",
        who_for="People who need care *day and night*.",
        what_to_expect="### A day here\n\n- Groups\n- Meals",
        typical_length="Often a few weeks; it depends on your progress.",
        moud=Program.Moud.STARTS_HERE,
    )
    make_page(title="What to bring", slug="what-to-bring")
    html = _html(client, program.get_absolute_url())
    assert "<em>day and night</em>" in html and "<h3" in html
    assert "Often a few weeks; it depends on your progress." in html
    assert "Can be started here, and continued" in html
    # Reached from every program page: the admissions pages.
    assert 'href="/admissions/what-to-bring/"' in html


def test_a_family_program_says_nothing_about_medicine(client, make_program):
    program = make_program(level=Program.Level.NONE, moud=Program.Moud.NOT_APPLICABLE)
    html = _html(client, program.get_absolute_url())
    assert "MOUD" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Not a level of care" in html


def test_program_page_links_only_its_published_articles(client, make_program, make_article):
    live = make_article("levels-of-care-explained", title="Levels of care explained")
    draft = make_article("draft-article", title="A draft article", published=False)
    program = make_program(articles=[live, draft])
    html = _html(client, program.get_absolute_url())
    assert 'href="/articles/levels-of-care-explained/"' in html
    assert "A draft article" not in html and "/articles/draft-article/" not in html


def test_an_article_lists_the_programs_that_use_it(make_program, make_article):
    center = CenterProfile(name="Larkspur Test Center")
    article = make_article("residential-care")
    make_program(name="Residential treatment", slug="residential", articles=[article])
    make_program(name="Hidden program", published=False, articles=[article])
    make_program(name="Unrelated program")
    programs = page_data.ARTICLE_PROGRAMS.rows(article_id=article.pk)
    html = Template("{% load center_tags %}{% article_programs programs %}").render(
        Context({"programs": programs, "center": center})
    )
    assert f"Programs at {center.name} for this" in html
    assert 'href="/programs/residential/"' in html
    assert "Hidden program" not in html and "Unrelated program" not in html


def test_article_programs_costs_one_query_and_is_empty_without_programs(
    db, make_article, make_program, django_assert_num_queries
):
    article = make_article("lonely-article")
    template = Template("{% load center_tags %}{% article_programs programs %}")
    with django_assert_num_queries(1):
        programs = page_data.ARTICLE_PROGRAMS.rows(article_id=article.pk)
    with django_assert_num_queries(0):  # the view reads them; the tag only shows them
        html = template.render(Context({"programs": programs}))
    assert html.strip() == ""
    for _ in range(3):
        make_program(articles=[article])
    with django_assert_num_queries(1):
        programs = page_data.ARTICLE_PROGRAMS.rows(article_id=article.pk)
    with django_assert_num_queries(0):
        html = template.render(Context({"programs": programs}))
    assert html.count("<li") == 3


def test_home_programs_lists_published_programs_in_one_query(
    db, make_program, django_assert_num_queries
):
    make_program(name="Withdrawal management", summary="The first days, made safer.")
    make_program(name="Not yet", published=False)
    template = Template("{% load center_tags %}{% home_programs programs %}")
    with django_assert_num_queries(1):
        programs = page_data.PUBLISHED_PROGRAMS.rows()
    with django_assert_num_queries(0):
        html = template.render(Context({"programs": programs}))
    assert "Our programs" in html and "Withdrawal management" in html
    assert "The first days, made safer." in html and "Not yet" not in html
    assert 'href="/programs/"' in html
    Program.objects.update(published=False)
    html = template.render(Context({"programs": page_data.PUBLISHED_PROGRAMS.rows()}))
    assert html.strip() == ""


def test_admissions_links_lists_the_admissions_pages_in_one_query(
    db, make_page, django_assert_num_queries
):
    make_page(title="What happens when you call", slug="what-happens-when-you-call", order=1)
    make_page(title="Your first day", slug="your-first-day", order=2)
    make_page(title="Draft page", published=False)
    make_page(title="Parking", section=CenterPage.Section.LOCATION, slug="parking")
    with django_assert_num_queries(1):
        html = Template("{% load center_tags %}{% admissions_links %}").render(Context())
    assert html.index("What happens when you call") < html.index("Your first day")
    assert 'href="/admissions/your-first-day/"' in html
    assert "Draft page" not in html and "Parking" not in html


def test_team_page_groups_published_staff_by_team(client, make_staff):
    make_staff(name="Dellwyn Scarborough", role=StaffMember.Role.ADMISSIONS)
    make_staff(
        name="Ansel Pemberfield", credentials="MD", role=StaffMember.Role.MEDICAL,
        job_title="Medical director",
    )  # fmt: skip
    make_staff(name="Hidden Person", published=False)
    html = _html(client, "/about/team/")
    # Medical before admissions, whatever order they were added in.
    assert html.index("Medical and nursing") < html.index("Admissions</h2>")
    assert "Ansel Pemberfield, MD" in html and "Medical director" in html
    assert "Hidden Person" not in html


def test_a_staff_photo_needs_a_description(db):
    from django.core.exceptions import ValidationError

    member = StaffMember(
        name="Juniper Halloway", role="medical", job_title="Nurse", photo="center/staff/j.png"
    )
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "photo_alt" in error.value.message_dict


def test_expired_licences_are_hidden_from_visitors(client, make_credential):
    today = timezone.localdate()
    make_credential(name="Current licence", valid_until=today + timedelta(days=30))
    make_credential(name="Lifetime certificate", valid_until=None)
    make_credential(
        kind=Credential.Kind.CARF, issuer="CARF International", name="Lapsed accreditation",
        valid_until=today - timedelta(days=1),
    )  # fmt: skip
    html = _html(client, "/about/")
    assert "Current licence" in html and "Lifetime certificate" in html
    assert "Lapsed accreditation" not in html
    # Nor in the footer's summary, on any page.
    assert "Accredited by CARF" not in html
    assert "Licensed by Ohio Department of Mental Health and Addiction Services" in html


def test_footer_summarises_current_licences_and_accreditations(rf, db, make_credential):
    make_credential()
    make_credential(kind=Credential.Kind.JOINT_COMMISSION, issuer="The Joint Commission")
    make_credential(kind=Credential.Kind.LEGITSCRIPT, issuer="LegitScript")
    make_credential(kind=Credential.Kind.SAMHSA_OTP, issuer="SAMHSA")
    html = Template("{% load center_tags %}{% accreditation_summary %}").render(
        Context({"request": rf.get("/")})
    )
    assert (
        "Licensed by Ohio Department of Mental Health and Addiction Services · "
        "Accredited by The Joint Commission · Certified by LegitScript and SAMHSA." in html
    )
    assert 'href="/about/#credentials"' in html


def test_footer_summary_on_an_error_page_never_touches_the_database(
    db, make_credential, django_assert_num_queries
):
    make_credential()
    template = Template("{% load center_tags %}{% accreditation_summary %}")
    with django_assert_num_queries(0):
        # An error page renders without a request: only what is cached shows.
        assert template.render(Context({})).strip() == ""
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        template.render(Context({"request": request}))
    with django_assert_num_queries(0):
        assert "Licensed by" in template.render(Context({}))


def test_the_old_addresses_redirect_permanently(client, db):
    response = client.get("/services/")
    assert response.status_code == 301 and response["Location"] == "/programs/"
    response = client.get("/levels-of-care/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/levels-of-care-explained/"


def test_admissions_pages_have_an_index_and_pages_of_their_own(client, make_page):
    make_page(title="What to bring", slug="what-to-bring", summary="A packing list.", order=1)
    make_page(title="Your first day", slug="your-first-day", order=2)
    make_page(title="Unfinished", slug="unfinished", published=False)
    make_page(title="By car", slug="by-car", section=CenterPage.Section.LOCATION)
    index = _html(client, "/admissions/")
    assert "What to bring" in index and "A packing list." in index
    assert "Unfinished" not in index and "By car" not in index
    page = _html(client, "/admissions/what-to-bring/")
    assert "<h1>What to bring</h1>" in page
    assert 'href="/admissions/your-first-day/"' in page  # on to the next one
    assert client.get("/admissions/unfinished/").status_code == 404
    assert client.get("/admissions/by-car/").status_code == 404


def test_paying_page_lists_insurers_and_the_help_available_elsewhere(
    client, make_plan, make_page, make_article
):
    make_plan(name="Medicaid (Ohio)", notes="Including managed care plans.", order=1)
    make_plan(name="Old Plan", published=False)
    article = make_article("paying-for-treatment", title="Paying for treatment: the article")
    make_page(
        section=CenterPage.Section.PAYING, slug="parity-law", title="Your rights: the parity law",
        body="Most plans must cover it no more restrictively.", articles=[article],
    )  # fmt: skip
    html = _html(client, "/paying-for-treatment/")
    assert "Medicaid (Ohio)" in html and "Including managed care plans." in html
    assert "Old Plan" not in html
    assert 'id="paying-parity-law"' in html and "no more restrictively" in html
    assert 'href="https://findtreatment.gov/"' in html
    assert 'href="tel:+18006624357"' in html
    assert 'href="/articles/paying-for-treatment/"' in html


def test_paying_page_does_not_link_an_unpublished_article(client, make_page, make_article):
    draft = make_article("paying-for-treatment", published=False)
    make_page(section=CenterPage.Section.PAYING, slug="no-insurance", articles=[draft])
    assert "/articles/paying-for-treatment/" not in _html(client, "/paying-for-treatment/")


def test_location_page_gives_the_address_a_map_and_links_to_map_apps(client, center):
    html = _html(client, "/location/")
    assert "1200 Sample Avenue" in html and "Columbus, OH 43215" in html
    page = Page(html)
    (map_image,) = [a for a in page.find_all("img") if "map.svg" in a["src"]]
    assert map_image["src"].startswith("/static/") and len(map_image["alt"]) > 40
    assert (
        'href="https://www.openstreetmap.org/search?query=1200+Sample+Avenue%2C+Columbus%2C'
        '+OH+43215"' in html
    )
    assert 'href="https://maps.apple.com/?q=1200+Sample+Avenue' in html
    # Links out do not tell the map site which page sent the visitor.
    for attrs in page.find_all("a"):
        if urlparse(attrs["href"]).netloc.endswith(("openstreetmap.org", "apple.com")):
            assert attrs.get("rel") == "noopener noreferrer"


def test_location_page_without_an_address_still_renders(client, db):
    CenterProfile.objects.create(name="A Center", main_phone="+16145550142")
    html = _html(client, "/location/")
    assert "openstreetmap" not in html and "How to find us" in html


def test_editable_text_is_escaped(client, make_program, make_staff, make_plan, make_page):
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    program = make_program(
        name=hostile, summary=hostile, who_for=hostile, what_to_expect=hostile,
        typical_length=hostile,
    )  # fmt: skip
    make_staff(name=hostile, job_title=hostile, bio=hostile)
    make_plan(name=hostile, notes=hostile)
    make_page(section=CenterPage.Section.PAYING, slug="x", title=hostile, body=hostile)
    make_page(section=CenterPage.Section.ADMISSIONS, slug="y", title=hostile, body=hostile)
    for url in (
        "/programs/",
        program.get_absolute_url(),
        "/about/team/",
        "/paying-for-treatment/",
        "/admissions/",
        "/admissions/y/",
    ):
        html = _html(client, url)
        assert "<script>alert" not in html, url
        assert "<b>bold</b>" not in html, url
        assert "&lt;script&gt;" in html, url
        assert "&amp;" in html, url


def test_the_map_is_our_own_described_image_with_nothing_active_in_it():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    text = Path(finders.find("img/center/map.svg")).read_text(encoding="utf-8")
    assert "<title" in text and "<desc" in text
    assert "<script" not in text and "style=" not in text and "href" not in text


def test_sitemap_sections_list_the_public_center_pages(make_program, make_page):
    from center.sitemaps import CENTER_SITEMAPS

    make_program(slug="residential-treatment")
    make_program(slug="hidden", published=False)
    make_page(slug="what-to-bring")
    make_page(slug="parking", section=CenterPage.Section.LOCATION)
    urls = {
        url["location"] for sitemap in CENTER_SITEMAPS.values() for url in sitemap().get_urls()
    }
    assert "https://wellness.example/programs/residential-treatment/" in urls
    assert "https://wellness.example/admissions/what-to-bring/" in urls
    assert "https://wellness.example/location/" in urls
    assert not any("hidden" in url or "parking" in url for url in urls)


def test_sitemap_lists_the_centers_pages_and_published_programs(client, demo_data):
    from center.models import Program

    hidden = Program.objects.first()
    Program.objects.filter(pk=hidden.pk).update(published=False)
    sitemap = client.get("/sitemap.xml").content.decode()
    for path in ("/programs/", "/about/", "/admissions/", "/paying-for-treatment/", "/location/"):
        assert f"<loc>https://wellness.example{path}</loc>" in sitemap, path
    shown = Program.objects.filter(published=True).first()
    assert f"/programs/{shown.slug}/</loc>" in sitemap
    assert f"/programs/{hidden.slug}/</loc>" not in sitemap
