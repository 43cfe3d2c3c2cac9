"""Error pages are friendly, keep the ways to get help, and never show a traceback."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from content.models import CenterProfile


def _explode(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [
    path("explode/", _explode, name="explode"),
    path("", include("wellness_site.urls")),
]
handler500 = "wellness_site.views.server_error"


@pytest.fixture
def exploding_site(settings):
    settings.ROOT_URLCONF = __name__


def test_404_page_keeps_phone_and_crisis_numbers(client, center):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "(614) 555-0142" in html
    assert "1-800-662-4357" in html


def test_400_for_a_foreign_host_is_the_friendly_page(client, center):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not understand that request" in html
    assert "attacker.example" not in html


def test_forced_500_shows_friendly_page_without_traceback_or_database(
    client, center, exploding_site
):
    # A visit primes the cached profile, as on a running site.
    CenterProfile.objects.get_cached()
    client.raise_request_exception = False
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "(614) 555-0142" in html
    assert "911" in html and "988" in html and "1-800-662-4357" in html
    assert "Traceback" not in html
    assert "secret internal detail" not in html
    assert "RuntimeError" not in html
    assert len(queries) == 0


def test_500_page_renders_with_an_empty_cache(client, center, exploding_site):
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    assert "1-800-662-4357" in response.content.decode()


def _forbidden(request):
    raise PermissionDenied


urlpatterns.append(path("forbidden/", _forbidden, name="forbidden"))


def test_403_page_is_friendly_and_keeps_the_phone(client, center, exploding_site):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not available to you" in html
    assert "(614) 555-0142" in html
    assert "1-800-662-4357" in html
