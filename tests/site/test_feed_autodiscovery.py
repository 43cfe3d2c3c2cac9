"""Feed readers find the articles feed from any public page (autodiscovery in the head)."""

import re

import pytest

from tests.conftest import FORM_PAGES, PUBLIC_PAGES

ALTERNATE = re.compile(
    r"<link rel=\"alternate\" type=\"([^\"]+)\" title=\"([^\"]+)\" href=\"([^\"]+)\">"
)


@pytest.mark.parametrize(
    "url", [*PUBLIC_PAGES.values(), *FORM_PAGES.values()], ids=[*PUBLIC_PAGES, *FORM_PAGES]
)
def test_every_public_page_names_the_feed_in_its_head(client, demo_data, url):
    html = client.get(url).content.decode()
    head = html.split("</head>", 1)[0]
    found = ALTERNATE.findall(head)
    assert len(found) == 1, found
    content_type, title, href = found[0]
    assert content_type == "application/atom+xml"
    assert title.strip()
    assert href == "/feed/"


def test_the_advertised_feed_is_atom(client, demo_data):
    html = client.get("/").content.decode()
    _, _, href = ALTERNATE.search(html).groups()
    feed = client.get(href)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b'xmlns="http://www.w3.org/2005/Atom"' in feed.content
