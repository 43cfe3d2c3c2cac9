"""Plain-language checks shown to editors: length, reading grade, stigmatising words."""

import math
import re

WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*\d]")
WORDS_PER_MINUTE = 200

# NIDA, "Words Matter": terms that label a person by their illness or imply
# moral failing, with what to say instead.
WORDS_TO_AVOID = {
    r"\baddicts?\b": "person with a substance use disorder",
    r"\babusers?\b": "person with a substance use disorder",
    r"\bjunkies?\b": "person who uses drugs",
    r"\buser\b|\busers\b": "person who uses drugs",
    r"\bclean\b": "in recovery / not currently using; testing negative",
    r"\bdirty\b": "currently using; testing positive",
    r"\b(substance|drug) abuse\b": "substance use / substance use disorder",
    r"\bdrug habit\b": "substance use disorder",
    r"\breformed\b": "in recovery",
}


def _markdown_to_text(markdown_text):
    text = re.sub(r"\[\^\d+\]", "", markdown_text or "")  # citation markers
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images
    text = re.sub(r"^#+\s*(.*)$", r"\1.", text, flags=re.MULTILINE)  # headings end a sentence
    return re.sub(r"[*_`>#|]", " ", text)


def count_syllables(word):
    word = word.lower().strip("'\u2019-")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def word_count(markdown_text):
    return len(WORD.findall(_markdown_to_text(markdown_text)))


def reading_minutes(markdown_text):
    return max(1, math.ceil(word_count(markdown_text) / WORDS_PER_MINUTE))


def reading_grade(markdown_text):
    """Flesch-Kincaid grade level, rounded to one decimal (0 for empty text)."""
    text = _markdown_to_text(markdown_text)
    words = WORD.findall(text)
    if not words:
        return 0.0
    sentences = [s for s in SENTENCE_END.split(text) if WORD.search(s)]
    syllables = sum(count_syllables(w) for w in words)
    grade = 0.39 * len(words) / max(1, len(sentences)) + 11.8 * syllables / len(words) - 15.59
    return round(grade, 1)


def words_to_avoid(text):
    """``[(word as written, suggested wording)]`` for each flagged word, in order found."""
    found = []
    for pattern, instead in WORDS_TO_AVOID.items():
        for match in re.finditer(pattern, text or "", flags=re.IGNORECASE):
            found.append((match.group(0), instead))
    return found
