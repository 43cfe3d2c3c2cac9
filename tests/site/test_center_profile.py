"""The center's identity is data, read once per request at most, fresh after a save."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import CenterProfile
from tests.auth import ADMIN, sign_in


def test_header_shows_name_and_click_to_call(client, center):
    html = client.get("/").content.decode()
    assert "Larkspur Bend Recovery Center" in html
    assert '<a class="call-link btn btn-primary call-button" href="tel:+16145550187">' in html


def test_profile_is_read_from_the_cache_after_the_first_request(client, center):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert [q["sql"] for q in queries if "centerprofile" in q["sql"]] == []


def test_profile_is_read_at_most_once_in_a_request(client, center):
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len([q for q in queries if "centerprofile" in q["sql"]]) == 1


def test_saving_the_profile_shows_at_once(client, center):
    client.get("/")  # cache it
    center.name = "Renamed Recovery"
    center.save()
    assert "Renamed Recovery" in client.get("/").content.decode()


def test_demo_switch_marks_every_page_as_sample_content(client, center):
    for url in ("/", "/privacy/", "/no-such-page/"):
        assert "Sample content." in client.get(url).content.decode()
    center.is_demo = False
    center.save()
    for url in ("/", "/privacy/", "/no-such-page/"):
        assert "Sample content." not in client.get(url).content.decode()


def test_site_renders_before_any_profile_exists(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Our treatment center" in response.content.decode()


def test_phone_numbers_are_normalised_on_clean(db):
    profile = CenterProfile(name="X", main_phone="(614) 555-0142", admissions_phone="")
    profile.full_clean()
    assert profile.main_phone == "+16145550142"


@pytest.mark.parametrize("bad", ["555-0142", "(014) 555-0142", "+44 20 7946 0958"])
def test_phone_numbers_that_are_not_us_numbers_are_refused(db, bad):
    profile = CenterProfile(name="X", main_phone=bad)
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "main_phone" in excinfo.value.message_dict


def test_admissions_phone_falls_back_to_main(center):
    center.admissions_phone = ""
    assert center.admissions_phone_display == "(614) 555-0142"


def test_admin_escapes_markup_in_the_profile(client, superuser, center):
    center.name = "A & B <script>alert(1)</script>"
    center.save()
    sign_in(client, superuser)
    html = client.get(f"{ADMIN}content/centerprofile/{center.pk}/change/").content.decode()
    assert "A &amp; B &lt;script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    public = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in public


def test_admin_list_goes_straight_to_the_single_profile(client, superuser, center):
    sign_in(client, superuser)
    response = client.get(f"{ADMIN}content/centerprofile/")
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}content/centerprofile/{center.pk}/change/"


def test_profile_cannot_be_added_twice_or_deleted(client, superuser, center):
    sign_in(client, superuser)
    assert client.get(f"{ADMIN}content/centerprofile/add/").status_code == 403
    assert client.get(f"{ADMIN}content/centerprofile/{center.pk}/delete/").status_code == 403


def test_editor_can_change_site_pages_in_admin(client, editor, demo_data):
    sign_in(client, editor)
    assert client.get(f"{ADMIN}content/sitepage/1/change/").status_code == 200
