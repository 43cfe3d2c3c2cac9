"""Lockout (django-axes): 5 failed sign-ins from one client address lock that address.

There is no lock on a user name alone: failures against a name from other
addresses must never keep its owner, with their password and code, out.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.auth import ADMIN, admin_login, authenticator, current_code

PROXY = "10.0.0.2"  # our TLS proxy, as the app sees it
ATTACKER = "203.0.113.9"
BYSTANDER = "198.51.100.7"


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(client_address, forged=""):
    """Request headers as our proxy passes them on: it appends the real address."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def _fail(client, username, times, address=ATTACKER, forged=lambda i: ""):
    for i in range(times):
        response = admin_login(
            client, username, password="wrong password", **_via_proxy(address, forged(i))
        )
        assert response.status_code in (200, 429)
    return response


def _right_login(client, user, address=ATTACKER, forged=""):
    device = authenticator(user)
    # A code is accepted once; a later sign-in in these tests stands for the
    # app's next code.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    code = current_code(device)
    return admin_login(client, user.username, code=code, **_via_proxy(address, forged))


def test_four_failures_do_not_lock(client, editor):
    _fail(client, editor.username, 4)
    assert _right_login(client, editor).status_code == 302


def test_five_failures_lock_the_address_even_with_the_right_password_and_code(client, editor):
    response = _fail(client, editor.username, 5)
    assert response.status_code == 429
    locked = _right_login(client, editor)
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content and b"15 minutes" in locked.content
    assert client.get(ADMIN).status_code == 302


def test_the_address_is_locked_for_any_user_name(client, editor, reviewer):
    _fail(client, editor.username, 5)
    assert _right_login(client, reviewer).status_code == 429


def test_guessing_against_a_name_does_not_lock_its_owner_out(client, editor):
    _fail(client, editor.username, 5)
    assert _right_login(client, editor, address=BYSTANDER).status_code == 302
    client.post(f"{ADMIN}logout/")
    # And again and again: the guesser's lock is renewed, the owner's door is not shut.
    for _ in range(3):
        assert _fail(client, editor.username, 5).status_code == 429
        assert _right_login(client, editor, address=BYSTANDER).status_code == 302
        client.post(f"{ADMIN}logout/")


def test_guessers_at_many_addresses_do_not_lock_the_owner_out(client, editor):
    guessers = [f"203.0.113.{n}" for n in range(10, 16)]
    for address in guessers:
        assert _fail(client, editor.username, 5, address=address).status_code == 429
    assert AccessAttempt.objects.filter(username=editor.username).count() == len(guessers)
    assert _right_login(client, editor, address=BYSTANDER).status_code == 302
    # Each guessing address is still locked, for every name.
    for address in guessers:
        assert _right_login(client, editor, address=address).status_code == 429


def test_the_owner_signing_in_does_not_forgive_the_guessers(client, editor):
    _fail(client, editor.username, 5)
    assert _right_login(client, editor, address=BYSTANDER).status_code == 302
    assert _right_login(client, editor).status_code == 429


def test_signing_in_forgives_only_ones_own_failures_at_that_address(client, editor, reviewer):
    # Someone with an account of their own cannot wipe their guesses at
    # another name by signing in between them.
    _fail(client, reviewer.username, 4)
    assert _right_login(client, editor).status_code == 302
    client.post(f"{ADMIN}logout/")
    assert _fail(client, reviewer.username, 1).status_code == 429


def test_a_persons_own_mistakes_are_forgotten_when_they_sign_in(client, editor):
    _fail(client, editor.username, 4, address=BYSTANDER)
    assert _right_login(client, editor, address=BYSTANDER).status_code == 302
    client.post(f"{ADMIN}logout/")
    _fail(client, editor.username, 4, address=BYSTANDER)
    assert _right_login(client, editor, address=BYSTANDER).status_code == 302


def test_a_rotating_forged_forwarded_for_does_not_escape_the_lock(client, editor, reviewer):
    _fail(client, editor.username, 5, forged=lambda i: f"192.0.2.{i + 1}")
    assert _right_login(client, reviewer, forged="192.0.2.200").status_code == 429


def test_a_forged_forwarded_for_does_not_lock_out_someone_else(client, reviewer):
    # The attacker claims to be the bystander; the lock lands on the attacker.
    _fail(client, "no-such-user", 5, forged=lambda i: BYSTANDER)
    assert _right_login(client, reviewer, address=BYSTANDER).status_code == 302


def test_known_and_unknown_user_names_get_the_same_answers(client, editor):
    def _page(response):
        html = response.content.decode()
        return response.status_code, html.replace(editor.username, "NAME").replace(
            "ghost-user", "NAME"
        )

    first_known = admin_login(client, editor.username, password="wrong", REMOTE_ADDR="192.0.2.1")
    first_unknown = admin_login(client, "ghost-user", password="wrong", REMOTE_ADDR="192.0.2.2")
    assert _strip_csrf(_page(first_known)) == _strip_csrf(_page(first_unknown))

    locked_known = _fail(client, editor.username, 5, address="192.0.2.3")
    locked_unknown = _fail(client, "ghost-user", 5, address="192.0.2.4")
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert _page(locked_known) == _page(locked_unknown)


def _strip_csrf(page):
    import re

    status, html = page
    return status, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_wrong_code_counts_as_a_failure(client, editor):
    authenticator(editor)
    for _ in range(5):
        admin_login(client, editor.username, code="000000", **_via_proxy(ATTACKER))
    assert AccessAttempt.objects.get(username=editor.username).failures_since_start == 5
    assert _right_login(client, editor).status_code == 429


def test_the_lock_expires_after_fifteen_minutes(client, editor):
    _fail(client, editor.username, 5)
    assert _right_login(client, editor).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert _right_login(client, editor).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _right_login(client, editor).status_code == 302
