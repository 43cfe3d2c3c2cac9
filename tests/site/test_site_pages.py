"""Privacy, accessibility and terms pages: edited in the admin, Markdown rendered safely."""

from content.markdown import render_markdown
from content.models import SitePage


def test_policy_pages_render_their_markdown(client, demo_data):
    html = client.get("/privacy/").content.decode()
    assert "<h1>Privacy notice</h1>" in html
    assert '<h2 id="section-what-we-collect-when-you-read-the-site">' in html
    assert "<li>" in html


def test_an_edit_in_the_database_shows_on_the_page(client, demo_data):
    SitePage.objects.filter(kind="terms").update(body="Updated **terms** text.")
    assert "Updated <strong>terms</strong> text." in client.get("/terms/").content.decode()


def test_raw_html_in_markdown_is_shown_as_text():
    html = render_markdown('Hello <script>alert("x")</script>\n\n<div onclick="x">a</div>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<div" not in html


def test_a_missing_page_is_a_404(client, db):
    assert client.get("/privacy/").status_code == 404
