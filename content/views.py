"""Public pages: home, articles, topics, people, search, policy pages; staff preview."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from content.context_processors import center_for_request
from content.models import Article, Person, SitePage, Topic
from content.search import MAX_QUERY_LENGTH, search_articles
from content.structured_data import article_json_ld
from wellness_site.admin_site import staff_page

ARTICLES_PER_PAGE = 10


def _published_topics():
    now = timezone.now()
    published = Q(articles__status=Article.Status.PUBLISHED, articles__publish_at__lte=now)
    return Topic.objects.annotate(article_count=Count("articles", filter=published))


@require_GET
def home(request):
    return render(
        request,
        "content/home.html",
        {
            "topics": _published_topics(),
            "latest": Article.objects.published().for_listing()[:4],
        },
    )


@require_GET
def site_page(request, kind):
    page = get_object_or_404(SitePage, kind=kind)
    return render(request, "content/site_page.html", {"page": page})


@require_GET
def article_list(request):
    paginator = Paginator(Article.objects.published().for_listing(), ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "content/article_list.html", {"page_obj": page})


def _article_for_page(queryset, **lookup):
    related = Article.objects.published().for_listing()
    return get_object_or_404(
        queryset.select_related("author", "reviewer").prefetch_related(
            "topics", "citations", Prefetch("related", queryset=related)
        ),
        **lookup,
    )


def _render_article(request, article, *, preview=False):
    center = center_for_request(request)
    context = {
        "article": article,
        "topics": list(article.topics.all()),
        "citations": list(article.citations.all()),
        "related_articles": list(article.related.all()),
        "review_overdue": article.is_review_overdue(),
        "preview": preview,
        "json_ld": article_json_ld(article, center=center, site_url=settings.SITE_URL),
    }
    return render(request, "content/article_detail.html", context)


@require_GET
def article_detail(request, slug):
    article = _article_for_page(Article.objects.published(), slug=slug)
    return _render_article(request, article)


@never_cache
@staff_page
def article_preview(request, pk):
    """An article in any state, exactly as it will look, for staff only."""
    if not request.user.has_perm("content.view_article"):
        raise Http404
    article = _article_for_page(Article.objects.all(), pk=pk)
    response = _render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def topic_list(request):
    return render(request, "content/topic_list.html", {"topics": _published_topics()})


@require_GET
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.published().for_listing().filter(topics=topic)
    return render(request, "content/topic_detail.html", {"topic": topic, "articles": articles})


@require_GET
def person_list(request):
    people = Person.objects.only(
        "name", "slug", "credentials", "role", "job_title", "specialty"
    ).order_by("role", "name")
    return render(request, "content/person_list.html", {"people": people})


@require_GET
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    published = Article.objects.published().for_listing()
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
    query = request.GET.get("q", "").strip()
    context = {"query": query, "max_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = _(
            "That search is too long. Try a few words, for example “withdrawal symptoms”."
        )
    elif query:
        context["results"] = search_articles(query)[:20]
    else:
        context["topics"] = _published_topics()
    return render(request, "content/search.html", context)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
