"""Compiled queries return exactly what their querysets return, for any values.

``wellness_site.compiled_queries`` builds each public page's queries once and
then only binds a request's values: these tests hold it to the plain ORM, row
for row and field for field, on whichever database the suite runs on.
"""

from datetime import timedelta

import pytest
from django.db import Error, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center import page_data
from center.models import CenterPage, Program
from center.views import _program_articles, _program_at
from content import views
from content.models import Article, ArticleVersion, Topic
from wellness_site.compiled_queries import CompiledQuery, From, run_together

pytestmark = pytest.mark.django_db


def _state(obj):
    """What a page can read off ``obj``: its loaded fields and loaded related rows."""
    loaded = {name: value for name, value in vars(obj).items() if name != "_state"}
    related = {name: _state(value) for name, value in obj._state.fields_cache.items() if value}
    return loaded, related, obj._state.db, obj._state.adding


def _same(compiled_rows, queryset):
    expected = list(queryset)
    assert [_state(obj) for obj in compiled_rows] == [_state(obj) for obj in expected]
    return expected


def test_the_article_query_matches_the_orm_for_every_address(demo_data):
    now = timezone.now()
    slugs = [*ArticleVersion.objects.live().values_list("slug", flat=True), "no-such-page"]
    assert len(slugs) > 5
    for slug in slugs:
        queryset = (
            ArticleVersion.objects.live(now=now)
            .select_related("author", "reviewer")
            .only(*views.ARTICLE_PAGE_FIELDS, "author__slug", "reviewer__slug")
            .filter(slug=slug)
            .order_by()[:1]
        )
        found = _same(views._live_version_at(slug=slug, now=now), queryset)
        assert bool(found) == (slug != "no-such-page")


def test_the_time_a_request_passes_decides_what_is_live(demo_data):
    version = ArticleVersion.objects.live().get(slug="heroin-withdrawal-symptoms-and-timeline")
    before = version.publish_at - timedelta(seconds=1)
    now = timezone.now()
    # The same compiled SQL, three times, with three different times.
    assert views._live_version_at(slug=version.slug, now=now)[0].pk == version.pk
    assert views._live_version_at(slug=version.slug, now=before) == []
    assert views._live_version_at(slug=version.slug, now=now)[0].pk == version.pk


def test_values_come_back_as_python_types_with_deferred_fields_kept(demo_data):
    now = timezone.now()
    slug = "heroin-withdrawal-symptoms-and-timeline"
    with CaptureQueriesContext(connection) as captured:
        (version,) = views._live_version_at(slug=slug, now=now)
        # select_related: author and reviewer are there, with no further query.
        names = (version.author.slug, version.reviewer.slug)
    assert len(captured) == 1
    assert all(names)
    assert timezone.is_aware(version.approved_at)
    assert version.last_reviewed == ArticleVersion.objects.get(pk=version.pk).last_reviewed
    orm = ArticleVersion.objects.only(*views.ARTICLE_PAGE_FIELDS).get(pk=version.pk)
    assert version.get_deferred_fields() == orm.get_deferred_fields() != set()


def test_the_listing_queries_match_the_orm(demo_data):
    now = timezone.now()
    for article in Article.objects.all():
        _same(
            views._related_cards(article_id=article.pk, now=now),
            views._live_listing(now).filter(article__related_from=article.pk),
        )
        _same(
            views._article_topics(article_id=article.pk),
            Topic.objects.filter(articles=article.pk).only("name", "slug"),
        )
        _same(
            page_data.ARTICLE_PROGRAMS(article_id=article.pk),
            Program.objects.published()
            .filter(articles=article.pk)
            .only("name", "slug", "summary"),
        )
    for topic in Topic.objects.all():
        assert _same(views._topic_at(slug=topic.slug), Topic.objects.filter(slug=topic.slug))
        _same(
            views._topic_cards(topic_id=topic.pk, now=now),
            views._live_listing(now).filter(article__topics=topic.pk),
        )
    for program in Program.objects.all():
        _same(
            _program_at(slug=program.slug), Program.objects.published().filter(slug=program.slug)
        )
        _same(
            _program_articles(program_id=program.pk, now=now),
            ArticleVersion.objects.live(now=now)
            .for_listing()
            .filter(article__programs=program.pk)
            .order_by("title"),
        )


