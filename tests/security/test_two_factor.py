"""Two-factor staff logins: a password alone reaches no admin page, by any route."""

import re

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from content.models import Article
from tests.auth import (
    ADMIN,
    PASSWORD,
    admin_login,
    authenticator,
    current_code,
    sign_in,
)
from wellness_site import two_factor

# The one answer to every failed sign-in, whatever was wrong.
SIGN_IN_FAILED = b"Sign-in did not work."


@pytest.fixture
def password_only(client, superuser):
    """A superuser signed in with the right password but no second factor."""
    authenticator(superuser)
    client.force_login(superuser)
    return client


def _admin_urls(article):
    """Every kind of admin URL: index, app, change list, add, change, custom views."""
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["intake"]),
        reverse("admin:password_change"),
        reverse("admin:jsi18n"),
        reverse("admin:two_factor"),
        reverse("admin:content_article_reviews_due"),
        reverse("admin:intake_intakerequest_dashboard"),
        reverse("admin:content_article_change", args=[article.pk]),
        reverse("admin:content_article_review", args=[article.pk]),
        reverse("admin:content_article_history", args=[article.pk]),
        reverse("admin:view_on_site", args=[_content_type_id(article), article.pk]),
    ]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_a_password_alone_reaches_no_admin_page(password_only, demo_data):
    article = Article.objects.published().first()
    urls = _admin_urls(article)
    assert len(urls) > 20
    for url in urls:
        response = password_only.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ADMIN}login/"), url


def test_a_password_alone_is_not_let_through_by_next(password_only, demo_data):
    response = password_only.get(f"{ADMIN}login/?next={ADMIN}intake/intakerequest/")
    # The login page again, saying a full sign-in is needed; never the list.
    assert response.status_code == 200
    assert b"needs a full sign-in" in response.content
    assert b"intakerequest_changelist" not in response.content


def test_a_password_alone_does_not_open_article_previews(password_only, demo_data):
    # Not even a redirect to the sign-in page: that would name the admin's path.
    draft = Article.objects.get(status=Article.Status.DRAFT)
    response = password_only.get(f"/preview/articles/{draft.pk}/")
    assert response.status_code == 404
    assert not response.has_header("Location")
    assert ADMIN.encode() not in response.content


def test_admindocs_is_not_installed_so_it_is_no_way_round(password_only):
    assert password_only.get(f"{ADMIN}doc/").status_code in (302, 404)


def test_password_without_a_code_does_not_sign_in(client, superuser):
    authenticator(superuser)
    response = admin_login(client, superuser.username)
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.content
    assert client.get(ADMIN).status_code == 302


def test_a_wrong_code_does_not_sign_in_and_nothing_secret_is_echoed(client, superuser):
    authenticator(superuser)
    response = admin_login(client, superuser.username, code="000000")
    assert SIGN_IN_FAILED in response.content
    assert PASSWORD.encode() not in response.content
    assert b"000000" not in response.content
    assert client.get(ADMIN).status_code == 302


def _failed_page(response, *usernames):
    """A failed sign-in's status and page, with what differs by design taken out.

    The user name typed is shown back (so it can be corrected), and every page
    has its own CSRF token; nothing else may differ.
    """
    html = response.content.decode()
    for name in usernames:
        html = html.replace(f'value="{name}"', 'value="NAME"')
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return response.status_code, html


def test_every_failed_sign_in_gets_the_same_answer(client, superuser, django_user_model):
    """A right password must not be told from a wrong one (nor a name that exists)."""
    device = authenticator(superuser)
    departed = django_user_model.objects.create_user(
        "departed", password=PASSWORD, is_staff=True, is_active=False
    )
    departed_device = authenticator(departed)
    django_user_model.objects.create_user("visitor", password=PASSWORD)  # not staff
    names = (superuser.username, "departed", "visitor", "ghost-user")

    def attempt(n, username, password, code):
        # Each from its own address, so that none of them is locked out.
        response = admin_login(
            client, username, password=password, code=code, REMOTE_ADDR=f"192.0.2.{n}"
        )
        assert client.get(ADMIN).status_code == 302  # not signed in
        return response

    answers = {
        "unknown user": attempt(1, "ghost-user", PASSWORD, "123456"),
        "wrong password": attempt(2, superuser.username, "wrong password", "123456"),
        "wrong password, right code": attempt(
            3, superuser.username, "wrong password", current_code(device)
        ),
        "right password, wrong code": attempt(4, superuser.username, PASSWORD, "123456"),
        "right password, missing code": attempt(5, superuser.username, PASSWORD, ""),
        "right password, wrong backup code": attempt(6, superuser.username, PASSWORD, "abcd1234"),
        "inactive user, right password and code": attempt(
            7, "departed", PASSWORD, current_code(departed_device)
        ),
        "not staff, right password": attempt(8, "visitor", PASSWORD, "123456"),
    }
    pages = {case: _failed_page(response, *names) for case, response in answers.items()}
    expected = pages.pop("wrong password")
    assert expected[0] == 200
    assert SIGN_IN_FAILED.decode() in expected[1]
    for case, page in pages.items():
        assert page == expected, case
    for response in answers.values():
        assert PASSWORD.encode() not in response.content
        assert b"wrong password" not in response.content
        assert b"123456" not in response.content


def test_failed_sign_ins_all_count_towards_the_lockout(client, superuser, django_user_model):
    from axes.models import AccessAttempt

    authenticator(superuser)
    django_user_model.objects.create_user("visitor", password=PASSWORD)
    admin_login(client, superuser.username, password="wrong", REMOTE_ADDR="192.0.2.1")
    admin_login(client, superuser.username, code="123456", REMOTE_ADDR="192.0.2.1")
    admin_login(client, superuser.username, code="", REMOTE_ADDR="192.0.2.1")
    admin_login(client, "visitor", code="123456", REMOTE_ADDR="192.0.2.1")
    failures = AccessAttempt.objects.filter(ip_address="192.0.2.1")
    assert sum(failures.values_list("failures_since_start", flat=True)) == 4


