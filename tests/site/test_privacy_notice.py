"""The privacy notice says how long requests are kept, from the setting the purge uses.

The notice's body is Markdown that staff edit; a number typed there would
drift from ``INTAKE_RETENTION_DAYS``. The template adds the retention section
below the body, on the privacy notice only, and the short statement under
the forms says the same in a sentence.
"""

import pytest

from content.models import SitePage

RETENTION_HEADING = "How long we keep your request"
PAGE_KEPT = "the page of this site you sent it from"


@pytest.fixture
def pages(db):
    for kind, body in [
        (SitePage.Kind.PRIVACY, "What the **editors** wrote."),
        (SitePage.Kind.TERMS, "Terms the editors wrote."),
    ]:
        SitePage.objects.create(kind=kind, title=kind.label, description="A page.", body=body)


def privacy_notice(client):
    return client.get("/privacy/").content.decode()


@pytest.mark.usefixtures("pages")
def test_privacy_notice_states_the_retention_period_from_settings(client, settings):
    settings.INTAKE_RETENTION_DAYS = 45
    html = privacy_notice(client)
    assert "We delete it, with everything listed above, 45 days after it is closed." in html
    assert "90 days" not in html


@pytest.mark.usefixtures("pages")
def test_a_one_day_retention_period_is_singular(client, settings):
    settings.INTAKE_RETENTION_DAYS = 1
    html = privacy_notice(client)
    assert "1 day after it is closed." in html
    assert "1 days" not in html


@pytest.mark.usefixtures("pages")
def test_privacy_notice_says_the_page_they_came_from_is_kept(client):
    assert PAGE_KEPT in privacy_notice(client)


@pytest.mark.usefixtures("pages")
def test_privacy_notice_says_an_open_request_is_kept_until_closed(client):
    assert "A request stays with us while it is open" in privacy_notice(client)


@pytest.mark.usefixtures("pages")
def test_retention_section_comes_after_the_editors_text(client):
    html = privacy_notice(client)
    assert html.index("What the <strong>editors</strong> wrote.") < html.index(RETENTION_HEADING)


@pytest.mark.usefixtures("pages")
def test_retention_section_is_on_the_privacy_notice_only(client):
    assert RETENTION_HEADING in privacy_notice(client)
    terms = client.get("/terms/").content.decode()
    assert "Terms the editors wrote." in terms
    assert RETENTION_HEADING not in terms
    assert PAGE_KEPT not in terms


def test_demo_privacy_body_no_longer_says_only_what_you_type_is_kept(client, demo_data):
    html = privacy_notice(client)
    assert "Only what you choose to give us" not in html
    assert "the page of this site you sent it from and when it reached us" in html


@pytest.mark.parametrize("url", ["/call-back/", "/contact/"])
def test_statement_under_the_forms_gives_the_period_and_the_page_kept(
    client, settings, demo_data, url
):
    settings.INTAKE_RETENTION_DAYS = 45
    html = client.get(url).content.decode()
    assert (
        "We keep it, with the page you sent it from, until 45 days after your request is "
        "closed, then delete it."
    ) in html
