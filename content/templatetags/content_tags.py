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
    return mark_safe(render_markdown(text))  # noqa: S308  (escaped by render_markdown)


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A JSON-LD block; <, > and & are escaped so the data cannot end the script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
