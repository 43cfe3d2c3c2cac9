"""What an editor should look at before an article goes to review, and which reviews are due.

Everything here returns plain data; the admin and the ``reviews_due``
command decide how to show it.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.markdown import cited_numbers
from content.models import Article
from content.readability import reading_grade, reading_minutes, word_count, words_to_avoid

# Plain-language guidance for health information aims at a US 8th-grade level.
READING_GRADE_TARGET = 8
# "Due soon" means within this many days, in the admin filter, the reviews-due
# page and the scheduled command alike.
REVIEW_DUE_SOON_DAYS = 30
# Fields that readers see, checked for words that stigmatise, in page order.
CHECKED_TEXT_FIELDS = ("title", "summary", "body", "when_to_get_help")


@dataclass(frozen=True)
class FlaggedWord:
    field: str
    word: str
    instead: str
    count: int


@dataclass(frozen=True)
class StaleCitation:
    number: int
    title: str
    last_checked: date


@dataclass(frozen=True)
class ContentChecks:
    word_count: int
    reading_minutes: int
    reading_grade: float
    flagged_words: list[FlaggedWord]
    stale_citations: list[StaleCitation]
    missing_citation_numbers: list[int]

    @property
    def reading_grade_too_high(self):
        return self.reading_grade > READING_GRADE_TARGET

    @property
    def has_problems(self):
        return bool(
            self.reading_grade_too_high
            or self.flagged_words
            or self.stale_citations
            or self.missing_citation_numbers
        )


def _flagged_words(article):
    flagged = {}
    for field_name in CHECKED_TEXT_FIELDS:
        label = str(Article._meta.get_field(field_name).verbose_name)
        for word, instead in words_to_avoid(getattr(article, field_name)):
            key = (label, word.lower())
            if key in flagged:
                flagged[key]["count"] += 1
            else:
                flagged[key] = {"field": label, "word": word, "instead": instead, "count": 1}
    return [FlaggedWord(**entry) for entry in flagged.values()]


def article_content_checks(article, today=None):
    """Length, reading level, words to avoid and citation problems of a saved article."""
    citations = list(article.citations.all())
    stale = [
        StaleCitation(number=c.order, title=c.title, last_checked=c.last_checked)
        for c in citations
        if c.is_stale(today)
    ]
    missing = cited_numbers(article.body) - {c.order for c in citations}
    return ContentChecks(
        word_count=word_count(article.body),
        reading_minutes=reading_minutes(article.body),
        reading_grade=reading_grade(article.body),
        flagged_words=_flagged_words(article),
        stale_citations=stale,
        missing_citation_numbers=sorted(missing),
    )


def review_state(article, today=None):
    """A few words on where the article's medical review stands, for a list column."""
    if article.next_review_due is None:
        return _("Never reviewed")
    today = today or timezone.localdate()
    days_left = (article.next_review_due - today).days
    if days_left < 0:
        return _("Overdue")
    if days_left == 0:
        return _("Due today")
    if days_left <= REVIEW_DUE_SOON_DAYS:
        return ngettext("Due in %(days)d day", "Due in %(days)d days", days_left) % {
            "days": days_left
        }
    return _("OK")


@dataclass(frozen=True)
class ReviewsDue:
    overdue: QuerySet
    due_soon: QuerySet


def reviews_due(today=None):
    """Articles whose review is overdue, and those due in the next ``REVIEW_DUE_SOON_DAYS``.

    Archived articles are left out (the queryset methods exclude them). Both
    lists are ordered by due date, most urgent first.
    """
    articles = Article.objects.select_related("reviewer").order_by("next_review_due", "title")
    return ReviewsDue(
        overdue=articles.review_overdue(today),
        due_soon=articles.review_due_within(REVIEW_DUE_SOON_DAYS, today),
    )
