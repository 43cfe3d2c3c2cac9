"""Build static/css/main.css: the one stylesheet public pages load.

It is Bootstrap, trimmed to the rules our templates can use, followed by our
own site.css, minified. The sources live in wellness_site/assets/ (outside
the static folders, so nobody links them by mistake); the result is
committed, and a test fails if it is out of date. After editing site.css or
replacing Bootstrap, run:

    python manage.py build_css

A rule is kept when every class in at least one of its selectors appears,
as a word, in our templates, crispy-bootstrap5's templates or our Python
code. Element, attribute and pseudo-class selectors are kept as they are.
"""

import re
from pathlib import Path

import crispy_bootstrap5
from django.conf import settings
from django.core.management.base import BaseCommand

ASSETS = Path(settings.BASE_DIR) / "wellness_site" / "assets"
OUTPUT = Path(settings.BASE_DIR) / "static" / "css" / "main.css"
HEADER = "/* Built by manage.py build_css from wellness_site/assets/; do not edit. */\n"

# Classes made up in templates from pieces, which the word scan cannot see.
ALWAYS_KEEP = {"show", "collapsing", "active", "disabled", "is-invalid", "was-validated"}

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
WORD = re.compile(r"[A-Za-z_][\w-]*")


def used_words():
    """Every word in the places a class name could come from."""
    roots = [
        (Path(settings.BASE_DIR) / "templates", "*.html"),
        (Path(crispy_bootstrap5.__file__).parent / "templates", "*.html"),
    ]
    roots += [(Path(settings.BASE_DIR) / app, "*.py") for app in ("content", "intake")]
    roots += [
        (Path(settings.BASE_DIR) / app / "templates", "*.html") for app in ("content", "intake")
    ]
    words = set(ALWAYS_KEEP)
    for root, pattern in roots:
        for path in root.rglob(pattern) if root.exists() else ():
            words.update(WORD.findall(path.read_text(encoding="utf-8")))
    return words


def _split_top_level(text, separator):
    """Split on ``separator`` outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _blocks(css):
    """Yield (prelude, body) for each top-level block of ``css``."""
    i, n = 0, len(css)
    while i < n:
        brace = css.find("{", i)
        semicolon = css.find(";", i)
        if brace == -1:
            return
        if css.startswith("@", i) and semicolon != -1 and semicolon < brace:
            yield css[i:semicolon].strip(), None  # @charset, @import
            i = semicolon + 1
            continue
        depth, j = 1, brace + 1
        while depth:
            if css[j] == "{":
                depth += 1
            elif css[j] == "}":
                depth -= 1
            j += 1
        yield css[i:brace].strip(), css[brace + 1 : j - 1]
        i = j


def trim(css, words):
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            continue  # the output declares no charset; it is served as UTF-8
        if prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = trim(body, words)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")  # @keyframes, @font-face: kept whole
        else:
            kept = [
                selector
                for selector in _split_top_level(prelude, ",")
                if all(name in words for name in CLASS.findall(selector))
            ]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "".join(out)


def minify(css):
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};:,>])\s*", r"\1", css)
    return css.replace(";}", "}").strip()


def build():
    words = used_words()
    bootstrap = (ASSETS / "bootstrap.min.css").read_text(encoding="utf-8")
    licence = re.match(r"@charset \"UTF-8\";(/\*!.*?\*/)", bootstrap, flags=re.S)
    site = (ASSETS / "site.css").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", bootstrap, flags=re.S)
    parts = [HEADER, licence.group(1) if licence else "", "\n", trim(rules, words), "\n"]
    parts += [minify(site), "\n"]
    return "".join(parts)


class Command(BaseCommand):
    help = "Build static/css/main.css from Bootstrap (trimmed) and site.css."

    def handle(self, *args, **options):
        css = build()
        OUTPUT.write_text(css, encoding="utf-8")
        self.stdout.write(f"{OUTPUT.name}: {len(css.encode()):,} bytes.")