def test_password_and_current_code_sign_in(client, superuser):
    device = authenticator(superuser)
    response = admin_login(client, superuser.username, code=current_code(device))
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}intake/intakerequest/").status_code == 200


def test_a_backup_code_works_once(client, superuser):
    authenticator(superuser)
    codes = two_factor.backup_codes_replace(user=superuser)
    assert admin_login(client, superuser.username, code=codes[0]).status_code == 302
    assert client.get(ADMIN).status_code == 200
    client.post(f"{ADMIN}logout/")

    again = admin_login(client, superuser.username, code=codes[0])
    assert again.status_code == 200 and SIGN_IN_FAILED in again.content
    assert client.get(ADMIN).status_code == 302
    assert two_factor.backup_codes_left(superuser) == len(codes) - 1


def test_someone_elses_code_does_not_work(client, superuser, editor):
    authenticator(superuser)
    other = authenticator(editor)
    response = admin_login(client, superuser.username, code=current_code(other))
    assert response.status_code == 200
    assert client.get(ADMIN).status_code == 302


def test_an_unconfirmed_app_cannot_sign_in(client, superuser):
    device = two_factor.authenticator_create(user=superuser)
    assert admin_login(client, superuser.username, code=current_code(device)).status_code == 200


def test_with_two_factor_off_for_local_development_a_password_is_enough(
    client, superuser, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    assert admin_login(client, superuser.username).status_code == 302
    assert client.get(ADMIN).status_code == 200


# --- Enrolment in the admin ---------------------------------------------------


def test_staff_add_an_authenticator_app_with_a_qr_code_drawn_here(client, editor):
    sign_in(client, editor)
    response = client.post(reverse("admin:two_factor"), {"action": "add_authenticator"})
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert response["Location"] == reverse("admin:two_factor_setup", args=[device.pk])

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert '<svg class="qr-code" role="img"' in html and "<path d=" in html
    assert "<img" not in html.split('id="content-main"')[1]  # nothing fetched, no data: URL
    assert two_factor.secret_for_typing(device) in html

    wrong = client.post(response["Location"], {"otp_token": "123456"})
    assert b"That code did not match" in wrong.content
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0  # the app's next code, after the pause
    device.save()
    right = client.post(response["Location"], {"otp_token": current_code(device)})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_new_backup_codes_are_shown_once_and_replace_the_old_ones(client, editor):
    sign_in(client, editor)
    old = two_factor.backup_codes_replace(user=editor)
    response = client.post(reverse("admin:two_factor"), {"action": "backup_codes"})
    html = response.content.decode()
    new = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert all(f"<code>{code}</code>" in html for code in new)
    assert "no-store" in response["Cache-Control"]
    assert not any(
        code in client.get(reverse("admin:two_factor")).content.decode() for code in new
    )


def test_staff_cannot_see_or_change_someone_elses_second_factors(client, editor, reviewer):
    sign_in(client, editor)
    other = two_factor.authenticator_create(user=reviewer)
    assert client.get(reverse("admin:two_factor_user", args=[reviewer.pk])).status_code == 403
    assert client.get(reverse("admin:two_factor_setup", args=[other.pk])).status_code == 403
    client.post(reverse("admin:two_factor_user", args=[reviewer.pk]), {"action": "backup_codes"})
    assert two_factor.backup_codes_left(reviewer) == 0


def test_a_superuser_sees_who_is_not_enrolled_and_can_reset_someone(client, superuser, editor):
    authenticator(editor)
    sign_in(client, superuser)
    page = client.get(reverse("admin:two_factor")).content.decode()
    assert editor.username in page

    client.post(reverse("admin:two_factor_user", args=[editor.pk]), {"action": "reset"})
    assert not two_factor.is_enrolled(editor)
    page = client.get(reverse("admin:two_factor")).content.decode()
    assert "Not set up: cannot sign in" in page


def test_staff_cannot_remove_their_only_authenticator_app(client, editor):
    sign_in(client, editor)
    device = authenticator(editor)
    client.post(reverse("admin:two_factor"), {"action": "remove", "device": device.pk})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- The management command ---------------------------------------------------


def test_command_enrols_a_user_and_prints_codes_that_work(client, editor, capsys):
    call_command("two_factor", editor.username)
    out = capsys.readouterr().out
    assert "scan this code" in out and "Backup codes" in out
    device = TOTPDevice.objects.get(user=editor, confirmed=True)
    assert two_factor.secret_for_typing(device) in out
    backup = out.split("away from the phone):")[1].split()[0]
    assert admin_login(client, editor.username, code=backup).status_code == 302


def test_command_refuses_to_enrol_twice_and_resets_on_request(editor, capsys):
    call_command("two_factor", editor.username)
    first = TOTPDevice.objects.get(user=editor)
    with pytest.raises(CommandError, match="already has an authenticator app"):
        call_command("two_factor", editor.username)
    call_command("two_factor", editor.username, "--reset")
    assert list(TOTPDevice.objects.filter(user=editor)) != [first]
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_command_refuses_unknown_and_non_staff_users(db, django_user_model):
    with pytest.raises(CommandError, match="No user named"):
        call_command("two_factor", "nobody")
    django_user_model.objects.create_user("visitor", password=PASSWORD)
    with pytest.raises(CommandError, match="not a staff user"):
        call_command("two_factor", "visitor")
