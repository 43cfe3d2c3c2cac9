"""Public pages: home, articles, topics, people, search, policy pages; staff preview."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from center import page_data
from content.context_processors import center_for_request, center_state
from content.fragments import fragments
from content.models import (
    LISTING_DEFERRED_FIELDS,
    Article,
    ArticleVersion,
    Person,
    SitePage,
    Topic,
)
from content.search import MAX_QUERY_LENGTH, clean_query, run_search
from content.services import article_preview_version
from content.structured_data import article_json_ld
from content.templatetags.content_tags import json_ld, search_results
from wellness_site.admin_site import staff_page
from wellness_site.compiled_queries import CompiledQuery, From, run_together
from wellness_site.kept_pages import render_framed, render_kept

ARTICLES_PER_PAGE = 10


# Articles the home page's first screen links to. Their addresses are
# promised to stay; a link is shown only while the article is live.
OVERDOSE_ARTICLE_SLUG = "opioid-overdose-signs-911-naloxone"
WITHDRAWAL_ARTICLE_SLUG = "heroin-withdrawal-symptoms-and-timeline"
RECENTLY_REVIEWED_COUNT = 4


def _published_topics(now=None):
    """Topics in their editorial order, each with its number of published articles."""
    now = now or timezone.now()
    published = Q(
        articles__status=Article.Status.PUBLISHED, articles__live_version__publish_at__lte=now
    )
    # A query with GROUP BY ignores Meta.ordering: without order_by() the
    # topics would come out in whatever order the database groups them.
    return Topic.objects.annotate(article_count=Count("articles", filter=published)).order_by(
        *Topic._meta.ordering
    )


# What an article card (includes/article_card.html) shows, and the approval
# time that tells one approved version from another: a list loads these only.
CARD_FIELDS = ("title", "slug", "summary", "byline", "last_reviewed", "approved_at")


def _live_cards(now=None):
    """Approved versions visitors may see, with what their cards show."""
    return ArticleVersion.objects.live(now=now).only(*CARD_FIELDS)


def _live_listing(now=None):
    """Approved versions visitors may see, newest article first."""
    return _live_cards(now).order_by("-first_published_at", "title")


# The home page's queries, compiled once (wellness_site.compiled_queries).
_live_first_screen = CompiledQuery(
    lambda now: (
        ArticleVersion.objects.live(now=now)
        .filter(slug__in=[OVERDOSE_ARTICLE_SLUG, WITHDRAWAL_ARTICLE_SLUG])
        .only("slug")
    )
)
_recently_reviewed = CompiledQuery(
    lambda now: _live_cards(now).order_by("-last_reviewed", "title")[:RECENTLY_REVIEWED_COUNT]
)
_published_topic_rows = CompiledQuery(_published_topics)


@require_GET
def home(request):
    now = timezone.now()
    first_screen, topics, recently_reviewed, programs = run_together(
        _live_first_screen.bind(now=now),
        _published_topic_rows.bind(now=now),
        _recently_reviewed.bind(now=now),
        page_data.PUBLISHED_PROGRAMS.bind(),
    )

    def context():
        live = {version.slug for version in first_screen.objects}
        return {
            "overdose_article": OVERDOSE_ARTICLE_SLUG if OVERDOSE_ARTICLE_SLUG in live else None,
            "withdrawal_article": (
                WITHDRAWAL_ARTICLE_SLUG if WITHDRAWAL_ARTICLE_SLUG in live else None
            ),
            "topics": topics.objects,
            "recently_reviewed": recently_reviewed.objects,
            "programs": programs,
        }

    return render_kept(
        request,
        "content/home.html",
        inputs=(first_screen, topics, recently_reviewed, programs),
        context=context,
    )


@require_GET
def site_page(request, kind):
    page = get_object_or_404(SitePage, kind=kind)
    return render(request, "content/site_page.html", {"page": page})


@require_GET
def article_list(request):
    paginator = Paginator(_live_listing(), ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "content/article_list.html", {"page_obj": page})


def _reused_for_version(name, version, preview_of, render, *, key):
    """``render()``'s result, made once per approved ``version`` and ``key`` (content.fragments).

    Besides ``key``, what any part of an approved version's page depends on:
    the version (its pk with its approval's time, so a pk reused after a
    delete is a new key), its author's and reviewer's profile addresses, the
    language, the time zone (its dates) and the script prefix (its links).
    A preview of a working copy is always made afresh.
    """
    if preview_of is not None or version.pk is None:
        return render()
    full_key = (
        name,
        version.pk,
        version.approved_at,
        version.author.slug,
        version.reviewer.slug,
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        *key,
    )
    return fragments.get_or_render(full_key, render)


def _article_html(version, *, preview_of):
    """The article itself (content/includes/approved_article.html) for ``version``.

    An approved version never changes, so its rendering depends only on the
    version, whether its review is overdue today, where its author's and
    reviewer's profiles are, and the language: it is made once per process
    for each and reused. A preview of a working copy is always made afresh.
    """
    fragment = {
        "article": version,
        "review_overdue": version.is_review_overdue(),
        "preview_of": preview_of,
    }

    def render():
        return render_to_string("content/includes/approved_article.html", fragment)

    return _reused_for_version(
        "approved-article", version, preview_of, render, key=(fragment["review_overdue"],)
    )


def _article_trail(request, version, topics, *, preview_of):
    """``(json_ld_html, breadcrumb_html)``: the article's JSON-LD and its breadcrumb.

    Both depend on the version, its topics' names and addresses, and the
    center's profile (the JSON-LD's publisher): made once for each and reused.
    """

    def render():
        data = article_json_ld(
            version, topics=topics, center=center_for_request(request), site_url=settings.SITE_URL
        )
        breadcrumb = render_to_string(
            "content/includes/article_breadcrumb.html", {"article": version, "topics": topics}
        )
        return json_ld(data), breadcrumb

    return _reused_for_version(
        "article-trail",
        version,
        preview_of,
        render,
        key=(
            tuple((topic.pk, topic.name, topic.slug) for topic in topics),
            center_state(request),
            settings.SITE_URL,
        ),
    )


# The breadcrumb and the JSON-LD show a topic's name and link only.
_article_topics = CompiledQuery(
    lambda article_id: Topic.objects.filter(articles=article_id).only("name", "slug")
)
_related_cards = CompiledQuery(
    lambda article_id, now: _live_listing(now).filter(article__related_from=article_id)
)


def _article_inputs(article_id, now=None):
    """What an article page shows besides its version, bound to run (``run_together``).

    Its topics, its related articles and the programs that explain it, for
    the article with pk ``article_id`` (or ``From`` the live version's row).
    """
    now = now or timezone.now()
    return (
        _article_topics.bind(article_id=article_id),
        _related_cards.bind(article_id=article_id, now=now),
        page_data.ARTICLE_PROGRAMS.bind(article_id=article_id),
    )


def _article_context(request, version, topics, related, programs, *, preview_of=None):
    """The context of an article page from ``version`` and ``_article_inputs()``."""
    json_ld_html, breadcrumb_html = _article_trail(
        request, version, topics.objects, preview_of=preview_of
    )
    return {
        "article": version,
        "article_html": _article_html(version, preview_of=preview_of),
        "breadcrumb_html": breadcrumb_html,
        "json_ld_html": json_ld_html,
        "related_articles": related.objects,
        "programs": programs,
        "preview_of": preview_of,
    }


# What an article page shows of its version. Not loaded: the Markdown it
# was rendered from, and what only the review record and the admin show.
ARTICLE_PAGE_FIELDS = [
    field.name
    for field in ArticleVersion._meta.concrete_fields
    if field.name
    not in (
        "body",
        "when_to_get_help",
        "advice_overridden",
        "approved_by",
        "content_hash",
        "review_interval_months",
    )
]


# One live version per address: no ordering needed (the default one joins
# the article table again only to sort a single row).
_live_version_at = CompiledQuery(
    lambda slug, now: (
        ArticleVersion.objects.live(now=now)
        .select_related("author", "reviewer")
        .only(*ARTICLE_PAGE_FIELDS, "author__slug", "reviewer__slug")
        .filter(slug=slug)
        .order_by()[:1]
    )
)


def _live_version_or_redirect(slug, url_name="article_detail"):
    """The live version at ``slug`` (``QueryRows``); or a 301 from an address it had before."""
    found = _live_version_at.rows(slug=slug, now=timezone.now())
    if found:
        return found, None
    return None, _moved_or_404(slug, url_name)


def _moved_or_404(slug, url_name="article_detail"):
    """A 301 to today's address of an article that had ``slug`` before; or a 404."""
    moved = (
        ArticleVersion.objects.filter(slug=slug, article__in=Article.objects.published())
        .select_related("article__live_version")
        .only("article__live_version__slug")
        .first()
    )
    if moved is None:
        raise Http404(_("No such article."))
    return redirect(url_name, moved.article.live_version.slug, permanent=True)


@require_GET
def article_detail(request, slug):
    # The version and everything else the page shows, in one round trip.
    now = timezone.now()
    found, *inputs = run_together(
        _live_version_at.bind(slug=slug, now=now),
        *_article_inputs(From(0, "article_id"), now),
    )
    if not found:
        return _moved_or_404(slug)
    return render_kept(
        request,
        "content/article_detail.html",
        inputs=(found, *inputs),
        context=lambda: _article_context(request, found.objects[0], *inputs),
    )


@require_GET
def article_review_history(request, slug):
    """Every approval of the article visitors can see, newest first: the public review record."""
    found, moved = _live_version_or_redirect(slug, "article_review_history")
    if moved:
        return moved
    version = found.objects[0]
    history = (
        ArticleVersion.objects.filter(article=version.article_id, publish_at__lte=timezone.now())
        .select_related("reviewer", "review__reviewer")
        .defer(*LISTING_DEFERRED_FIELDS)
        .order_by("-number")
    )
    return render(
        request, "content/article_review_history.html", {"article": version, "history": history}
    )


@never_cache
@staff_page
def article_preview(request, pk):
    """The working copy exactly as approval would publish it, for staff only.

    Anyone else, staff with a password alone included, gets "page not found"
    (``staff_page``), never a way to the admin's sign-in page.
    """
    if not request.user.has_perm("content.view_article"):
        raise Http404
    article = get_object_or_404(
        Article.objects.select_related("author", "reviewer", "live_version"), pk=pk
    )
    # Made afresh for every request, never kept: a working copy is no approved page.
    version = article_preview_version(article)
    context = _article_context(
        request, version, *run_together(*_article_inputs(version.article_id)), preview_of=article
    )
    response = render(request, "content/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def topic_list(request):
    topics = _published_topic_rows.rows(now=timezone.now())
    return render_kept(
        request,
        "content/topic_list.html",
        inputs=(topics,),
        context=lambda: {"topics": topics.objects},
    )


_topic_at = CompiledQuery(lambda slug: Topic.objects.filter(slug=slug))
_topic_cards = CompiledQuery(
    lambda topic_id, now: _live_listing(now).filter(article__topics=topic_id)
)


@require_GET
def topic_detail(request, slug):
    found, articles = run_together(
        _topic_at.bind(slug=slug),
        _topic_cards.bind(topic_id=From(0, "id"), now=timezone.now()),
    )
    if not found:
        raise Http404(_("No such topic."))
    return render_kept(
        request,
        "content/topic_detail.html",
        inputs=(found, articles),
        context=lambda: {"topic": found.objects[0], "articles": articles.objects},
    )


@require_GET
def person_list(request):
    people = Person.objects.only(
        "name", "slug", "credentials", "role", "job_title", "specialty"
    ).order_by("role", "name")
    return render(request, "content/person_list.html", {"people": people})


@require_GET
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    published = _live_listing()
    return render(
        request,
        "content/person_detail.html",
        {
            "person": person,
            "written": published.filter(author=person),
            "reviewed": published.filter(reviewer=person),
        },
    )


@require_GET
def search(request):
    """The search page. With a query it is private to the visitor: never
    stored by our page cache, a proxy or a browser, never indexed, and the
    terms appear in no log (the access logs drop query strings).

    The page around what was typed and found is the same for every search
    in the same state (results or none, a correction, a suggestion, how
    many): it is rendered once and kept (``render_framed``); the query, the
    correction and the results are put in on each request and never kept.
    """
    query = clean_query(request.GET.get("q", ""))
    error = len(query) > MAX_QUERY_LENGTH
    outcome = (
        run_search(query, correct_spelling="exact" not in request.GET)
        if query and not error
        else None
    )
    results = outcome.results if outcome else []
    # Topics to browse: on the empty page, and when nothing was found.
    topics = None if results or error else _published_topic_rows.rows(now=timezone.now())
    context = {
        "max_length": MAX_QUERY_LENGTH,
        "result_count": len(results),
        "error": error
        and _("That search is too long. Try a few words, for example “withdrawal symptoms”."),
    }
    slots = {
        "query": query,
        "query_url": urlencode(query),
        "corrected": outcome.corrected if outcome else "",
        "suggestion": outcome.suggestion if outcome else "",
        "suggestion_url": urlencode(outcome.suggestion) if outcome else "",
        "results_html": search_results(results),
    }
    response = render_framed(
        request,
        "content/search.html",
        inputs=(error, len(results), topics),
        context=lambda: {**context, "topics": topics.objects if topics else []},
        slots=slots,
    )
    if query:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def robots_txt(request):
    # Staff pages (the admin, previews) are not named here: this file is for
    # anyone to read. They keep crawlers out with noindex and X-Robots-Tag,
    # and previews answer "page not found" to anyone but signed-in staff.
    lines = [
        "User-agent: *",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
