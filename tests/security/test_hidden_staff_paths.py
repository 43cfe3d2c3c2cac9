"""Nothing a visitor can reach names the admin's path: not robots.txt, not the preview."""

import pytest

from content.models import Article
from tests.auth import ADMIN, PASSWORD, authenticator, sign_in


@pytest.fixture
def draft(demo_data):
    return Article.objects.get(status=Article.Status.DRAFT)


def _as_missing_page(response):
    """What a visitor can see of a response, for comparing it with a missing page's."""
    headers = {
        name: value
        for name, value in response.headers.items()
        if name not in ("Content-Length", "ETag")
    }
    return response.status_code, headers, response.content


def _assert_no_admin_path(response):
    assert ADMIN.encode() not in response.content
    assert not any(ADMIN in value for value in response.headers.values())
    assert not response.has_header("Location")


def test_an_anonymous_visitor_finds_no_preview_there(client, draft):
    response = client.get(f"/preview/articles/{draft.pk}/")
    assert response.status_code == 404
    _assert_no_admin_path(response)
    # The same answer as any address that leads nowhere.
    missing = client.get(f"/preview/articles/{draft.pk + 1000}/")
    elsewhere = client.get("/no-such-page/")
    assert _as_missing_page(response) == _as_missing_page(missing)
    assert _as_missing_page(response) == _as_missing_page(elsewhere)


def test_a_signed_in_user_who_is_not_staff_finds_no_preview(client, draft, django_user_model):
    visitor = django_user_model.objects.create_user("visitor", password=PASSWORD)
    client.force_login(visitor)
    response = client.get(f"/preview/articles/{draft.pk}/")
    assert response.status_code == 404
    _assert_no_admin_path(response)


def test_a_password_without_a_second_factor_finds_no_preview(client, draft, editor):
    authenticator(editor)
    client.force_login(editor)
    response = client.get(f"/preview/articles/{draft.pk}/")
    assert response.status_code == 404
    _assert_no_admin_path(response)


def test_staff_signed_in_with_both_factors_see_the_preview(client, draft, editor):
    sign_in(client, editor)
    response = client.get(f"/preview/articles/{draft.pk}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_robots_txt_names_neither_the_admin_nor_the_preview(client, db):
    text = client.get("/robots.txt").content.decode()
    assert ADMIN not in text
    assert "/preview/" not in text
    assert "Disallow: /search/" in text
