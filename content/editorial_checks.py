"""What an editor should look at before an article goes to review, and which reviews are due.

Everything here returns plain data; the admin and the ``reviews_due``
command decide how to show it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.markdown import cited_numbers
from content.models import Article, ArticleVersion, split_key_points
from content.readability import reading_grade, reading_minutes, word_count, words_to_avoid

# Plain-language guidance for health information aims at a US 8th-grade level.
READING_GRADE_TARGET = 8
# "Due soon" means within this many days, in the admin filter, the reviews-due
# page and the scheduled command alike.
REVIEW_DUE_SOON_DAYS = 30
# Fields that readers see, checked for words that stigmatise, in page order.
CHECKED_TEXT_FIELDS = ("title", "summary", "key_points", "body", "when_to_get_help")
# The "Key points" box holds three to five bullets (CONTENT.md).
KEY_POINTS_MIN, KEY_POINTS_MAX = 3, 5
# Whole words, any case: "overdoses" is about overdose, "heroine" is not about heroin.
_HEROIN = re.compile(r"\bheroin\b", re.IGNORECASE)
_OVERDOSE = re.compile(r"\boverdos(?:e|es|ed|ing)\b", re.IGNORECASE)
_FENTANYL = re.compile(r"\bfentanyls?\b", re.IGNORECASE)
# A Markdown link's address: "[text](/articles/fentanyl/)" mentions no fentanyl to a reader.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


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
    unused_citation_numbers: list[int]
    broken_links: list[str]
    key_point_count: int = 0
    missing_help_box: bool = False
    heroin_overdose_without_fentanyl: bool = False

    @property
    def reading_grade_too_high(self):
        return self.reading_grade > READING_GRADE_TARGET

    @property
    def key_points_advice(self):
        """Advice on the "Key points" box, or "" when it has three to five points."""
        if self.key_point_count == 0:
            return _("There are no key points: add three to five, one per line.")
        if not KEY_POINTS_MIN <= self.key_point_count <= KEY_POINTS_MAX:
            return ngettext(
                "There is %(count)d key point; give three to five, one per line.",
                "There are %(count)d key points; give three to five, one per line.",
                self.key_point_count,
            ) % {"count": self.key_point_count}
        return ""

    @property
    def has_problems(self):
        return bool(self.problems or self.advice)

    @property
    def warnings(self):
        """Clinical safety advice: shown first and apart, and approved despite only with a tick.

        Part of ``advice`` too, so an approval despite a warning is recorded
        with the rest in ``ArticleVersion.advice_overridden``.
        """
        found = []
        if self.heroin_overdose_without_fentanyl:
            found.append(
                _(
                    "The article talks about heroin and overdose but never mentions fentanyl. "
                    "Street heroin is now often mixed with or replaced by fentanyl, which "
                    "makes an overdose far more likely; say so."
                )
            )
        return found

    @property
    def problems(self):
        """What would make the published page wrong: each blocks approval."""
        found = []
        if self.missing_citation_numbers:
            found.append(
                _("The text cites %(numbers)s, but there is no citation with that number.")
                % {"numbers": _numbers(self.missing_citation_numbers)}
            )
        if self.unused_citation_numbers:
            found.append(
                _("Citation %(numbers)s is never referred to in the text; cite it or remove it.")
                % {"numbers": _numbers(self.unused_citation_numbers)}
            )
        for link in self.broken_links:
            found.append(
                _("The link to %(link)s goes to no published article; correct or remove it.")
                % {"link": link}
            )
        return found

    @property
    def advice(self):
        """What a reviewer should weigh: shown beside approval, which then needs a tick."""
        return self.warnings + self.other_advice

    @property
    def other_advice(self):
        """The advice that is not a clinical safety warning."""
        found = []
        if self.key_points_advice:
            found.append(self.key_points_advice)
        if self.missing_help_box:
            found.append(
                _(
                    "There is no “When to get help now” box. Articles on a clinical topic need "
                    "one, with the numbers to call: 911, 988 and 1-800-662-4357."
                )
            )
        if self.reading_grade_too_high:
            found.append(
                _("Reading level is grade %(grade)s; the target is grade %(target)d or below.")
                % {"grade": self.reading_grade, "target": READING_GRADE_TARGET}
            )
        for flagged in self.flagged_words:
            found.append(
                ngettext(
                    "%(field)s uses “%(word)s” once; prefer “%(instead)s”.",
                    "%(field)s uses “%(word)s” %(count)d times; prefer “%(instead)s”.",
                    flagged.count,
                )
                % {
                    "field": flagged.field,
                    "word": flagged.word,
                    "count": flagged.count,
                    "instead": flagged.instead,
                }
            )
        for stale in self.stale_citations:
            found.append(
                _("Citation [%(number)d] was last checked on %(date)s, over a year ago.")
                % {"number": stale.number, "date": stale.last_checked.isoformat()}
            )
        return found


def _numbers(numbers):
    return ", ".join(f"[{n}]" for n in numbers)


# Links to an article: "/articles/<slug>/", on this site or on SITE_URL.
_ARTICLE_LINK = re.compile(
    r'href="(?P<href>(?P<origin>https?://[^/"]+)?/articles/(?P<slug>[^/"#?]+)/?[^"]*)"'
)


def _broken_article_links(article):
    """Links in the article's text to an article address that would not open."""
    site_origin = settings.SITE_URL.rstrip("/")
    links = []
    for html in (article.body_html, article.help_html):
        for match in _ARTICLE_LINK.finditer(html):
            if match["origin"] and match["origin"] != site_origin:
                continue  # another site's article
            links.append((match["href"], match["slug"]))
    if not links:
        return []
    # Live slugs, and the older slugs of live articles (they redirect).
    reachable = set(
        ArticleVersion.objects.filter(
            article__in=Article.objects.published(), slug__in={slug for _, slug in links}
        ).values_list("slug", flat=True)
    )
    reachable.add(article.slug)
    broken = []
    for href, slug in links:
        if slug not in reachable and href not in broken:
            broken.append(href)
    return broken


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