def test_the_home_page_queries_match_the_orm_with_their_annotations(demo_data):
    now = timezone.now()
    topics = _same(views._published_topic_rows(now=now), views._published_topics(now))
    counts = [topic.article_count for topic in topics]
    assert counts and any(counts)
    _same(
        views._recently_reviewed(now=now),
        views._live_cards(now).order_by("-last_reviewed", "title")[:4],
    )
    _same(
        page_data.PUBLISHED_PROGRAMS(),
        Program.objects.published().only("name", "slug", "summary"),
    )
    _same(
        page_data.ADMISSIONS_PAGES(),
        CenterPage.objects.published()
        .filter(section=CenterPage.Section.ADMISSIONS)
        .only("section", "slug", "title"),
    )


def test_every_call_reads_the_database_now(demo_data):
    article = Article.objects.get(live_version__slug="heroin-withdrawal-symptoms-and-timeline")
    slug = article.live_version.slug
    assert views._live_version_at(slug=slug, now=timezone.now())
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    with CaptureQueriesContext(connection) as captured:
        assert views._live_version_at(slug=slug, now=timezone.now()) == []
    assert len(captured) == 1


def test_an_unknown_slug_is_a_plain_parameter_not_sql(demo_data):
    hostile = "x' OR '1'='1"
    assert views._topic_at(slug=hostile) == []
    assert views._live_version_at(slug=hostile, now=timezone.now()) == []


@pytest.mark.parametrize(
    "build",
    [
        # "contains" wraps the value in wildcards: not one plain parameter.
        lambda word: Topic.objects.filter(name__contains=word),
        # The value never reaches the query.
        lambda slug: Topic.objects.all(),
        # Rows of values, not model instances.
        lambda slug: Topic.objects.filter(slug=slug).values("name"),
        lambda slug: Topic.objects.filter(slug=slug).prefetch_related("articles"),
    ],
)
def test_a_query_that_cannot_be_bound_safely_is_refused(build):
    compiled = CompiledQuery(build)
    with pytest.raises(ValueError):
        compiled(**{build.__code__.co_varnames[0]: "withdrawal"})


def test_a_value_of_a_type_with_no_stand_in_is_refused():
    compiled = CompiledQuery(lambda flag: Topic.objects.filter(pk=flag))
    with pytest.raises(TypeError):
        compiled(flag=True)


