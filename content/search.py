"""Article search that finds what people type: synonyms, misspellings, phrases.

A query takes two queries to the database (synonyms, then the search), and
two more only when a word found nothing and a spelling correction is tried:

1. Synonyms (``SearchSynonym``, edited in the admin) add the words our
   articles use: "narcan" also searches for "naloxone", "my son" for
   "family". They are read on every search (about a hundred short rows), so
   an editor's change counts at once, on every app server, with no cache to
   clear.
2. Spelling: each significant word that matched nothing, and is neither a
   synonym, nor a word of a live article (the lexicon, ``SearchWord``), nor a
   common English word (``content.english_words``: "shaking" is not a
   misspelling of "sharing"), is matched against the lexicon; a close match
   replaces it, a looser one is offered as "Did you mean". PostgreSQL uses
   pg_trgm similarity with a GIN trigram index; SQLite uses Python's difflib
   against the same lexicon, read once per change of the set of live
   versions.
3. Ranking: PostgreSQL full-text search with the english configuration
   (stop words and stemming), OR across the significant words, ranked with
   the title (A) above the summary and key points (B) above the body (C),
   using each version's stored vector (``SearchDocument``, computed once) and
   its GIN index. SQLite scores in Python with the same weights and a small
   stemmer (``content.search_words.stem``).
4. Passages, for the (at most 20) results shown only: the text around the
   first match, escaped, then matches wrapped in ``<mark>`` (``_passage``).
"""

import difflib
import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.utils import timezone
from django.utils.safestring import mark_safe

from content.english_words import is_common_english
from content.fragments import FragmentCache
from content.models import (
    LISTING_DEFERRED_FIELDS,
    Article,
    ArticleVersion,
    SearchSynonym,
    SearchWord,
)
from content.search_words import STOP_WORDS, plain_text, significant, stem, words
from wellness_site.compiled_queries import CompiledQuery

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20
# Control characters (C0, DEL, C1): nobody searches for one, and PostgreSQL
# refuses a string holding NUL outright. They count as spaces.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

MIN_SPELLCHECKED_LENGTH = 4
MIN_CORRECTED_LENGTH = 5
# A word the visitor typed counts more than one a synonym added.
EXPANSION_WEIGHT = 0.6
TYPED_BONUS = 0.5

_TS_QUERY = "websearch_to_tsquery('english'::regconfig, %s)"


@dataclass
class SearchOutcome:
    """What a search found, and what it understood the query to be."""

    results: list = field(default_factory=list)
    # The query as searched, when misspelt words were replaced.
    corrected: str = ""
    # A spelling worth offering when the query found little.
    suggestion: str = ""


def clean_query(query):
    return _CONTROL_CHARACTERS.sub(" ", query or "").strip()


# Letters with dots between them: "O.D.", "I.O.P.".
_DOTTED_ABBREVIATION = re.compile(r"\b[^\W\d_](?:\.[^\W\d_])+\b\.?")


def _searchable(text):
    """``text`` as the articles spell it: accents dropped ("heroína" is searched
    as "heroina", then corrected like any misspelling), dotted abbreviations
    joined ("O.D." as "OD", a synonym of overdose)."""
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return _DOTTED_ABBREVIATION.sub(lambda match: match.group().replace(".", ""), text)


def search_articles(query):
    """Live versions matching ``query``, best first (at most ``MAX_RESULTS``)."""
    return run_search(query).results


def run_search(query, *, correct_spelling=True):
    tokens = words(_searchable(clean_query(query)))
    if not tokens:
        return SearchOutcome()
    synonyms = _synonyms()
    corpus = None if connection.vendor == "postgresql" else _python_corpus()
    results, matched = _results(tokens, synonyms, corpus)
    outcome = SearchOutcome(results=results)
    if not correct_spelling:
        return outcome
    # Only words that found nothing are looked up: a correct query costs no
    # spelling query at all.
    in_phrases = _phrase_words(tokens, synonyms)
    candidates = [
        token
        for token in dict.fromkeys(significant(tokens))
        if len(token) >= MIN_SPELLCHECKED_LENGTH
        and token.isalpha()
        and token not in synonyms
        and token not in in_phrases
        and token not in matched
        # A real word the articles do not use is not a misspelling of one they do.
        and not is_common_english(token)
    ]
    if not candidates:
        return outcome
    corrections, suggestions = _spelling(candidates, synonyms, corpus)
    searched = [corrections.get(token, token) for token in tokens]
    if corrections:
        results, _matched = _results(searched, synonyms, corpus)
        outcome = SearchOutcome(results=results, corrected=" ".join(searched))
    if suggestions and len(outcome.results) < 3:
        outcome.suggestion = " ".join(suggestions.get(token, token) for token in searched)
    return outcome


