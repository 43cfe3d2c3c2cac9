"""Factories for intake: admissions staff and requests."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from intake.models import REACHED_STATUSES, IntakeRequest
from intake.roles import ADMISSIONS
from tests.conftest import _staff_user


@pytest.fixture
def admissions(db, django_user_model):
    return _staff_user(django_user_model, "ada-admissions", ADMISSIONS)


@pytest.fixture
def make_request(db):
    """make_request(age=timedelta, **fields) -> a saved call-back request.

    The handling fields the database requires to agree with the status are
    filled in unless given: a one-hour promise, a next action (the promise
    while new, in an hour otherwise), a first contact ten minutes after
    arrival for reached statuses, and a closing now for closed ones.
    """

    def _make(age=timedelta(minutes=5), **fields):
        defaults = {
            "kind": IntakeRequest.Kind.CALLBACK,
            "first_name": "Jordan",
            "phone": "+16145550199",
            "who_for": IntakeRequest.WhoFor.LOVED_ONE,
            "best_time": IntakeRequest.BestTime.EVENING,
            "voicemail_ok": False,
            "texts_ok": False,
            "message": "",
            "source_path": "/articles/heroin-withdrawal-symptoms-and-timeline/",
            "form_token": uuid.uuid4(),
            "received_at": timezone.now() - age,
        }
        defaults.update(fields)
        received_at = defaults["received_at"]
        status = defaults.get("status", IntakeRequest.Status.NEW)
        defaults.setdefault("promised_by", received_at + timedelta(hours=1))
        if status == IntakeRequest.Status.CLOSED:
            defaults.setdefault("closed_at", timezone.now())
            defaults.setdefault("close_reason", IntakeRequest.CloseReason.UNREACHABLE)
            defaults.setdefault("next_action_due", None)
        elif status == IntakeRequest.Status.NEW:
            defaults.setdefault("next_action_due", defaults["promised_by"])
        else:
            defaults.setdefault("next_action_due", timezone.now() + timedelta(hours=1))
        if status in REACHED_STATUSES:
            defaults.setdefault("first_contact_at", received_at + timedelta(minutes=10))
        return IntakeRequest.objects.create(**defaults)

    return _make
