"""Only the center administrators change the center's profile, and every change is kept."""

import pytest
from django.urls import reverse

from content.models import CenterProfile
from content.roles import CENTER_ADMINISTRATORS
from tests.auth import sign_in
from tests.conftest import _staff_user


@pytest.fixture
def center_admin(db, django_user_model):
    return _staff_user(django_user_model, "cara-centeradmin", CENTER_ADMINISTRATORS)


def _form(profile, **changes):
    data = {
        "name": profile.name,
        "is_demo": "on" if profile.is_demo else "",
        "main_phone": "(614) 555-0142",
        "hours": profile.hours,
        "admissions_phone": "(614) 555-0187",
        "admissions_hours": profile.admissions_hours,
        "callback_time": profile.callback_time,
        "street_address": profile.street_address,
        "locality": profile.locality,
        "region": profile.region,
        "postal_code": profile.postal_code,
        "accreditation": profile.accreditation,
        "privacy_practices_url": profile.privacy_practices_url,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_content_staff_cannot_change_the_phone_numbers(client, center, request, user_fixture):
    sign_in(client, request.getfixturevalue(user_fixture))
    url = reverse("admin:content_centerprofile_change", args=[center.pk])
    assert client.get(url).status_code == 200  # they may read it
    response = client.post(url, _form(center, admissions_phone="(614) 555-0999"))
    assert response.status_code == 403
    assert CenterProfile.objects.get().admissions_phone == "+16145550187"


def test_a_center_administrator_changes_it_and_the_history_says_who_changed_what(
    client, center, center_admin
):
    sign_in(client, center_admin)
    url = reverse("admin:content_centerprofile_change", args=[center.pk])
    response = client.post(url, _form(center, admissions_phone="(614) 555-0999"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CenterProfile.objects.get().admissions_phone == "+16145550999"
    history = client.get(reverse("admin:content_centerprofile_history", args=[center.pk]))
    html = history.content.decode()
    assert "cara-centeradmin" in html
    assert "Admissions phone:" in html and "+16145550999" in html and "+16145550187" in html
