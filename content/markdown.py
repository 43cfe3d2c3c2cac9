"""Markdown to HTML for text that staff write in the admin."""

import markdown as _markdown


def render_markdown(text):
    """Render ``text``; raw HTML in it is escaped, not passed through.

    Staff write Markdown, never HTML, so a pasted ``<script>`` shows as text.
    """
    md = _markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text or "")
