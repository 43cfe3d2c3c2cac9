"""Second factors for staff logins: authenticator apps and backup codes.

django-otp stores the devices and checks the codes; this module is how the
site creates them. An authenticator app (TOTP) is the everyday factor; ten
single-use backup codes cover a lost or broken phone. The QR code an app
scans is drawn here, on our server, so the secret never goes to a third party.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "Backup codes"


def authenticator_create(*, user, name="Authenticator app", confirmed=False):
    """A new TOTP device. Unconfirmed devices cannot be used to log in."""
    device = TOTPDevice(user=user, name=name, confirmed=confirmed)
    device.full_clean()
    device.save()
    return device


def qr_code_svg(text):
    """``text`` as an inline SVG QR code, safe to put in a page.

    The SVG is built by the qrcode library from ``text`` alone (digits of a
    path, no markup of ours or of the user's), and carries no style attribute,
    so the Content-Security-Policy allows it.
    """
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    # Sized by the page's CSS; described for screen readers.
    svg = svg.replace(
        "<svg ",
        '<svg class="qr-code" role="img" aria-label="QR code for the authenticator app" ',
        1,
    )
    # Safe: the SVG was generated above from text, with no markup of anyone's in it.
    return mark_safe(svg)  # noqa: S308  # nosec


def backup_codes_replace(*, user):
    """Ten new single-use backup codes for ``user``; any earlier ones stop working.

    Returns the codes: this is the only time they can be shown.
    """
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def authenticators(user):
    return TOTPDevice.objects.filter(user=user).order_by("-confirmed", "created_at")


def is_enrolled(user):
    """True once ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def devices_reset(*, user):
    """Remove every second factor ``user`` has (a lost phone, a leaver)."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()


def secret_for_typing(device):
    """The base32 secret in groups of four, for apps that cannot scan a code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def devices_for_code(user, code):
    """The confirmed devices a typed code could belong to, so the login form needs no menu.

    Six digits come from an authenticator app; anything else can only be a
    backup code. Trying only the matching kind means a typo in an app code
    never counts against (and throttles) the backup codes.
    """
    code = code.replace(" ", "")
    if code.isdigit() and len(code) == 6:
        return list(TOTPDevice.objects.filter(user=user, confirmed=True))
    return list(StaticDevice.objects.filter(user=user, confirmed=True))
