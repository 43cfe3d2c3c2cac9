"""Phone numbers say which line they are and when it answers; crisis numbers can be tapped.

The header's call button is the 24-hour admissions line (the office line,
labelled as such, only when there is no admissions line), on every page
including the error pages; the footer and error pages list both lines with
their hours. 911, 988 and the SAMHSA helpline written in articles and site
pages become tel: links when shown.
"""

import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils.safestring import mark_safe

from content.models import Article, CenterProfile
from tests.auth import ADMIN, sign_in

ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"
ADMISSIONS = "tel:+16145550187"
OFFICE = "tel:+16145550142"
ADMISSIONS_NAME = "Call Admissions, 24 hours, every day: (614) 555-0187"
ADMISSIONS_SHOWN = "Admissions, 24 hours, every day (614) 555-0187"
OFFICE_NAME = "Call the Office, Monday to Friday, 8 am to 6 pm: (614) 555-0142"
OFFICE_SHOWN = "Office, Monday to Friday, 8 am to 6 pm (614) 555-0142"
CRISIS = {"tel:911", "tel:988", "tel:+18006624357"}


class Links(HTMLParser):
    """Every link with its region (header, main, footer), its text, and its visible text.

    ``name`` is all of the link's text, as assistive technology reads it;
    ``shown`` leaves out what is only for screen readers (``visually-hidden``).
    """

    REGIONS = {"header", "main", "footer"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links = []
        self._regions = []
        self._link = None
        self._stack = []  # (tag, hidden) for elements open inside the link
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.REGIONS:
            self._regions.append(tag)
        if tag == "a":
            self._link = {
                "href": attrs.get("href", ""),
                "class": (attrs.get("class") or "").split(),
                "region": self._regions[-1] if self._regions else None,
                "name": "",
                "shown": "",
            }
            self._stack = []
        elif self._link is not None:
            hidden = "visually-hidden" in (attrs.get("class") or "").split()
            self._stack.append((tag, hidden or any(h for _, h in self._stack)))

    def handle_endtag(self, tag):
        if tag in self.REGIONS and self._regions:
            self._regions.pop()
        if tag == "a" and self._link is not None:
            for key in ("name", "shown"):
                self._link[key] = " ".join(self._link[key].split())
            self.links.append(self._link)
            self._link = None
        elif self._link is not None and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._link is None:
            return
        self._link["name"] += data
        if not (self._stack and self._stack[-1][1]):
            self._link["shown"] += data

    def phones(self, region):
        """The center's own tel: links in ``region`` (the crisis numbers left out)."""
        return [
            link
            for link in self.links
            if link["region"] == region
            and link["href"].startswith("tel:")
            and link["href"] not in CRISIS
        ]


def _links(response):
    return Links(response.content.decode())


# --- The header's call button ------------------------------------------------


@pytest.mark.parametrize("url", ["/", ARTICLE, "/no-such-page/"])
def test_header_call_button_is_the_admissions_line_labelled_with_its_hours(client, center, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    [button] = _links(response).phones("header")
    assert button["href"] == ADMISSIONS
    assert "call-button" in button["class"] and "btn" in button["class"]
    # The label is on screen, not only read out...
    assert button["shown"] == ADMISSIONS_SHOWN
    # ...and the link's name makes sense on its own.
    assert button["name"] == ADMISSIONS_NAME


def test_admissions_hours_come_from_the_center_profile(client, center):
    center.admissions_hours = "Around the clock"
    center.save()
    [button] = _links(client.get("/")).phones("header")
    assert button["shown"] == "Admissions, Around the clock (614) 555-0187"
    assert button["name"] == "Call Admissions, Around the clock: (614) 555-0187"


def test_admissions_line_without_hours_is_still_labelled(client, center):
    center.admissions_hours = ""
    center.save()
    [button] = _links(client.get("/")).phones("header")
    assert button["href"] == ADMISSIONS
    assert button["name"] == "Call Admissions: (614) 555-0187"


def test_without_an_admissions_line_the_header_calls_the_office_labelled_office(client, center):
    center.admissions_phone = ""
    center.hours = "Monday to Friday, 8 am to 6 pm\nSaturday, 9 am to noon\n"
    center.save()
    for url in ("/", ARTICLE, "/no-such-page/"):
        [button] = _links(client.get(url)).phones("header")
        assert button["href"] == OFFICE
        assert button["shown"] == (
            "Office, Monday to Friday, 8 am to 6 pm; Saturday, 9 am to noon (614) 555-0142"
        )
        assert button["name"].startswith("Call the Office, Monday to Friday")
        assert "Admissions" not in button["name"]


def test_new_profile_has_short_admissions_hours_and_the_admin_edits_them(client, superuser, db):
    assert CenterProfile().admissions_hours == "24 hours, every day"
    profile = CenterProfile.objects.create(name="X", admissions_phone="+16145550187")
    sign_in(client, superuser)
    html = client.get(f"{ADMIN}content/centerprofile/{profile.pk}/change/").content.decode()
    assert 'name="admissions_hours"' in html
    assert 'value="24 hours, every day"' in html


# --- The footer and the error pages ------------------------------------------


def test_footer_labels_both_lines(client, center):
    footer = _links(client.get(ARTICLE)).phones("footer")
    assert [(link["href"], link["shown"], link["name"]) for link in footer] == [
        (ADMISSIONS, ADMISSIONS_SHOWN, ADMISSIONS_NAME),
        (OFFICE, OFFICE_SHOWN, OFFICE_NAME),
    ]


def test_footer_without_an_admissions_line_shows_the_office_line_once(client, center):
    center.admissions_phone = ""
    center.save()
    footer = _links(client.get("/")).phones("footer")
    assert [(link["href"], link["name"]) for link in footer] == [(OFFICE, OFFICE_NAME)]


def test_404_page_lists_both_lines_labelled(client, center):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    main = _links(response).phones("main")
    assert [(link["href"], link["name"]) for link in main] == [
        (ADMISSIONS, ADMISSIONS_NAME),
        (OFFICE, OFFICE_NAME),
    ]


def _explode(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("explode/", _explode),
    path("", include("wellness_site.urls")),
]
handler500 = "wellness_site.views.server_error"


def test_500_page_shows_the_admissions_line_labelled_without_the_database(
    client, center, settings
):
    settings.ROOT_URLCONF = __name__
    CenterProfile.objects.get_cached()  # a running site has the profile cached
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/explode/")
    assert response.status_code == 500
    assert len(queries) == 0
    links = _links(response)
    [button] = links.phones("header")
    assert (button["href"], button["name"]) == (ADMISSIONS, ADMISSIONS_NAME)
    assert [(link["href"], link["name"]) for link in links.phones("main")] == [
        (ADMISSIONS, ADMISSIONS_NAME),
        (OFFICE, OFFICE_NAME),
    ]


def test_503_page_shows_the_admissions_line_labelled(client, center):
    client.get("/call-back/")  # the profile is cached, as on a live site

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with mock.patch.object(CursorWrapper, "execute", refuse):
        response = client.get("/topics/")
    assert response.status_code == 503
    links = _links(response)
    [button] = links.phones("header")
    assert (button["href"], button["shown"]) == (ADMISSIONS, ADMISSIONS_SHOWN)
    assert (ADMISSIONS, ADMISSIONS_NAME) in [(link["href"], link["name"]) for link in links.links]


# --- Crisis numbers in written text ------------------------------------------


def _sanitised(html):
    """HTML the filter may trust, as the stored, sanitised article HTML is."""
    return mark_safe(html)  # noqa: S308 - fixed test strings


def _phone_links(value):
    return Template("{% load content_tags %}{{ value|phone_links }}").render(
        Context({"value": value})
    )


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("If someone cannot be woken, call 911 now.", "tel:911"),
        ("Call or text 988, day or night.", "tel:988"),
        ("The SAMHSA National Helpline, 1-800-662-4357, is free.", "tel:+18006624357"),
        ("Call 1-800-662-HELP (4357) for treatment referrals.", "tel:+18006624357"),
        ("Or dial 1-800-662-HELP.", "tel:+18006624357"),
    ],
)
def test_filter_links_crisis_numbers_in_text(text, href):
    html = _phone_links(_sanitised(f"<p>{text}</p>"))
    assert f'<a href="{href}">' in html
    # Only a link was added: without it, the text is exactly what it was.
    assert re.sub(r'<a href="tel:[^"]+">|</a>', "", html) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://988lifeline.org/">Call 988</a></p>',
        '<p><a href="/help/"><strong>call 911</strong> today</a></p>',
        '<h2 id="section-when-to-call-911">When to call</h2>',
        '<p><a href="/x" title="or call 1-800-662-4357">Helpline</a></p>',
        "<p>Heroin use rose after 1988 in some cities.</p>",
        "<p>In 2,911 cases the dose was lower.</p>",
        "<p>A dose of 911.5 mg is not a real dose.</p>",
        "<p>Room 911b, or extension 555-0911.</p>",
        "<p>&#911; is a Greek letter.</p>",
        "<pre><code>911</code></pre>",
    ],
)
def test_filter_leaves_numbers_in_links_attributes_and_longer_numbers_alone(html):
    assert _phone_links(_sanitised(html)) == html


