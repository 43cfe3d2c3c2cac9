"""Tap-to-call links for the crisis numbers wherever staff wrote them in text.

Articles and site pages are stored (or rendered) as sanitised HTML. At display
time, 911, 988 and the SAMHSA National Helpline (1-800-662-4357, also written
1-800-662-HELP) are wrapped in ``tel:`` links, in text only: never inside an
existing link (a link cannot hold another), code, or a tag and its attributes.
The HTML is otherwise passed through byte for byte; nothing is unescaped.
"""

import re

# A comment or a tag; a quoted attribute value may hold ">".
_TAG = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# Text inside these elements is left as it is.
_SKIP = frozenset({"a", "button", "code", "pre", "script", "style", "textarea", "title"})

# A number stands alone: not part of a word, a longer number ("1988", "2,911",
# "911.5", "555-0911"), an amount, an address or a character reference ("&#911;").
_BEFORE = r"(?<![\w&#+/@$])(?<!\d[.,-])"
_AFTER = r"(?![\w%])(?![.,/-]\d)"
_SEP = r"[-.\s\u00a0\u2010\u2011\u2013]?"
_SAMHSA = (
    rf"(?:\+?1{_SEP})?(?:\(800\)|800){_SEP}662{_SEP}"
    rf"(?:4357|(?:HELP|Help|help)(?:[\s\u00a0]*\(4357\))?)"
)
_NUMBER = re.compile(rf"{_BEFORE}(?:(?P<samhsa>{_SAMHSA})|(?P<short>911|988)){_AFTER}")

SAMHSA_TEL = "tel:+18006624357"


def _link(match):
    text = match.group(0)
    href = SAMHSA_TEL if match.group("samhsa") else f"tel:{match.group('short')}"
    # The matched text is digits, letters, brackets and separators: already safe.
    return f'<a href="{href}">{text}</a>'


def link_crisis_numbers(html):
    """``html`` (already safe) with 911, 988 and SAMHSA's number linked in its text."""
    out = []
    skip_depth = 0
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        out.append(_NUMBER.sub(_link, text) if skip_depth == 0 else text)
        out.append(tag.group(0))
        position = tag.end()
        name = _TAG_NAME.match(tag.group(0))
        if name and name.group(2).lower() in _SKIP:
            if name.group(1):
                skip_depth = max(0, skip_depth - 1)
            else:
                skip_depth += 1
    rest = html[position:]
    out.append(_NUMBER.sub(_link, rest) if skip_depth == 0 else rest)
    return "".join(out)
