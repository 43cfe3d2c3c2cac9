"""PostgreSQL serves search from its GIN indexes, not by reading every article."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.search import run_search

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GIN indexes and EXPLAIN plans are PostgreSQL's"
)


def _plans(queries, bitmap_only=False):
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmap_only:  # GIN is read only by bitmap scans
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
        for query in queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_search_reads_no_table_end_to_end(make_article, settings):
    # The plain SQL, to EXPLAIN it here: a statement prepared earlier in the
    # session keeps the plan it was given then, whatever is SET below.
    settings.DATABASE_PREPARED_STATEMENTS = False
    for n in range(3):
        make_article(title=f"Naloxone {n}", slug=f"naloxone-{n}")
    # The demo has a handful of rows: without enable_seqscan off the planner
    # would rightly read the whole table.
    with CaptureQueriesContext(connection) as queries:
        run_search("naloxome overdose")
    search_sql = [q for q in queries if "ts_rank" in q["sql"]]
    spelling_sql = [q for q in queries if "similarity" in q["sql"]]
    # The search, then (a word found nothing) the spelling, then the corrected search.
    assert len(search_sql) == 2 and len(spelling_sql) == 1
    *search_plans, spelling_plan = _plans(search_sql + spelling_sql)
    for plan in search_plans:
        assert "Seq Scan on content_articleversion" not in plan, plan
        assert "Seq Scan on content_searchdocument" not in plan, plan
    assert "Seq Scan on content_searchword" not in spelling_plan, spelling_plan


def test_the_gin_indexes_serve_the_searchs_matches(make_article):
    # With other indexes to choose from the planner may prefer one of them on
    # a tiny table; the match alone shows the GIN indexes serve it.
    make_article(title="Naloxone", slug="naloxone")
    full_text = (
        "SELECT version_id FROM content_searchdocument WHERE vector"
        " @@ websearch_to_tsquery('english'::regconfig, 'naloxone or overdose')"
    )
    look_alike = "SELECT word FROM content_searchword WHERE word % 'naloxome'"
    full_text_plan, look_alike_plan = _plans(
        [{"sql": full_text}, {"sql": look_alike}], bitmap_only=True
    )
    assert "content_searchdocument_vector" in full_text_plan, full_text_plan
    assert "content_searchword_trigram" in look_alike_plan, look_alike_plan


def test_an_approved_body_is_read_for_passages_once_not_with_every_search(make_article, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False  # the SQL itself, to read it
    body = f"## Carry it\n\nKeep naloxone where you can reach it ({uuid.uuid4().hex}).\n"
    make_article(title="Naloxone at home", slug="naloxone-at-home", body=body)
    with CaptureQueriesContext(connection) as first:
        found = run_search("naloxone").results
    with CaptureQueriesContext(connection) as again:
        repeat = run_search("naloxone").results
    # synonyms, search, the new body; then synonyms and search only.
    assert (len(first), len(again)) == (3, 2)
    (search,) = [q["sql"] for q in again if "ts_rank" in q["sql"]]
    assert '"body"' not in search
    for results in (found, repeat):
        assert "Keep <mark>naloxone</mark> where you can reach it" in results[0].passage