def test_filter_adds_links_but_escapes_and_unescapes_nothing():
    html = '<p>A &amp; B &lt;b&gt; say: call 911 &quot;now&quot;.</p><p title="a &gt; b">x</p>'
    assert _phone_links(_sanitised(html)) == (
        '<p>A &amp; B &lt;b&gt; say: call <a href="tel:911">911</a> &quot;now&quot;.</p>'
        '<p title="a &gt; b">x</p>'
    )


def test_filter_escapes_text_not_marked_safe():
    assert _phone_links("<b>call 911</b>") == ('&lt;b&gt;call <a href="tel:911">911</a>&lt;/b&gt;')


def test_article_help_box_saying_call_911_has_a_tel_link_on_the_public_page(client, demo_data):
    live = Article.objects.get(live_version__slug=ARTICLE.split("/")[2]).live_version
    # Stored as the editor wrote it: the link is made when the page is shown.
    assert "call 911" in live.help_html.lower() and "tel:" not in live.help_html
    html = client.get(ARTICLE).content.decode()
    help_box = html.split('<aside class="help-now"', 1)[1].split("</aside>", 1)[0]
    assert '<a href="tel:911">911</a>' in help_box
    body = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert 'call <a href="tel:911">911</a>.' in body


def test_site_page_body_links_911(client, demo_data):
    html = client.get("/terms/").content.decode()
    article = html.split('<article class="prose">', 1)[1].split("</article>", 1)[0]
    assert 'call <a href="tel:911">911</a> now' in article
