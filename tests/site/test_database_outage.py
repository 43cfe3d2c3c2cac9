"""With the database unreachable: cached pages still served, the rest a friendly 503."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext

from tests.intake_forms import callback_post
from wellness_site import pagecache

ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"


@pytest.fixture
def database_down(db):
    """database_down(): every query from now on fails as if PostgreSQL had stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server on socket failed: Connection refused")

    patcher = mock.patch.object(CursorWrapper, "execute", refuse)
    yield patcher.start
    patcher.stop()  # before the test database is rolled back


def test_pages_not_in_the_cache_get_a_friendly_503_with_the_phone(client, center, database_down):
    client.get("/call-back/")  # the center profile is in the cache, as on a live site
    database_down()
    response = client.get("/topics/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "briefly unavailable" in html
    assert 'href="tel:+16145550142"' in html and "988" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_call_back_during_the_outage_gets_the_503_page(client, center, database_down):
    client.get("/call-back/")
    database_down()
    response = client.post(
        "/call-back/",
        callback_post(),
    )
    # Not a success: the family sees the phone number and can call instead.
    assert response.status_code == 503
    assert 'href="tel:+16145550142"' in response.content.decode()


def test_cached_pages_are_served_through_the_outage(client, demo_data, database_down):
    first = client.get(ARTICLE)
    database_down()
    second = client.get(ARTICLE)
    assert second.status_code == 200 and second.content == first.content


def test_an_error_page_that_cannot_render_still_gives_the_crisis_numbers(rf, monkeypatch):
    from wellness_site import views

    def broken(name):
        raise ValueError("Missing staticfiles manifest entry for 'css/main.css'")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'href="tel:911"' in html and 'href="tel:988"' in html
    assert "Traceback" not in html


def test_a_page_made_just_before_the_database_went_away_is_served_not_kept(
    client, demo_data, monkeypatch
):
    def gone():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(pagecache, "_next_change_in", gone)
    assert client.get("/topics/").status_code == 200
    monkeypatch.undo()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/topics/").status_code == 200
    assert len(queries) > 0  # made afresh: the first copy was not kept
