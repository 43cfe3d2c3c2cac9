import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from content.context_processors import center_state
from content.fragments import fragments
from content.markdown import render_markdown
from content.phone_links import link_crisis_numbers

register = template.Library()


@register.filter
def markdown(text):
    """Staff-written Markdown as HTML (raw HTML in it is escaped)."""
    # The same text always gives the same HTML: made once per process.
    return fragments.get_or_render(("markdown", text), lambda: _markdown_html(text))


def _markdown_html(text):
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
    if not isinstance(value, SafeData):
        text = str(conditional_escape(value) if autoescape else value)
        return _with_phone_links(text)
    # Stored, sanitised HTML: a scan of the whole text, for the same result
    # every time, made once per process. Other text (it could be a visitor's)
    # is never kept.
    text = str(value)
    return fragments.get_or_render(("phone-links", text), lambda: _with_phone_links(text))


def _with_phone_links(text):
    # Safe: tags and text pass through unchanged; only tel: links are added.
    return mark_safe(link_crisis_numbers(text))  # noqa: S308  # nosec


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


class ReusedFragmentNode(template.Node):
    def __init__(self, nodelist, name, extra_keys):
        self.nodelist = nodelist
        self.name = name
        self.extra_keys = extra_keys

    def render(self, context):
        request = context.get("request")
        if request is None:
            # An error page rendered without a request: the profile may be
            # unknown, and nothing here is worth keeping.
            return self.nodelist.render(context)
        key = (
            "fragment",
            self.name,
            get_language(),
            get_script_prefix(),
            center_state(request),
            *(expression.resolve(context) for expression in self.extra_keys),
        )
        return fragments.get_or_render(key, lambda: self.nodelist.render(context))


@register.tag
def reuse(parser, token):
    """Render the enclosed part once per center profile, language and given values.

        {% reuse "header" request.resolver_match.url_name %}…{% endreuse %}

    Only for parts that depend on nothing else: the center's profile, the
    language, fixed URLs and translations, and the values named after the
    fragment's name (content.fragments). Never around what a visitor typed.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% reuse %} needs a fragment name")
    nodelist = parser.parse(("endreuse",))
    parser.delete_first_token()
    name = parser.compile_filter(bits[1]).resolve({})
    extra_keys = [parser.compile_filter(bit) for bit in bits[2:]]
    return ReusedFragmentNode(nodelist, name, extra_keys)


# Where a search result's passage goes in its kept card (a private-use
# character, which no article text holds).
_PASSAGE_SLOT = "\ue000passage\ue000"


@register.simple_tag
def search_result(version):
    """A search result (includes/search_result.html): its card, and the passage that matched.

    The passage depends on what the visitor typed and is made for each search,
    never kept; the card around it shows only what the version froze at
    approval, so it is rendered once per version, as ``article_card`` is.
    """
    key = ("search-result", version.pk, version.approved_at, get_language(), get_script_prefix())
    head, tail = fragments.get_or_render(key, lambda: _search_result_parts(version))
    passage = getattr(version, "passage", "")
    if passage:
        passage = format_html('<p class="search-passage">{}</p>', passage)
    # Safe: head and tail come from an autoescaped template; the passage was
    # escaped by format_html (and, before it, by content.search._passage).
    return mark_safe(head + passage + tail)  # noqa: S308  # nosec


def search_results(versions):
    """The search results' cards, each on a line of its own, as the page lists them."""
    return mark_safe("".join(f"\n{search_result(version)}" for version in versions))  # noqa: S308  # nosec


def _search_result_parts(version):
    html = render_to_string(
        "includes/search_result.html", {"article": version, "passage_slot": _PASSAGE_SLOT}
    )
    head, _slot, tail = html.partition(_PASSAGE_SLOT)
    return head, tail


@register.simple_tag
def article_card(version):
    """An approved version's card in a list (includes/article_card.html), rendered once.

    The card shows only what the version froze at approval (title, address,
    summary, reviewer, review date), so it is reused for the version's life.
    """
    # The pk with the approval's time: a pk reused after a delete is a new key.
    key = ("article-card", version.pk, version.approved_at, get_language(), get_script_prefix())
    return fragments.get_or_render(
        key, lambda: render_to_string("includes/article_card.html", {"article": version})
    )
