"""What changed since the last approved version, shown to the medical reviewer.

Before approving, a reviewer should be able to read exactly what is new rather
than re-read the whole article and hope to spot it. These helpers compare the
Markdown source of two versions word by word and the citations number by
number. They are pure functions over plain dicts (the JSON snapshots of
versions), so they are cheap to test and never touch the database.

Every piece of text is HTML-escaped before any ``<del>``/``<ins>`` mark is
added: article source is written by staff, but a reviewer's page must never run
or render markup that merely sits in the text being reviewed.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

# Whitespace and newlines are kept, so that joining the tokens gives the text
# back: the diff then reads as the article, paragraphs and all (the template
# shows it with white-space: pre-wrap).
# Punctuation inside a word stays with it, so "1.5", "don't" and a URL change
# as a whole (a dose is read as a number, not as digits); punctuation around a
# word is its own token, so "stop." -> "stop suddenly." marks only the new word.
_TOKEN = re.compile(r"\s+|\w+(?:[^\w\s]+\w+)*|[^\w\s]+")
# The same tokens, each word or punctuation mark with the whitespace after it:
# the units that are matched (see _opcodes).
_UNIT = re.compile(r"\s+|(?:\w+(?:[^\w\s]+\w+)*|[^\w\s]+)\s*")
_WORD_CHARACTER = re.compile(r"\w")

CITATION_FIELDS = (
    "order",
    "authors",
    "title",
    "publisher",
    "year",
    "url",
    "doi",
    "pmid",
    "last_checked",
)


def _text(value):
    if value is None:
        return ""
    # Browsers submit textareas with CRLF; a version saved another way must not
    # show every line as changed when the reader would see no difference.
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _tokens(text):
    return _TOKEN.findall(text)


def _is_filler(text):
    return "\n" not in text and not _WORD_CHARACTER.search(text)


def _opcodes(old, new):
    """``(tag, old_tokens, new_tokens)`` runs that turn ``old`` into ``new``.

    Words are matched together with the whitespace after them: matching bare
    tokens would make every space a candidate match for every other space,
    which takes seconds on a long article. The price is that "rest " and
    "rest." are different units; trimming each change down to the tokens that
    actually differ gives the precise marks back.
    """
    old_units, new_units = _UNIT.findall(old), _UNIT.findall(new)
    # autojunk would treat the commonest words of a long article as noise and
    # stop aligning on them, turning a one-word edit into a rewritten paragraph.
    matcher = difflib.SequenceMatcher(None, old_units, new_units, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_tokens = _tokens("".join(old_units[i1:i2]))
        new_tokens = _tokens("".join(new_units[j1:j2]))
        if tag == "replace":
            yield from _trimmed(old_tokens, new_tokens)
        else:
            yield tag, old_tokens, new_tokens


def _trimmed(old_tokens, new_tokens):
    shortest = min(len(old_tokens), len(new_tokens))
    start = 0
    while start < shortest and old_tokens[start] == new_tokens[start]:
        start += 1
    end = 0
    while end < shortest - start and old_tokens[-1 - end] == new_tokens[-1 - end]:
        end += 1
    yield "equal", old_tokens[:start], new_tokens[:start]
    yield (
        "replace",
        old_tokens[start : len(old_tokens) - end],
        new_tokens[start : len(new_tokens) - end],
    )
    yield "equal", old_tokens[len(old_tokens) - end :], new_tokens[len(new_tokens) - end :]


def _runs(old, new):
    """Alternating unchanged and changed ``[old_tokens, new_tokens]`` pairs.

    The list always starts and ends with an unchanged pair (maybe empty), so
    every change sits between two unchanged ones.
    """
    runs = [[[], []]]
    for tag, old_tokens, new_tokens in _opcodes(old, new):
        if not old_tokens and not new_tokens:
            continue
        changed = tag != "equal"
        if changed == (len(runs) % 2 == 0):
            runs[-1][0].extend(old_tokens)
            runs[-1][1].extend(new_tokens)
        else:
            runs.append([list(old_tokens), list(new_tokens)])
    if len(runs) % 2 == 0:
        runs.append([[], []])

    # Where an addition or removal could sit in more than one place ("A." ->
    # "A.\n\nB." is also "A<ins>.\n\nB</ins>."), move it as late as it can go:
    # the change then ends where the new sentence or paragraph ends.
    for index in range(1, len(runs), 2):
        old_tokens, new_tokens = runs[index]
        if old_tokens and new_tokens:
            continue
        moved = old_tokens or new_tokens
        before, after = runs[index - 1], runs[index + 1]
        while after[0] and moved[0] == after[0][0]:
            token = moved.pop(0)
            moved.append(token)
            after[0].pop(0)
            after[1].pop(0)
            before[0].append(token)
            before[1].append(token)
    return runs


def word_diff(old: str | None, new: str) -> SafeString:
    """The new text with removed words in ``<del>`` and added words in ``<ins>``.

    ``old`` is None when there is no earlier approved version: everything is new,
    so the text is returned unmarked, for the reviewer to read in full.
    """
    new = _text(new)
    if old is None:
        return escape(new)

    parts = []
    removed, added = [], []

    def flush():
        if removed:
            parts.append(format_html("<del>{}</del>", "".join(removed)))
        if added:
            parts.append(format_html("<ins>{}</ins>", "".join(added)))
        removed.clear()
        added.clear()

    runs = _runs(_text(old), new)
    for index, (old_tokens, new_tokens) in enumerate(runs):
        if index % 2:
            removed.extend(old_tokens)
            added.extend(new_tokens)
            continue
        unchanged = "".join(old_tokens)
        # A lone space or comma kept between two changes would split
        # "a b" -> "x y" into <del>a</del><ins>x</ins> <del>b</del><ins>y</ins>;
        # <del>a b</del><ins>x y</ins> is what a person reads as the change.
        # A line break stays put, so that each changed paragraph or list item
        # keeps its own old and new text side by side.
        if 0 < index < len(runs) - 1 and _is_filler(unchanged):
            removed.append(unchanged)
            added.append(unchanged)
            continue
        flush()
        parts.append(escape(unchanged))
    flush()
    # format_html_join rather than mark_safe: every part is already escaped or
    # built by format_html, and this keeps it that way if a part is added.
    return format_html_join("", "{}", ((part,) for part in parts))


@dataclass(frozen=True)
class FieldChange:
    label: str
    html: SafeString
    changed: bool


def field_changes(old: dict | None, new: dict, fields: list[tuple[str, str]]) -> list[FieldChange]:
    """One FieldChange per ``(key, label)`` in ``fields``, in that order.

    ``old`` is None for a first approval: every field counts as changed, since
    the reviewer has to read all of it.
    """
    changes = []
    for key, label in fields:
        new_text = _text(new.get(key))
        if old is None:
            changes.append(FieldChange(label, word_diff(None, new_text), changed=True))
            continue
        # A key missing from an older snapshot is a field that did not exist
        # then: its text is all new.
        old_text = _text(old.get(key))
        changes.append(
            FieldChange(label, word_diff(old_text, new_text), changed=old_text != new_text)
        )
    return changes


@dataclass(frozen=True)
class CitationChange:
    kind: str  # "added", "removed", "edited" or "unchanged"
    number: int
    before: dict | None
    after: dict | None
    changed_fields: list[str]


def _by_number(citations):
    numbered = {}
    for citation in citations:
        number = int(citation["order"])
        # The database keeps numbers unique per article; if two ever share one,
        # keying by number would silently hide a citation from the reviewer.
        if number in numbered:
            raise ValueError(f"Two citations are numbered {number}.")
        numbered[number] = citation
    return numbered


def _changed_fields(before, after):
    # Keys beyond the known ones are compared too, so that a field added to the
    # snapshot later cannot hide an edit from the reviewer.
    extra = sorted((before.keys() | after.keys()) - set(CITATION_FIELDS))
    return [key for key in (*CITATION_FIELDS, *extra) if before.get(key) != after.get(key)]


def citation_changes(old: list[dict] | None, new: list[dict]) -> list[CitationChange]:
    """How each citation changed, matched by its number, in number order.

    ``old`` is None for a first approval: every citation is then "added".
    """
    before_by_number = _by_number(old or [])
    after_by_number = _by_number(new)
    changes = []
    for number in sorted(before_by_number.keys() | after_by_number.keys()):
        before = before_by_number.get(number)
        after = after_by_number.get(number)
        if before is None:
            changes.append(CitationChange("added", number, None, after, []))
        elif after is None:
            changes.append(CitationChange("removed", number, before, None, []))
        else:
            changed = _changed_fields(before, after)
            kind = "edited" if changed else "unchanged"
            changes.append(CitationChange(kind, number, before, after, changed))
    return changes
