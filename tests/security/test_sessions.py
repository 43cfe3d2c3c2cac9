"""Staff sessions: a new key at login, idle and absolute limits, real logout."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.auth import ADMIN, admin_login, authenticator, current_code, sign_in
from wellness_site.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT

CHANGE_LIST = f"{ADMIN}intake/intakerequest/"


def _session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _age_session(client, login_ago, seen_ago):
    session = client.session
    now = int(time.time())
    session[SESSION_LOGIN_AT] = now - login_ago
    session[SESSION_SEEN_AT] = now - seen_ago
    session.save()


@pytest.fixture
def signed_in(client, superuser):
    sign_in(client, superuser)
    assert client.get(CHANGE_LIST).status_code == 200
    return client


def test_login_gives_a_new_session_key(client, superuser):
    # A key planted before login (session fixation) must not survive it.
    session = client.session
    session["before"] = "login"
    session.save()
    planted = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = planted

    code = current_code(authenticator(superuser))
    assert admin_login(client, superuser.username, code=code).status_code == 302
    assert _session_key(client) != planted
    assert not Session.objects.filter(session_key=planted).exists()


def test_a_session_ends_after_thirty_idle_minutes(signed_in):
    _age_session(signed_in, login_ago=3600, seen_ago=29 * 60)
    assert signed_in.get(CHANGE_LIST).status_code == 200
    key = _session_key(signed_in)
    _age_session(signed_in, login_ago=3600, seen_ago=31 * 60)
    response = signed_in.get(CHANGE_LIST)
    assert response.status_code == 302 and response["Location"].startswith(f"{ADMIN}login/")
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_a_session_alive(signed_in):
    _age_session(signed_in, login_ago=3600, seen_ago=29 * 60)
    assert signed_in.get(CHANGE_LIST).status_code == 200
    assert time.time() - signed_in.session[SESSION_SEEN_AT] < 5


def test_a_session_ends_eight_hours_after_login_however_active(signed_in):
    _age_session(signed_in, login_ago=8 * 3600 - 60, seen_ago=10)
    assert signed_in.get(CHANGE_LIST).status_code == 200
    _age_session(signed_in, login_ago=8 * 3600 + 1, seen_ago=10)
    assert signed_in.get(CHANGE_LIST).status_code == 302


def test_the_session_cookie_lasts_eight_hours_at_most(signed_in):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    session = Session.objects.get(session_key=_session_key(signed_in))

    assert (session.expire_date - timezone.now()).total_seconds() <= 8 * 3600


def test_logging_out_ends_the_session_on_the_server(signed_in):
    key = _session_key(signed_in)
    signed_in.post(f"{ADMIN}logout/")
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nowhere.
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = key
    assert signed_in.get(CHANGE_LIST).status_code == 302


def test_deactivating_a_user_ends_their_sessions(signed_in, superuser):
    key = _session_key(signed_in)
    other = Client()
    sign_in(other, superuser)
    superuser.is_active = False
    superuser.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert signed_in.get(CHANGE_LIST).status_code == 302
    assert other.get(CHANGE_LIST).status_code == 302


def test_deactivating_someone_through_the_admin_ends_their_sessions(signed_in, editor):
    theirs = Client()
    sign_in(theirs, editor)
    assert theirs.get(ADMIN).status_code == 200

    response = signed_in.post(
        f"{ADMIN}auth/user/{editor.pk}/change/",
        {
            "username": editor.username,
            "is_staff": "on",
            "groups": list(editor.groups.values_list("pk", flat=True)),
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert not User.objects.get(pk=editor.pk).is_active
    assert theirs.get(ADMIN).status_code == 302