# Read on every search, so that an edit in the admin counts at once on every
# app server; the map is made once per set of rows read.
_synonym_rows = CompiledQuery(lambda: SearchSynonym.objects.only("term", "meaning").order_by())
_synonym_maps = FragmentCache(max_entries=4)


def _synonyms():
    """Every synonym editors have entered, looked up by term or by another form of it."""
    found = _synonym_rows.rows()
    return _synonym_maps.get_or_render(
        found.key, lambda: Synonyms({synonym.term: synonym.meaning for synonym in found.objects})
    )


def _form(phrase):
    return " ".join(stem(word) for word in phrase.split(" "))


class Synonyms:
    """{term: meaning}, where a term also stands for its other forms.

    An editor who enters "rehab" or "suboxone" means "rehabs" and "suboxon"
    too: a phrase is looked up as typed, then by the stem of each word
    (content.search_words.stem). An exact term wins over another's form.
    """

    def __init__(self, meanings):
        self.meanings = meanings
        self.by_form = {}
        for term, meaning in sorted(meanings.items()):
            self.by_form.setdefault(_form(term), meaning)

    def get(self, phrase):
        meaning = self.meanings.get(phrase)
        return meaning if meaning is not None else self.by_form.get(_form(phrase))

    def __contains__(self, phrase):
        return self.get(phrase) is not None

    def __iter__(self):
        return iter(self.meanings)


def _results(tokens, synonyms, corpus):
    """(versions, the typed words that matched at least one of them)."""
    weights = _weighted_terms(tokens, synonyms)
    if not weights:
        return [], set()
    if corpus is None:
        return _postgres_results(weights)
    return _python_results(weights, corpus)


def _phrase_words(tokens, synonyms):
    """Words that are part of a multi-word synonym the query holds ("cold turkey")."""
    found = set()
    for size in range(2, min(4, len(tokens)) + 1):
        for start in range(len(tokens) - size + 1):
            if " ".join(tokens[start : start + size]) in synonyms:
                found.update(tokens[start : start + size])
    return found


