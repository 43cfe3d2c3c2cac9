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
from content.models import Article, ArticleVersion, Topic, add_months

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


# Key points, the help box, and fentanyl ------------------------------------------


@pytest.mark.parametrize(
    ("key_points", "count", "advice"),
    [
        ("", 0, "There are no key points: add three to five, one per line."),
        ("One.\nTwo.", 2, "There are 2 key points; give three to five, one per line."),
        ("A.\nB.\nC.\nD.\nE.\nF.", 6, "There are 6 key points; give three to five, one per line."),
        ("One.", 1, "There is 1 key point; give three to five, one per line."),
        ("One.\n\nTwo.\n- Three.", 3, ""),
        ("A.\nB.\nC.\nD.\nE.", 5, ""),
    ],
    ids=["none", "two", "six", "one", "three-with-a-blank-line", "five"],
)
def test_advises_three_to_five_key_points(make_article, key_points, count, advice):
    checks = article_content_checks(make_article(key_points=key_points))
    assert checks.key_point_count == count
    assert checks.key_points_advice == advice
    assert (advice in checks.advice) if advice else checks.advice == []


def test_key_points_are_checked_for_words_to_avoid(make_article):
    article = make_article(key_points="An addict can recover.\nHelp works.\nCall us.")
    assert article_content_checks(article).flagged_words == [
        FlaggedWord("key points", "addict", "person with a substance use disorder", 1)
    ]


def _clinical(name, slug, is_clinical=True):
    return Topic.objects.create(
        name=name, slug=slug, description="x", order=9, is_clinical=is_clinical
    )


def test_advises_a_help_box_on_a_clinical_article_without_one(make_article, topic):
    checks = article_content_checks(make_article(when_to_get_help="", topics=[topic]))
    assert checks.missing_help_box
    assert any("When to get help now" in advice for advice in checks.advice)


@pytest.mark.parametrize(
    "topics",
    [["words"], ["words", "paying"]],
    ids=["non-clinical", "all-non-clinical"],
)
def test_no_help_box_advice_when_every_topic_is_non_clinical(make_article, topics):
    made = {
        "words": _clinical("Words matter", "words-matter", is_clinical=False),
        "paying": _clinical("Paying", "paying", is_clinical=False),
    }
    article = make_article(when_to_get_help="", topics=[made[name] for name in topics])
    checks = article_content_checks(article)
    assert not checks.missing_help_box
    assert checks.advice == []


def test_a_clinical_topic_among_others_still_needs_the_help_box(make_article, topic):
    paying = _clinical("Paying", "paying", is_clinical=False)
    article = make_article(when_to_get_help="", topics=[paying, topic])
    assert article_content_checks(article).missing_help_box


def test_an_article_on_no_topic_yet_needs_the_help_box(make_article):
    assert article_content_checks(make_article(when_to_get_help="", topics=[])).missing_help_box


def test_new_topics_are_clinical_unless_marked_otherwise(db):
    assert Topic.objects.create(name="New", slug="new", description="x").is_clinical


FENTANYL_WARNING = "never mentions fentanyl"


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Heroin overdose", "body": "What to do.[^1]"},
        {"summary": "HEROIN can cause an OVERDOSE."},
        {"key_points": "Heroin is strong.\nOverdoses happen.\nCall 911."},
        {"body": "People who use heroin.[^1]", "when_to_get_help": "Overdosing? Call 911."},
        {"body": "Heroin.[^1] Read [this](https://nida.nih.gov/fentanyl) on overdose."},
    ],
    ids=["title", "any-case", "key-points", "body-and-help-box", "only-in-a-link-address"],
)
def test_warns_when_heroin_and_overdose_are_mentioned_but_not_fentanyl(make_article, fields):
    defaults = {"title": "An article", "body": "Text.[^1]"}
    checks = article_content_checks(make_article(**{**defaults, **fields}))
    assert checks.heroin_overdose_without_fentanyl
    [warning] = checks.warnings
    assert FENTANYL_WARNING in warning
    assert checks.advice[0] == warning  # first, and it needs "Approve anyway"


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Heroin overdose", "body": "Most heroin has fentanyl in it.[^1]"},
        {"title": "Heroin overdose", "key_points": "FENTANYL is common.\nB.\nC."},
        {"title": "Heroin overdose", "when_to_get_help": "Fentanyl-laced drugs: call 911."},
        {"title": "Heroin", "body": "Withdrawal is hard.[^1]"},
        {"title": "Overdose", "body": "Call 911.[^1]"},
        {"title": "A heroine's overdose", "body": "A story.[^1]"},
        {"title": "Overdue for review", "body": "Heroin.[^1]"},
    ],
    ids=[
        "fentanyl-in-body", "fentanyl-in-key-points", "fentanyl-hyphenated-in-help-box",
        "heroin-only", "overdose-only", "heroine-is-another-word", "overdue-is-another-word",
    ],
)  # fmt: skip
def test_no_fentanyl_warning_when_fentanyl_is_named_or_the_pair_is_absent(make_article, fields):
    checks = article_content_checks(make_article(**fields))
    assert not checks.heroin_overdose_without_fentanyl
    assert checks.warnings == []
