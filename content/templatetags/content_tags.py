from django import template
from django.utils.safestring import mark_safe

from content.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written Markdown as HTML (raw HTML in it is escaped)."""
    return mark_safe(render_markdown(text))  # noqa: S308  (escaped by render_markdown)
