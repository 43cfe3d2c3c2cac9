"""Only center administrators change the center's pages; changes are kept; expiry is flagged."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from center.models import CenterPage, Credential, InsurancePlan, Program, StaffMember
from tests.auth import sign_in

MODELS = {
    "program": Program,
    "staffmember": StaffMember,
    "credential": Credential,
    "insuranceplan": InsurancePlan,
    "centerpage": CenterPage,
}


def _program_form(**changes):
    data = {
        "name": "Residential treatment",
        "slug": "residential-treatment",
        "summary": "Live here for a while, with care day and night.",
        "published": "on",
        "order": "10",
        "level": Program.Level.RESIDENTIAL,
        "who_for": "Adults who need care day and night.",
        "what_to_expect": "Groups, meals, rest.",
        "typical_length": "Often a few weeks; it depends on your progress.",
        "moud": Program.Moud.CONTINUED,
    }
    data.update(changes)
    return data


def test_a_center_administrator_adds_a_program_and_it_goes_live(client, center_admin):
    sign_in(client, center_admin)
    response = client.post(reverse("admin:center_program_add"), _program_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get()
    assert client.get(program.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
@pytest.mark.parametrize("model_name", MODELS)
def test_content_staff_may_look_but_not_change(
    client, request, user_fixture, model_name, make_program
):
    make_program()
    sign_in(client, request.getfixturevalue(user_fixture))
    assert client.get(reverse(f"admin:center_{model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:center_{model_name}_add")).status_code == 403
    response = client.post(reverse(f"admin:center_{model_name}_add"), {})
    assert response.status_code == 403


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_content_staff_cannot_edit_or_delete_a_program(
    client, request, user_fixture, make_program
):
    program = make_program(name="Residential treatment")
    sign_in(client, request.getfixturevalue(user_fixture))
    change = reverse("admin:center_program_change", args=[program.pk])
    assert client.get(change).status_code == 200  # read-only
    response = client.post(change, _program_form(name="Renamed by an editor"))
    assert response.status_code == 403
    response = client.post(
        reverse("admin:center_program_delete", args=[program.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Program.objects.get().name == "Residential treatment"


def test_admissions_staff_cannot_even_look(client, db, django_user_model, make_program):
    from intake.roles import ADMISSIONS
    from tests.conftest import _staff_user

    program = make_program()
    sign_in(client, _staff_user(django_user_model, "ada-admissions", ADMISSIONS))
    change = reverse("admin:center_program_change", args=[program.pk])
    assert client.get(change).status_code == 403


def test_every_change_is_kept_with_who_made_it(client, center_admin, make_program):
    program = make_program(name="Residential treatment", slug="residential-treatment")
    sign_in(client, center_admin)
    change = reverse("admin:center_program_change", args=[program.pk])
    response = client.post(change, _program_form(typical_length="Usually 3 to 5 weeks."))
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = Program.history.filter(id=program.pk).latest("history_date")
    assert latest.typical_length == "Usually 3 to 5 weeks."
    assert latest.history_user == center_admin
    history = client.get(reverse("admin:center_program_history", args=[program.pk]))
    assert "cara-centeradmin" in history.content.decode()


def test_an_edit_shows_on_the_public_page_at_once(client, center_admin, make_program):
    program = make_program(name="Residential treatment", slug="residential-treatment")
    visitor = client.__class__()
    assert "Often a few weeks" not in visitor.get(program.get_absolute_url()).content.decode()
    visitor.get("/programs/")  # now kept in the page cache
    sign_in(client, center_admin)
    client.post(
        reverse("admin:center_program_change", args=[program.pk]),
        _program_form(typical_length="Often a few weeks, depending on progress."),
    )
    assert "Often a few weeks" in visitor.get(program.get_absolute_url()).content.decode()
    assert "Often a few weeks" in visitor.get("/programs/").content.decode()


def test_expired_credentials_are_flagged_in_the_list(client, center_admin, make_credential):
    today = timezone.localdate()
    make_credential(name="Current licence", valid_until=today + timedelta(days=90))
    make_credential(name="Lapsed accreditation", valid_until=today - timedelta(days=3))
    sign_in(client, center_admin)
    changelist = reverse("admin:center_credential_changelist")
    html = client.get(changelist).content.decode()
    assert "1 licence or accreditation has expired" in html
    assert html.count('<td class="field-status">Expired</td>') == 1
    assert html.count('<td class="field-status">Current</td>') == 1
    expired_only = client.get(changelist, {"validity": "expired"}).content.decode()
    assert "Lapsed accreditation" in expired_only and "Current licence" not in expired_only


def test_an_expired_credential_warns_on_its_own_page(client, center_admin, make_credential):
    lapsed = make_credential(valid_until=timezone.localdate() - timedelta(days=1))
    current = make_credential(valid_until=None)
    sign_in(client, center_admin)
    html = client.get(reverse("admin:center_credential_change", args=[lapsed.pk])).content
    assert b"visitors no longer see it" in html
    html = client.get(reverse("admin:center_credential_change", args=[current.pk])).content
    assert b"visitors no longer see it" not in html


def test_the_admin_escapes_what_staff_typed(client, center_admin, make_program, make_credential):
    hostile = "<script>alert(1)</script> & Co"
    make_program(name=hostile)
    make_credential(name=hostile, issuer=hostile)
    sign_in(client, center_admin)
    for name in ("program", "credential"):
        html = client.get(reverse(f"admin:center_{name}_changelist")).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_an_admissions_page_needs_a_summary(db):
    from django.core.exceptions import ValidationError

    page = CenterPage(section="admissions", slug="what-to-bring", title="What to bring", body="x")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "summary" in error.value.message_dict


def test_the_roles_give_center_administrators_every_change_and_others_a_look_at_most(db):
    from django.contrib.auth.models import Group

    from content.roles import CENTER_ADMINISTRATORS, CONTENT_EDITORS, MEDICAL_REVIEWERS

    def center_perms(group_name):
        group = Group.objects.get(name=group_name)
        return set(
            group.permissions.filter(content_type__app_label="center").values_list(
                "codename", flat=True
            )
        )

    administering = center_perms(CENTER_ADMINISTRATORS)
    for model in MODELS:
        for action in ("view", "add", "change", "delete"):
            assert f"{action}_{model}" in administering
        assert f"view_historical{model}" in administering
    for group_name in (CONTENT_EDITORS, MEDICAL_REVIEWERS):
        assert center_perms(group_name) == {f"view_{model}" for model in MODELS}
