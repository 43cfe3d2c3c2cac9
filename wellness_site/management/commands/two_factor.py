"""Enrol a staff member's authenticator app, or reset their second factors.

The way in for the first superuser, and for anyone who lost their phone and
their backup codes:

    python manage.py two_factor alice            # enrol (refused if already enrolled)
    python manage.py two_factor alice --reset    # remove all factors, then enrol

It prints a QR code to scan (drawn in the terminal), the key to type instead,
and ten backup codes. Everything printed is a secret: run it where nobody
else can read the screen, and never in a logged CI job.
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wellness_site import two_factor


class Command(BaseCommand):
    help = "Enrol a user's authenticator app and print backup codes (--reset to start over)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove every authenticator app and backup code the user has first.",
        )

    def handle(self, *args, username, reset, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_staff:
            raise CommandError(f"{username} is not a staff user; only staff sign in to the admin.")
        if two_factor.is_enrolled(user) and not reset:
            raise CommandError(
                f"{username} already has an authenticator app. Use --reset to remove it "
                "and every backup code, then enrol again."
            )
        with transaction.atomic():
            if reset:
                two_factor.devices_reset(user=user)
            # Confirmed at once: the operator hands this over in person.
            device = two_factor.authenticator_create(user=user, confirmed=True)
            codes = two_factor.backup_codes_replace(user=user)

        self.stdout.write(f"Authenticator app for {username}: scan this code with the app.")
        code = qrcode.QRCode(border=2)
        code.add_data(device.config_url)
        drawing = io.StringIO()
        code.print_ascii(out=drawing, invert=True)
        self.stdout.write(drawing.getvalue())
        self.stdout.write(f"Or type this key: {two_factor.secret_for_typing(device)}")
        self.stdout.write("")
        self.stdout.write("Backup codes (each works once; keep them away from the phone):")
        for backup in codes:
            self.stdout.write(f"  {backup}")
