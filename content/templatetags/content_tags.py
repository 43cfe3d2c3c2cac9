import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from content.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written Markdown as HTML (raw HTML in it is escaped)."""
    # Safe: render_markdown escapes raw HTML and cleans the result with nh3.
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A JSON-LD block; <, > and & are escaped so the data cannot end the script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    # Safe: JSON with <, > and & escaped above cannot close the script element.
    safe_json = mark_safe(text)  # noqa: S308  # nosec
    return format_html('<script type="application/ld+json">{}</script>', safe_json)
