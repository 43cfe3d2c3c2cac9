import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

from content.markdown import render_markdown
from content.phone_links import link_crisis_numbers

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written Markdown as HTML (raw HTML in it is escaped)."""
    # Safe: render_markdown escapes raw HTML and cleans the result with nh3.
    return mark_safe(render_markdown(text))  # noqa: S308  # nosec


@register.filter(needs_autoescape=True)
def phone_links(value, autoescape=True):
    """911, 988 and the SAMHSA helpline in ``value``'s text as tap-to-call links.

    HTML is only trusted when already marked safe (``|safe`` on stored,
    sanitised article HTML, or the ``markdown`` filter's output); anything
    else is escaped first, like any other variable.
    """
    if value is None or value == "":
        return value
    if autoescape and not isinstance(value, SafeData):
        value = conditional_escape(value)
    # Safe: tags and text pass through unchanged; only tel: links are added.
    return mark_safe(link_crisis_numbers(str(value)))  # noqa: S308  # nosec


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