def _mentions_heroin_and_overdose_but_not_fentanyl(article):
    text = "\n".join(
        _LINK_TARGET.sub("]", getattr(article, field) or "")
        for field in ("title", "summary", "key_points", "body", "when_to_get_help")
    )
    return bool(_HEROIN.search(text) and _OVERDOSE.search(text) and not _FENTANYL.search(text))


def _needs_help_box(article):
    """Whether the article is clinical: on a clinical topic, or on no topic yet."""
    topics = [topic.is_clinical for topic in article.topics.all()]
    return not topics or any(topics)


def article_content_checks(article, today=None):
    """Length, reading level, words to avoid, boxes and citation problems of a saved article."""
    citations = list(article.citations.all())
    stale = [
        StaleCitation(number=c.order, title=c.title, last_checked=c.last_checked)
        for c in citations
        if c.is_stale(today)
    ]
    cited = cited_numbers(article.body) | cited_numbers(article.when_to_get_help)
    numbers = {c.order for c in citations}
    return ContentChecks(
        word_count=word_count(article.body),
        reading_minutes=reading_minutes(article.body),
        reading_grade=reading_grade(article.body),
        flagged_words=_flagged_words(article),
        stale_citations=stale,
        missing_citation_numbers=sorted(cited - numbers),
        unused_citation_numbers=sorted(numbers - cited),
        broken_links=_broken_article_links(article),
        key_point_count=len(split_key_points(article.key_points)),
        missing_help_box=not article.when_to_get_help.strip() and _needs_help_box(article),
        heroin_overdose_without_fentanyl=_mentions_heroin_and_overdose_but_not_fentanyl(article),
    )


def approval_checks(article, today=None):
    """The checks a reviewer sees before approving (the working copy, as saved)."""
    return article_content_checks(article, today)


def review_state(article, today=None):
    """A few words on where the article's medical review stands, for a list column."""
    version = article.live_version
    if version is None:
        return _("Never reviewed")
    today = today or timezone.localdate()
    days_left = (version.next_review_due - today).days
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

    Only published and scheduled articles count (the queryset methods say so). Both
    lists are ordered by due date, most urgent first.
    """
    articles = Article.objects.select_related("live_version", "reviewer").order_by(
        "live_version__next_review_due", "title"
    )
    return ReviewsDue(
        overdue=articles.review_overdue(today),
        due_soon=articles.review_due_within(REVIEW_DUE_SOON_DAYS, today),
    )
