"""Words for search: splitting text, stop words, a small stemmer, and the lexicon.

Used on both databases: the lexicon's words (``SearchWord``) come from
``version_words``; the SQLite fallback also ranks and highlights with these.
"""

import re

from django.db import connection

# Letters and digits, with an inner apostrophe ("don't"), lower-cased first.
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Markdown a reader never sees: footnote marks, link targets, emphasis, headings.
_FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[#*_`|~]+|^\s*>+|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE)

# Common English words that say nothing about what a page is about (close to
# PostgreSQL's english stop list, plus a few words every query here carries).
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each few for from further get gets getting had
    hadn't has hasn't have haven't having he her here hers herself him himself his how i
    if in into is isn't it it's its itself just me more most my myself no nor not now of
    off on once only or other ought our ours ourselves out over own same she should
    shouldn't so some such than that that's the their theirs them themselves then there
    these they this those through to too under until up very was wasn't we were weren't
    what when where which while who whom why will with won't would wouldn't you your
    yours yourself yourselves also im i'm ive i've let lets s t
    """.split()  # noqa: SIM905  # easier to read and extend as text
)

MIN_LEXICON_WORD = 3
MAX_LEXICON_WORD = 40


def words(text):
    """The words of ``text``, lower-cased, in order."""
    return WORD.findall((text or "").lower())


def plain_text(markdown_text):
    """Article Markdown as the words a reader sees (for matching and passages)."""
    text = _FOOTNOTE.sub("", markdown_text or "")
    text = _LINK.sub(r"\1", text)
    return _MARKUP.sub(" ", text)


_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "ly", "s")


def stem(word):
    """A rough stem, enough to match "overdosing" with "overdose" and "lasts" with "last".

    Only for the SQLite fallback and for deciding whether a word is merely
    another form of a known one; PostgreSQL uses its own Snowball stemmer.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix == "ies":
                base += "y"
            return base.rstrip("e") if len(base) > 3 else base
    return word.rstrip("e") if len(word) > 4 else word


def significant(tokens):
    """``tokens`` without stop words."""
    return [token for token in tokens if token not in STOP_WORDS]


def version_words(version):
    """The distinct words of an approved version a visitor can read."""
    text = " ".join([version.title, version.summary, version.key_points, plain_text(version.body)])
    return {
        word
        for word in words(text)
        if MIN_LEXICON_WORD <= len(word) <= MAX_LEXICON_WORD
        and word.isalpha()
        and word not in STOP_WORDS
    }


# The full-text vector of a version: the title weighs most (A), then the
# summary and key points (B), then the body (C).
FULL_TEXT_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, v.title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, v.summary || ' ' || v.key_points), 'B')"
    " || setweight(to_tsvector('english'::regconfig, v.body), 'C')"
)


def store_search_vector(version_id, using=None):
    """Compute and keep a version's vector, on PostgreSQL (SQLite ranks in Python)."""
    target = connection if using is None else using
    if target.vendor != "postgresql":
        return
    with target.cursor() as cursor:
        sql = (
            "INSERT INTO content_searchdocument (version_id, vector)"  # noqa: S608  # nosec
            f" SELECT v.id, {FULL_TEXT_VECTOR} FROM content_articleversion v WHERE v.id = %s"
            " ON CONFLICT (version_id) DO NOTHING"
        )  # constants only; the id is a parameter
        cursor.execute(sql, [version_id])
