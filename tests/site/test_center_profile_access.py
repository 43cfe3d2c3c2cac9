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
        "callback_promise_minutes": profile.callback_promise_minutes,
        "callback_business_hours_only": "on" if profile.callback_business_hours_only else "",
        "business_days": list(profile.business_days),
        "business_opens": profile.business_opens.strftime("%H:%M"),
        "business_closes": profile.business_closes.strftime("%H:%M"),
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


def test_a_center_administrator_sets_the_call_back_promise_and_visitors_read_it(
    client, center, center_admin
):
    sign_in(client, center_admin)
    url = reverse("admin:content_centerprofile_change", args=[center.pk])
    response = client.post(
        url,
        _form(
            center,
            callback_promise_minutes="120",
            callback_business_hours_only="on",
            business_days=["1", "2", "3", "4", "5", "6"],
            business_opens="08:00",
            business_closes="20:00",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = CenterProfile.objects.get()
    assert (profile.callback_promise_minutes, profile.business_days) == (120, "123456")
    assert profile.callback_time == (
        "within 2 business hours (Monday to Saturday, 8 a.m. to 8 p.m.)"
    )
    page = client.get(url).content.decode()
    assert "We will call you back within 2 business hours" in page


def test_the_promise_form_refuses_hours_that_end_before_they_start(client, center, center_admin):
    sign_in(client, center_admin)
    url = reverse("admin:content_centerprofile_change", args=[center.pk])
    response = client.post(
        url, _form(center, business_opens="17:00", business_closes="09:00", business_days=[])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Business hours must end after they start" in html
    assert "Choose at least one business day." in html
