"""Common English words: to tell a misspelling from a real word the site does not use.

Spelling correction looks for a word of our articles that looks like what
was typed. Without this list, a real word the articles happen not to use was
"corrected" into one they do: "shaking" into "sharing", "tired" into
"tied", "tough" into "though". A word English uses commonly is left as it
was typed (the search then finds what it finds, or shows the page for no
results); only words English does not know are corrected.

The list is pyspellchecker's English word frequencies (counted from film and
television subtitles), cut to the words seen at least
``COMMON_WORD_FREQUENCY`` times: rarer entries include misspellings such as
"methadon", which must still be corrected.
"""

import functools

from spellchecker import SpellChecker

COMMON_WORD_FREQUENCY = 100


@functools.cache
def common_english_words():
    """The set of common English words, lower case; read once per process (about 47,000)."""
    frequencies = SpellChecker(language="en", distance=1).word_frequency
    return frozenset(word for word, count in frequencies.items() if count >= COMMON_WORD_FREQUENCY)


def is_common_english(word):
    return word.lower() in common_english_words()
