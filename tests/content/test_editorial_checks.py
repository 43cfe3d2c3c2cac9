"""Content checks for editors, review state, and which reviews are due: plain data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from content.editorial_checks import (
    REVIEW_DUE_SOON_DAYS,
    FlaggedWord,
    StaleCitation,
    article_content_checks,
    review_state,
    reviews_due,
)
from content.models import Article, ArticleVersion, add_months

TODAY = date(2025, 6, 15)


def test_counts_words_reading_time_and_grade(make_article):
    article = make_article(body="## Eating well\n\nEat well. Sleep well. Drink water.[^1]\n")
    checks = article_content_checks(article, today=TODAY)
    assert checks.word_count == 8  # the heading counts, the citation marker does not
    assert checks.reading_minutes == 1
    assert checks.reading_grade <= 8
    assert not checks.reading_grade_too_high


def test_reading_time_rounds_up(make_article):
    article = make_article(body="Word " * 401 + "[^1]")
    assert article_content_checks(article).reading_minutes == 3


def test_flags_a_reading_grade_above_8(make_article):
    article = make_article(
        body="Pharmacological detoxification necessitates comprehensive multidisciplinary "
        "supervision, individualised medication administration, and continuous "
        "physiological monitoring throughout withdrawal.[^1]"
    )
    checks = article_content_checks(article)
    assert checks.reading_grade > 8
    assert checks.reading_grade_too_high
    assert checks.has_problems


def test_finds_words_to_avoid_in_each_field_with_the_suggested_wording(make_article):
    article = make_article(
        title="When an addict relapses",
        summary="Nobody is dirty.",
        body="Addicts deserve care. An addict is a person.[^1]",
        when_to_get_help="If a user stops breathing, call 911.",
    )
    flagged = article_content_checks(article).flagged_words
    assert flagged == [
        FlaggedWord("title", "addict", "person with a substance use disorder", 1),
        FlaggedWord("summary", "dirty", "currently using; testing positive", 1),
        FlaggedWord("body", "Addicts", "person with a substance use disorder", 1),
        FlaggedWord("body", "addict", "person with a substance use disorder", 1),
        FlaggedWord("when to get help now", "user", "person who uses drugs", 1),
    ]


def test_counts_repeats_of_a_flagged_word_once_per_field(make_article):
    article = make_article(body="A junkie. Another junkie. JUNKIE.[^1]")
    assert article_content_checks(article).flagged_words == [
        FlaggedWord("body", "junkie", "person who uses drugs", 3)
    ]


def test_plain_respectful_text_has_no_problems(make_article):
    article = make_article(body="People can and do get well. Help is here.[^1]")
    checks = article_content_checks(article)
    assert checks.flagged_words == []
    assert checks.stale_citations == []
    assert checks.missing_citation_numbers == []
    assert not checks.has_problems


def test_lists_citations_last_checked_more_than_a_year_ago(make_article):
    article = make_article(citations=3, body="One.[^1] Two.[^2] Three.[^3]")
    article.citations.filter(order=1).update(last_checked=TODAY - timedelta(days=366))
    article.citations.filter(order=2).update(last_checked=TODAY - timedelta(days=365))
    article.citations.filter(order=3).update(last_checked=TODAY)
    assert article_content_checks(article, today=TODAY).stale_citations == [
        StaleCitation(number=1, title="Source 1", last_checked=TODAY - timedelta(days=366))
    ]


def test_lists_references_without_a_citation(make_article):
    article = make_article(citations=1, body="A.[^1] B.[^3] C.[^2] D.[^3]")
    checks = article_content_checks(article)
    assert checks.missing_citation_numbers == [2, 3]
    assert checks.has_problems


@pytest.mark.parametrize(
    ("next_review_due", "expected"),
    [
        (None, "Never reviewed"),
        (TODAY - timedelta(days=1), "Overdue"),
        (TODAY, "Due today"),
        (TODAY + timedelta(days=1), "Due in 1 day"),
        (TODAY + timedelta(days=REVIEW_DUE_SOON_DAYS), "Due in 30 days"),
        (TODAY + timedelta(days=REVIEW_DUE_SOON_DAYS + 1), "OK"),
    ],
)
def test_review_state(next_review_due, expected):
    # The review dates belong to the approved version visitors read.
    version = None if next_review_due is None else ArticleVersion(next_review_due=next_review_due)
    article = Article(live_version=version)
    assert review_state(article, today=TODAY) == expected


def test_reviews_due_splits_overdue_from_due_soon_most_urgent_first(make_article):
    today = timezone.localdate()
    later = make_article(title="Very late", last_reviewed=today - timedelta(days=800))
    late = make_article(title="Late", last_reviewed=today - timedelta(days=400))
    soon = make_article(title="Soon", last_reviewed=add_months(today + timedelta(days=5), -12))
    make_article(title="Fresh")
    make_article(title="Never reviewed", last_reviewed=None, status=Article.Status.DRAFT)
    make_article(
        title="Archived", last_reviewed=today - timedelta(days=400), status=Article.Status.ARCHIVED
    )
    due = reviews_due()
    assert list(due.overdue) == [later, late]
    assert list(due.due_soon) == [soon]


def test_reviews_due_loads_reviewers_with_the_articles(make_article, django_assert_num_queries):
    for _ in range(3):
        make_article(last_reviewed=timezone.localdate() - timedelta(days=400))
    with django_assert_num_queries(1):
        assert len({str(article.reviewer) for article in reviews_due().overdue}) == 1
