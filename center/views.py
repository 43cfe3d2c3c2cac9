"""Public pages about the center: programs, about and team, admissions, paying, location.

Each page runs a fixed, small number of queries whatever the amount of
content (tests/center/test_public_pages.py counts them); the center's
profile comes from the cache.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from center import page_data
from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember
from center.structured_data import clinic_json_ld
from content.context_processors import center_for_request
from content.models import Article, ArticleVersion
from wellness_site.compiled_queries import CompiledQuery, From, run_together
from wellness_site.kept_pages import render_kept


def _programs_for_services():
    return Program.objects.published().only("name", "slug", "summary")


def _live_articles_for_pages(pages):
    """Approved, public versions of the articles the given center pages link to."""
    linked = Article.objects.filter(center_pages__in=pages)
    return ArticleVersion.objects.live().for_listing().filter(article__in=linked).order_by("title")


@require_GET
def program_list(request):
    programs = list(Program.objects.published())
    center = center_for_request(request)
    json_ld = clinic_json_ld(center, site_url=settings.SITE_URL, programs=programs)
    return render(request, "center/program_list.html", {"programs": programs, "json_ld": json_ld})


# Compiled once per process (wellness_site.compiled_queries).
_program_at = CompiledQuery(lambda slug: Program.objects.published().filter(slug=slug))
_program_articles = CompiledQuery(
    lambda program_id, now: (
        ArticleVersion.objects.live(now=now)
        .for_listing()
        .filter(article__programs=program_id)
        .order_by("title")
    )
)


@require_GET
def program_detail(request, slug):
    found, articles, admissions_pages = run_together(
        _program_at.bind(slug=slug),
        _program_articles.bind(program_id=From(0, "id"), now=timezone.now()),
        page_data.ADMISSIONS_PAGES.bind(),
    )
    if not found:
        raise Http404(_("No such program."))

    def context():
        center = center_for_request(request)
        program = found.objects[0]
        return {
            "program": program,
            "articles": articles.objects,
            "admissions_pages": admissions_pages,
            "json_ld": clinic_json_ld(center, site_url=settings.SITE_URL, programs=[program]),
        }

    return render_kept(
        request,
        "center/program_detail.html",
        inputs=(found, articles, admissions_pages),
        context=context,
    )


@require_GET
def about(request):
    center = center_for_request(request)
    credentials = list(Credential.objects.current())
    json_ld = clinic_json_ld(
        center,
        site_url=settings.SITE_URL,
        programs=list(_programs_for_services()),
        credentials=credentials,
    )
    sections = CenterPage.objects.published().filter(section=CenterPage.Section.ABOUT)
    return render(
        request,
        "center/about.html",
        {"sections": sections, "credentials": credentials, "json_ld": json_ld},
    )


@require_GET
def team(request):
    members = list(StaffMember.objects.published())
    rank = {role: i for i, role in enumerate(StaffMember.Role.values)}
    members.sort(key=lambda m: (rank.get(m.role, len(rank)), m.order, m.name))
    teams = []
    for member in members:
        if not teams or teams[-1]["role"] != member.role:
            teams.append({"role": member.role, "name": member.get_role_display(), "members": []})
        teams[-1]["members"].append(member)
    return render(request, "center/team.html", {"teams": teams})


def _admissions_pages():
    return CenterPage.objects.published().filter(section=CenterPage.Section.ADMISSIONS)


@require_GET
def admissions_index(request):
    return render(request, "center/admissions_index.html", {"pages": _admissions_pages()})


@require_GET
def admissions_page(request, slug):
    # All of them at once: the page, and the others to go on to, in one query.
    pages = list(_admissions_pages())
    page = next((p for p in pages if p.slug == slug), None)
    if page is None:
        raise Http404(_("No such page."))
    return render(
        request,
        "center/admissions_page.html",
        {
            "page": page,
            "other_pages": [p for p in pages if p.pk != page.pk],
            "articles": _live_articles_for_pages([page.pk]),
        },
    )


@require_GET
def paying_for_treatment(request):
    sections = list(CenterPage.objects.published().filter(section=CenterPage.Section.PAYING))
    return render(
        request,
        "center/paying.html",
        {
            "insurers": InsurancePlan.objects.published(),
            "sections": sections,
            "articles": _live_articles_for_pages([p.pk for p in sections]),
        },
    )


def _map_links(center):
    """Links that open the address in a map site of the visitor's choosing (nothing loads here)."""
    parts = [center.street_address, center.locality, f"{center.region} {center.postal_code}"]
    address = ", ".join(part.strip() for part in parts if part.strip())
    if not center.street_address:
        return address, []
    return address, [
        {
            "name": "OpenStreetMap",
            "url": "https://www.openstreetmap.org/search?" + urlencode({"query": address}),
        },
        {"name": "Apple Maps", "url": "https://maps.apple.com/?" + urlencode({"q": address})},
    ]


@require_GET
def location(request):
    center = center_for_request(request)
    address, map_links = _map_links(center)
    json_ld = clinic_json_ld(
        center, site_url=settings.SITE_URL, programs=list(_programs_for_services())
    )
    sections = CenterPage.objects.published().filter(section=CenterPage.Section.LOCATION)
    return render(
        request,
        "center/location.html",
        {"sections": sections, "address": address, "map_links": map_links, "json_ld": json_ld},
    )
