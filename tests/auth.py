"""Signing staff in, in tests, the way the admin requires: password and second factor."""

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

ADMIN = "/" + settings.ADMIN_URL


def authenticator(user):
    """``user``'s confirmed authenticator app, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_code(device):
    """The code the user's authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, user):
    """Log ``user`` in with both factors already passed, as after a real admin login."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


PASSWORD = "correct horse battery staple"  # every staff fixture's password


def admin_login(client, username, password=PASSWORD, code="", **request_extra):
    """Post the admin login form as a person would; returns the response."""
    return client.post(
        f"{ADMIN}login/",
        {"username": username, "password": password, "otp_token": code, "next": ADMIN},
        **request_extra,
    )
