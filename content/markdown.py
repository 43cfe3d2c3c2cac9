"""Markdown to safe HTML for text that staff write in the admin.

Rendering happens once, when an article is saved: Markdown with raw HTML
turned off, then an allow-list sanitiser (nh3), so that nothing a pasted
snippet carries - script, iframe, style, event handlers, ``javascript:`` or
``data:`` URLs, images from other hosts - reaches a visitor's browser.
"""

import re
import unicodedata
from urllib.parse import unquote

import markdown as _markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "hr", "br", "sup", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope"},
}
# Citation references in article text: [^1], [^2] ...
CITATION_REF = re.compile(r"\[\^(\d{1,3})\]")


def _heading_id(value, separator):
    # Prefixed so that a heading can never take an id the layout uses ("main").
    return "section-" + slugify(value)


# A path on this site: one "/", then anything but another "/" or a backslash.
_SITE_PATH = re.compile(r"/[^/\\]")
# What a browser drops from a URL or reads as a separator, so that what is
# checked here is not what it loads: "/<tab>/evil.example" is "//evil.example"
# to a browser, and so is "/<backslash>evil.example". Controls, every kind of
# space and line break, zero-width and direction characters.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _is_site_path(value):
    """True if ``value`` is a path on this site and could be read as nothing else.

    Browsers treat a backslash as "/" in a URL and drop tabs and line breaks,
    so a backslash, a control or a space anywhere could make "//host" of
    what looks like a path; a percent-escape that decodes to one is refused
    too, since a path we serve never needs it.
    """
    for text in (value, unquote(value)):
        if not _SITE_PATH.match(text) or "\\" in text:
            return False
        if any(unicodedata.category(character) in _INVISIBLE_CATEGORIES for character in text):
            return False
    return True


def _keep_safe_urls(tag, attribute, value):
    if tag == "img" and attribute == "src":
        # Images only from this site: a path, never another host.
        return value if _is_site_path(value) else None
    return value


def _markdown_to_html(text, *, with_toc=False):
    md = _markdown.Markdown(
        extensions=["sane_lists", "tables", "toc"],
        extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-3"}},
        output_format="html",
    )
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(text or "")
    return html, getattr(md, "toc_tokens", [])


def sanitise(html):
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_safe_urls,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
    # An image whose source was removed above goes altogether.
    html = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", html)
    # Links that leave the site cannot reach back into it or tell it who sent them.
    return re.sub(r'<a href="(?=(https?:)?//)', '<a rel="noopener noreferrer" href="', html)


def render_markdown(text):
    """Render staff-written Markdown to sanitised HTML."""
    html, _ = _markdown_to_html(text)
    return sanitise(html)


def link_citations(html):
    """Turn each ``[^N]`` into a numbered link to citation N, with an id to come back to.

    The first reference to a citation gets the id ``ref-N``, which the
    citation list links back to.
    """
    uses = {}

    def replace(match):
        number = int(match.group(1))
        uses[number] = uses.get(number, 0) + 1
        ref_id = f"ref-{number}" if uses[number] == 1 else f"ref-{number}-{uses[number]}"
        return (
            f'<sup class="citation-ref"><a id="{ref_id}" href="#cite-{number}">'
            f'[{number}]<span class="visually-hidden"> (citation {number})</span></a></sup>'
        )

    return CITATION_REF.sub(replace, html)


def render_article_body(text):
    """The body's HTML with citation links, and its table of contents.

    Returns ``(html, toc)`` where ``toc`` is a list of ``{"id", "title",
    "children"}`` for the second- and third-level headings.
    """
    html, tokens = _markdown_to_html(text, with_toc=True)
    html = link_citations(sanitise(html))
    toc = [
        {
            "id": token["id"],
            "title": token["name"],
            "children": [{"id": c["id"], "title": c["name"]} for c in token["children"]],
        }
        for token in tokens
    ]
    return html, toc


def cited_numbers(text):
    return {int(n) for n in CITATION_REF.findall(text or "")}
