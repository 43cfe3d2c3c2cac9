"""Article search: ranked full-text search on PostgreSQL, a plain match elsewhere."""

import re

from django.db import connection
from django.db.models import Case, Q, Value, When

from content.models import ArticleVersion

MAX_QUERY_LENGTH = 200
# Control characters (C0, DEL, C1): nobody searches for one, and PostgreSQL
# refuses a string holding NUL outright. They count as spaces.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_articles(query):
    """Approved versions visitors can read that match ``query``, best first.

    On PostgreSQL the title and summary weigh more than the body; SQLite,
    used for local demos, falls back to a case-insensitive match with title
    matches first. Control characters count as spaces, and a query with no
    words finds nothing.
    """
    articles = ArticleVersion.objects.live().for_listing()
    query = _CONTROL_CHARACTERS.sub(" ", query or "")
    if not query.split():
        return articles.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            articles.annotate(search=vector, rank=SearchRank(vector, search_query))
            .filter(search=search_query)
            .order_by("-rank", "title")
        )
    words = query.split()
    match = Q()
    for word in words:
        match &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    title_hits = sum(
        (Case(When(title__icontains=w, then=Value(2)), default=Value(0)) for w in words),
        Value(0),
    )
    summary_hits = sum(
        (Case(When(summary__icontains=w, then=Value(1)), default=Value(0)) for w in words),
        Value(0),
    )
    return (
        articles.filter(match).annotate(rank=title_hits + summary_hits).order_by("-rank", "title")
    )