# --- PostgreSQL: planned once per session (PREPARE), then only executed ---------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@postgresql_only
def test_on_postgresql_a_compiled_query_is_prepared_once_and_executed(demo_data):
    slug = "heroin-withdrawal-symptoms-and-timeline"
    views._live_version_at(slug=slug, now=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        (version,) = views._live_version_at(slug=slug, now=timezone.now())
    assert version.slug == slug
    (sql,) = [query["sql"] for query in captured]
    assert sql.startswith("EXECUTE compiled_query_")
    name = sql.split()[1]
    # The page's own query, with the values bound by the server, not written in.
    statement = _prepared_statements()[name]
    assert "content_articleversion" in statement and "$1" in statement
    assert slug not in statement


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_new_database_session_prepares_again():
    Topic.objects.create(name="Withdrawal", slug="withdrawal", description="About it.", order=1)
    first = views._topic_at(slug="withdrawal")
    # What a restarted database or a recycled connection looks like to Django.
    connection.close()
    assert not any(name.startswith("compiled_query_") for name in _prepared_statements())
    again = views._topic_at(slug="withdrawal")
    assert [topic.pk for topic in again] == [topic.pk for topic in first] != []
    assert any(name.startswith("compiled_query_") for name in _prepared_statements())


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_before_preparing_raises_djangos_error_not_the_drivers():
    # A database stopped mid-request: the outage middleware and the views'
    # "except DatabaseError" know Django's errors, not psycopg2's.
    compiled = CompiledQuery(lambda slug: Topic.objects.filter(slug=slug))
    connection.ensure_connection()
    connection.connection.close()  # gone, and Django not yet told
    try:
        with pytest.raises(Error) as raised:
            compiled(slug="withdrawal")
        assert type(raised.value).__module__ == "django.db.utils"
    finally:
        connection.close()


@postgresql_only
def test_a_query_postgresql_cannot_prepare_still_runs_and_keeps_the_transaction(demo_data):
    # "$1 IS NOT NULL": PostgreSQL cannot tell the parameter's type, so PREPARE fails.
    compiled = CompiledQuery(
        lambda slug: Topic.objects.filter(slug=slug).extra(where=["%s IS NOT NULL"], params=[slug])
    )
    # Twice: once preparing (refused), once knowing it is not prepared.
    for _ in range(2):
        found = compiled(slug="withdrawal")
        assert [topic.slug for topic in found] == ["withdrawal"]
    # The test's transaction is still usable: the refusal was rolled back alone.
    assert Topic.objects.filter(slug="withdrawal").exists()


@postgresql_only
def test_prepared_statements_can_be_turned_off(demo_data, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    compiled = CompiledQuery(lambda slug: Topic.objects.filter(slug=slug))
    with CaptureQueriesContext(connection) as captured:
        assert [topic.slug for topic in compiled(slug="withdrawal")] == ["withdrawal"]
    assert captured[0]["sql"].startswith("SELECT")


@postgresql_only
def test_the_search_is_prepared_and_finds_what_the_plain_sql_finds(demo_data, settings):
    from content.search import COMPILED_SEARCH_WORDS, run_search

    queries = ["heroin withdrawal", "narcan", "methadone or buprenorphine for my son"]
    # More typed words than are compiled: built afresh, found the same way.
    long_query = "heroin withdrawal detox methadone buprenorphine naloxone overdose relapse rehab"
    assert len(long_query.split()) > COMPILED_SEARCH_WORDS
    queries.append(long_query)
    for query in queries:
        run_search(query)
    with CaptureQueriesContext(connection) as captured:
        prepared = [run_search(query).results for query in queries]
    # The synonyms for every search, and the search itself for the three
    # short enough to be compiled.
    assert sum(q["sql"].startswith("EXECUTE compiled_query_") for q in captured) == 4 + 3
    assert len(captured) == 4 + 4
    settings.DATABASE_PREPARED_STATEMENTS = False
    plain = [run_search(query).results for query in queries]
    for found, expected in zip(prepared, plain, strict=True):
        assert found
        assert [(v.pk, v.rank, v.matches, v.passage) for v in found] == [
            (v.pk, v.rank, v.matches, v.passage) for v in expected
        ]


def test_rows_give_their_keys_without_instances_and_the_same_instances_on_demand(demo_data):
    now = timezone.now()
    found = views._live_version_at.rows(slug=_a_live_slug(), now=now)
    assert found._objects is None  # nothing built yet
    assert found.column("article_id") == [found.objects[0].article_id]
    assert found.column("id") == [found.objects[0].pk]
    again = views._live_version_at.rows(slug=_a_live_slug(), now=now)
    assert again.key == found.key  # the same rows, the same key
    assert not views._live_version_at.rows(slug="no-such-page", now=now)


def _a_live_slug():
    return ArticleVersion.objects.live().order_by("slug").values_list("slug", flat=True)[0]


# ---- Queries run together: one statement on PostgreSQL, the same rows ----


def _article_calls(slug, now):
    return (
        views._live_version_at.bind(slug=slug, now=now),
        *views._article_inputs(From(0, "article_id"), now),
    )


def test_queries_run_together_return_what_each_returns_alone(demo_data):
    now = timezone.now()
    for article in Article.objects.published().select_related("live_version"):
        slug = article.live_version.slug
        together_rows = run_together(*_article_calls(slug, now))
        alone = [
            views._live_version_at.rows(slug=slug, now=now),
            views._article_topics.rows(article_id=article.pk),
            views._related_cards.rows(article_id=article.pk, now=now),
            page_data.ARTICLE_PROGRAMS.rows(article_id=article.pk),
        ]
        # The same rows, in the same order, as the driver returned them...
        assert [found.key for found in together_rows] == [found.key for found in alone]
        # ...and the same instances built from them.
        for found, expected in zip(together_rows, alone, strict=True):
            assert [_state(obj) for obj in found.objects] == [
                _state(obj) for obj in expected.objects
            ]
    related = [len(found.key) for found in run_together(*_article_calls(slug, now))]
    assert related, "an article with topics and related articles was compared"


def test_the_home_page_queries_run_together_keep_their_order_and_annotations(demo_data):
    now = timezone.now()
    first_screen, topics, recent, programs = run_together(
        views._live_first_screen.bind(now=now),
        views._published_topic_rows.bind(now=now),
        views._recently_reviewed.bind(now=now),
        page_data.PUBLISHED_PROGRAMS.bind(),
    )
    assert len(first_screen.objects) == 2
    _same(topics.objects, views._published_topics(now))
    assert [topic.article_count for topic in topics.objects] == [
        topic.article_count for topic in views._published_topics(now)
    ]
    _same(recent.objects, views._live_cards(now).order_by("-last_reviewed", "title")[:4])
    _same(programs.objects, Program.objects.published().only("name", "slug", "summary"))


def test_queries_taking_a_value_from_a_query_that_found_nothing_find_nothing(demo_data):
    now = timezone.now()
    found = run_together(*_article_calls("no-such-article", now))
    assert [row.key for row in found] == [(), (), (), ()]
    assert [row.objects for row in found] == [[], [], [], []]
    assert [row.column("id") for row in found] == [[], [], [], []]
    topic, cards = run_together(
        views._topic_at.bind(slug="no-such-topic"),
        views._topic_cards.bind(topic_id=From(0, "id"), now=now),
    )
    assert not topic and not cards


def test_a_query_with_no_rows_between_others_leaves_theirs_in_place(demo_data):
    now = timezone.now()
    topic = Topic.objects.first()
    found = run_together(
        views._topic_at.bind(slug=topic.slug),
        views._live_version_at.bind(slug="no-such-article", now=now),
        views._topic_cards.bind(topic_id=From(0, "id"), now=now),
    )
    assert [obj.pk for obj in found[0].objects] == [topic.pk]
    assert found[1].objects == []
    _same(found[2].objects, views._live_listing(now).filter(article__topics=topic.pk))


def test_queries_run_together_are_one_statement_on_postgresql(demo_data):
    now = timezone.now()
    slug = "heroin-withdrawal-symptoms-and-timeline"
    run_together(*_article_calls(slug, now))  # compiled, and prepared, on this connection
    with CaptureQueriesContext(connection) as captured:
        found = run_together(*_article_calls(slug, now))
    assert all(found)
    assert len(captured) == (1 if connection.vendor == "postgresql" else 4)


def test_queries_run_together_see_each_change_at_once(demo_data):
    now = timezone.now()
    article = Article.objects.get(live_version__slug="heroin-withdrawal-symptoms-and-timeline")
    slug = article.live_version.slug
    before = run_together(*_article_calls(slug, now))
    assert before[1].objects
    article.topics.clear()
    after = run_together(*_article_calls(slug, now))
    assert after[0].key == before[0].key
    assert after[1].objects == []
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert not any(run_together(*_article_calls(slug, now)))
