"""The form pages are built once and given fresh tokens for every visitor."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from center.models import CenterPage
from content.models import CenterProfile
from intake.models import IntakeRequest
from tests.intake_forms import callback_post

CALLBACK = "/call-back/"


def _field(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_every_visitor_gets_their_own_tokens_from_one_rendering(client, center):
    first = client.get(CALLBACK).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CALLBACK).content.decode()
    assert len(queries) == 0
    assert _field(first, "form_token") != _field(second, "form_token")
    assert "Hole7c1e" not in second


@pytest.mark.parametrize("url", [CALLBACK, "/contact/"])
def test_the_form_pages_set_no_cookie_and_carry_no_csrf_token(client, center, url):
    response = client.get(url)
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_the_tokens_in_the_page_work_for_a_real_submission(center, settings):
    settings.INTAKE_MIN_FILL_SECONDS = 0
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(CALLBACK, HTTP_REFERER="http://testserver/topics/detox/")
    html = page.content.decode()
    assert _field(html, "source_path") == "/topics/detox/"
    response = visitor.post(
        CALLBACK,
        HTTP_ORIGIN="http://testserver",
        data=callback_post(
            form_token=_field(html, "form_token"),
            source_path=_field(html, "source_path"),
        ),
    )
    assert response.status_code == 303
    assert IntakeRequest.objects.get().source_path == "/topics/detox/"


def test_the_page_a_visitor_came_from_is_escaped(client, center):
    html = client.get(
        CALLBACK, HTTP_REFERER='http://testserver/topics/"><script>alert(1)</script>/'
    ).content.decode()
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("url", [CALLBACK, "/contact/"])
def test_a_change_to_the_center_shows_on_the_form_pages_at_once(client, center, url):
    client.get(url)
    profile = CenterProfile.objects.get()
    profile.admissions_phone = "+16145550111"
    profile.save()
    assert "tel:+16145550111" in client.get(url).content.decode()


def test_a_renamed_admissions_page_shows_on_the_call_back_page_at_once(client, center):
    client.get(CALLBACK)
    page = CenterPage.objects.published().filter(section=CenterPage.Section.ADMISSIONS).first()
    page.title = "A title changed today"
    page.save()
    assert "A title changed today" in client.get(CALLBACK).content.decode()


def test_an_article_change_leaves_the_form_pages_kept(client, center):
    from content.models import Topic

    client.get(CALLBACK)
    topic = Topic.objects.create(name="A new topic", slug="a-new-topic")
    topic.name = "A topic renamed"
    topic.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CALLBACK).status_code == 200
    assert len(queries) == 0
