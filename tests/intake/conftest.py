"""Factories for intake: admissions staff and requests."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from intake.models import IntakeRequest
from intake.roles import ADMISSIONS
from tests.conftest import _staff_user


@pytest.fixture
def admissions(db, django_user_model):
    return _staff_user(django_user_model, "ada-admissions", ADMISSIONS)


@pytest.fixture
def make_request(db):
    """make_request(age=timedelta, **fields) -> a saved call-back request."""

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
        return IntakeRequest.objects.create(**defaults)

    return _make