def _weighted_terms(tokens, synonyms):
    """{term: weight}: the significant words typed, and the words synonyms add."""
    weights = dict.fromkeys(significant(tokens), 1.0)
    for size in range(min(4, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            meaning = synonyms.get(" ".join(tokens[start : start + size]))
            for word in significant(words(meaning)) if meaning else ():
                weights.setdefault(word, EXPANSION_WEIGHT)
    return weights


def _spelling(candidates, synonyms, corpus):
    """({word: correction}, {word: suggestion}) for words the site does not use.

    The database (or difflib) proposes lexicon words that look alike; the
    closest by edit distance (a swap of two letters counts once) wins. A
    word of five or six letters is corrected within one edit, a longer one
    within two; a looser match, within one edit in three letters, is only
    suggested (a short word has too many neighbours to guess), as is the
    whole word when one of five letters or more is the start of one.
    """
    if corpus is None:
        proposals = _postgres_spelling(candidates)
    else:
        proposals = _python_spelling(candidates, synonyms, corpus)
    corrections, suggestions = {}, {}
    for word, (known, options) in proposals.items():
        if known or not options:
            continue
        distance, best = min((edit_distance(word, option), option) for option in options)
        if stem(best) == stem(word):
            continue  # another form of a known word: stemming finds it already
        if distance <= (1 if len(word) < 7 else 2) and len(word) >= MIN_CORRECTED_LENGTH:
            corrections[word] = best
        elif distance <= len(word) // 3:
            suggestions[word] = best
        elif len(word) >= MIN_CORRECTED_LENGTH and (
            completions := [option for option in options if option.startswith(word)]
        ):
            # A word cut short ("subox", "nalox"): offered whole, the likeliest first.
            suggestions[word] = completions[0]
    return corrections, suggestions


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


_LIVE_WORDS = """
    SELECT w.word FROM content_searchword w
    JOIN content_article a ON a.live_version_id = w.version_id
    JOIN content_articleversion v ON v.id = w.version_id
    WHERE a.status = %s AND v.publish_at <= %s
"""


def _postgres_spelling(candidates):
    """{word: (known, [look-alike live words and synonyms])}, in one query.

    ``%%`` is pg_trgm's similarity operator and ``LIKE 'abc%%'`` a prefix
    match; the GIN trigram index serves both. The prefix catches swapped
    letters that trigrams miss ("fentynal" for "fentanyl").
    """
    now = timezone.now()
    sql = f"""
        SELECT q.word,
               EXISTS ({_LIVE_WORDS} AND w.word = q.word),
               ARRAY(
                   SELECT found.word FROM (
                       {_LIVE_WORDS} AND (w.word %% q.word OR w.word LIKE left(q.word, 3) || '%%')
                       UNION
                       SELECT s.term FROM content_searchsynonym s
                       WHERE s.term %% q.word AND position(' ' in s.term) = 0
                   ) AS found(word)
                   ORDER BY similarity(found.word, q.word) DESC, found.word LIMIT 8
               )
        FROM unnest(%s::text[]) AS q(word)
    """  # noqa: S608  # nosec
    status = Article.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(sql, [status, now, status, now, candidates])
        return {word: (known, options) for word, known, options in cursor.fetchall()}


def _postgres_search(typed_count, *, ranked, terms, now, **typed):
    """The ranked search for ``terms``, with a match flag for each of ``typed_count`` words."""
    typed = [typed[f"typed_{n}"] for n in range(typed_count)]
    # Every word counts (synonyms' words too); the words typed count again,
    # a little, so that of two equal matches the one for the typed words wins.
    rank = (
        f"{TYPED_BONUS} * ts_rank(content_searchdocument.vector, {_TS_QUERY})"
        f" + ts_rank(content_searchdocument.vector, {_TS_QUERY})"
    )
    # Which typed words each row matches: words no row matches are the ones
    # worth a spelling check.
    matches = "ARRAY[{}]::boolean[]".format(
        ", ".join(
            ["content_searchdocument.vector @@ plainto_tsquery('english'::regconfig, %s)"]
            * typed_count
        )
    )
    return (
        ArticleVersion.objects.live(now=now)
        # The body, for passages, comes from _bodies(): reading it here made
        # PostgreSQL decompress and send every result's whole article.
        .defer(*LISTING_DEFERRED_FIELDS)
        # Raw SQL for the stored vector and its GIN index; values are parameters.
        .extra(  # noqa: S610  # nosec
            select={"rank": rank, "matches": matches},
            select_params=[ranked, terms, *typed],
            tables=["content_searchdocument"],
            where=[
                "content_searchdocument.version_id = content_articleversion.id",
                f"content_searchdocument.vector @@ {_TS_QUERY}",
            ],
            params=[terms],
        )
        .order_by("-rank", "title")[:MAX_RESULTS]
    )


# The search's SQL for one to this many typed words is compiled once per
# process and prepared once per database session (wellness_site.compiled_queries);
# a longer query is built afresh.
COMPILED_SEARCH_WORDS = 8
_compiled_searches = {
    count: CompiledQuery(functools.partial(_postgres_search, count))
    for count in range(COMPILED_SEARCH_WORDS + 1)
}


def _postgres_results(weights):
    terms = " or ".join(weights)
    typed = [term for term, weight in weights.items() if weight == 1.0]
    values = {
        "ranked": " or ".join(typed) or terms,
        "terms": terms,
        "now": timezone.now(),
        **{f"typed_{n}": word for n, word in enumerate(typed)},
    }
    compiled = _compiled_searches.get(len(typed))
    versions = compiled(**values) if compiled else _postgres_search(len(typed), **values)
    results = list(versions)
    texts = _passage_texts(results)
    highlight, anchor = _highlighter(weights), _highlighter(typed)
    matched = set()
    for version in results:
        version.passage = _passage(texts[version.content_hash], highlight, anchor) or _passage(
            version.summary, highlight, anchor
        )
        matched.update(term for term, hit in zip(typed, version.matches, strict=True) if hit)
    return results, matched


# Approved bodies as the words a reader sees, by their version's content
# fingerprint (content_hash covers the body, so a key always names the same
# text): for passages, read from the database and cleaned of Markdown once
# per process, not with every search. Article text only, never anything typed.
_approved_texts = FragmentCache(max_entries=512)


def _passage_texts(versions):
    """{content_hash: the body as plain text} for ``versions``; one query for those not kept."""
    texts = {}
    for version in versions:
        text = _approved_texts.get(version.content_hash)
        if text is not None:
            texts[version.content_hash] = text
    missing = [version.pk for version in versions if version.content_hash not in texts]
    if missing:
        rows = ArticleVersion.objects.filter(pk__in=missing).values_list("content_hash", "body")
        for fingerprint, body in rows:
            texts[fingerprint] = plain_text(body)
            _approved_texts.set(fingerprint, texts[fingerprint])
    return texts


# ---- SQLite: the lexicon and the articles' words, kept per set of live versions ----


@dataclass(frozen=True)
class _Document:
    title: frozenset
    summary: frozenset
    body: dict
    passage_text: str
    summary_text: str


_corpus_lock = threading.Lock()
_corpus = {"marker": None, "documents": {}, "lexicon": ()}


def _python_corpus():
    """(documents by version id, lexicon) for the live versions, rebuilt on change.

    One query finds the live versions; only when that set (or, after a
    rolled-back test, the content under an id) differs from last time are
    their words and the lexicon read again.
    """
    marker = tuple(sorted(ArticleVersion.objects.live().values_list("id", "content_hash")))
    live = [version_id for version_id, _hash in marker]
    with _corpus_lock:
        if _corpus["marker"] != marker:
            documents = {}
            fields = ("id", "title", "summary", "key_points", "body")
            for row in ArticleVersion.objects.filter(id__in=live).values(*fields):
                body = plain_text(row["body"])
                counts = {}
                for word in words(body):
                    counts[stem(word)] = counts.get(stem(word), 0) + 1
                documents[row["id"]] = _Document(
                    title=frozenset(map(stem, words(row["title"]))),
                    summary=frozenset(map(stem, words(row["summary"] + " " + row["key_points"]))),
                    body=counts,
                    passage_text=body,
                    summary_text=row["summary"],
                )
            lexicon = sorted(
                set(SearchWord.objects.filter(version_id__in=live).values_list("word", flat=True))
            )
            _corpus.update(marker=marker, documents=documents, lexicon=lexicon)
        return _corpus["documents"], _corpus["lexicon"]


def _python_spelling(candidates, synonyms, corpus):
    """{word: (known, [look-alike live words and synonyms])}, from difflib."""
    _documents, lexicon = corpus
    known = set(lexicon)
    choices = [*lexicon, *(term for term in synonyms if " " not in term)]
    return {
        word: (word in known, difflib.get_close_matches(word, choices, n=8, cutoff=0.6))
        for word in candidates
    }


def _python_results(weights, corpus):
    documents, _lexicon = corpus
    stems = {}
    for term, weight in weights.items():
        key = stem(term)
        stems[key] = max(weight, stems.get(key, 0))
    scores, matched_stems = {}, set()
    for version_id, document in documents.items():
        score = 0.0
        for key, weight in stems.items():
            hits = document.body.get(key, 0)
            field_score = (
                (1.0 if key in document.title else 0)
                + (0.4 if key in document.summary else 0)
                + 0.1 * min(hits, 5)
            )
            if field_score:
                matched_stems.add(key)
            score += weight * field_score
        if score:
            scores[version_id] = score
    best = sorted(scores, key=lambda version_id: -scores[version_id])[:MAX_RESULTS]
    by_id = ArticleVersion.objects.for_listing().in_bulk(best)
    results = sorted(
        (by_id[version_id] for version_id in best if version_id in by_id),
        key=lambda version: (-scores[version.id], version.title),
    )
    highlight = _highlighter(weights)
    anchor = _highlighter([term for term, weight in weights.items() if weight == 1.0])
    for version in results:
        document = documents[version.id]
        version.passage = _passage(document.passage_text, highlight, anchor) or _passage(
            document.summary_text, highlight, anchor
        )
    return results, {term for term in weights if stem(term) in matched_stems}


# ---- Passages: the text around the first match, escaped, matches marked ----

PASSAGE_BEFORE, PASSAGE_AFTER = 80, 170


def _highlighter(terms):
    """A pattern for ``terms`` (words searched for), and the other forms of each."""
    stems = sorted({stem(term) for term in terms if len(term) > 2}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)


def _passage(text, highlight, anchor=None):
    """About 250 characters of ``text`` around its first match, with matches marked.

    The window is centred on the first word the visitor typed (``anchor``)
    where the text has one, else on the first word a synonym added: a search
    for "detox" shows where the article says detox, though "withdrawal"
    comes earlier.

    Python rather than ts_headline on PostgreSQL too: ts_headline parses each
    whole article again, about a millisecond a result; this is a regular
    expression over text already fetched. Every piece of article text is
    escaped before ``<mark>`` is added, so the text cannot inject markup
    (the standard library's ``html.escape``, which Django's wraps: the same
    output, without a check for lazy strings on each of some sixty calls).
    """
    first = (anchor.search(text) if anchor else None) or (
        highlight.search(text) if highlight else None
    )
    if first is None:
        return ""
    start = text.rfind(" ", 0, max(0, first.start() - PASSAGE_BEFORE)) + 1
    end = text.find(" ", first.end() + PASSAGE_AFTER)
    end = len(text) if end == -1 else end
    window = text[start:end]
    parts, cursor = [], 0
    for hit in highlight.finditer(window):
        parts += [escape(window[cursor : hit.start()]), "<mark>", escape(hit.group()), "</mark>"]
        cursor = hit.end()
    parts.append(escape(window[cursor:]))
    passage = " ".join("".join(parts).split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text.rstrip()) else ""
    return mark_safe(prefix + passage + suffix)  # noqa: S308  # every piece escaped  # nosec


__all__ = ["MAX_QUERY_LENGTH", "STOP_WORDS", "SearchOutcome", "run_search", "search_articles"]
