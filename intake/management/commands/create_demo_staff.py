"""Create one staff account per role for trying the admin locally.

Refuses unless DEBUG is on: demo accounts with a printed password must never
exist on a real site. (It lives in intake because it knows every app's
roles; content never imports intake.)
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from content.roles import CONTENT_EDITORS, MEDICAL_REVIEWERS
from intake.roles import ADMISSIONS

# user name -> the group that gives that role its permissions.
DEMO_STAFF = {
    "demo-editor": CONTENT_EDITORS,
    "demo-reviewer": MEDICAL_REVIEWERS,
    "demo-admissions": ADMISSIONS,
}


class Command(BaseCommand):
    help = "Create demo staff accounts (content editor, medical reviewer, admissions coordinator)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give existing demo accounts a new password and print it.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo staff accounts are only created with DEBUG=true (local demo mode)."
            )
        User = get_user_model()
        password = secrets.token_urlsafe(12)
        lines = []
        for username, group_name in DEMO_STAFF.items():
            group, _ = Group.objects.get_or_create(name=group_name)
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            if created or reset_passwords:
                user.set_password(password)
                user.save()
                lines.append(f"  {username:<16} ({group_name}) password: {password}")
            else:
                lines.append(f"  {username:<16} ({group_name}) exists, password unchanged")
            user.groups.add(group)
        self.stdout.write(f"Demo staff accounts for /{settings.ADMIN_URL}:")
        self.stdout.write("\n".join(lines))
        if any("unchanged" in line for line in lines):
            self.stdout.write(
                "  (python manage.py create_demo_staff --reset-passwords prints a new one)"
            )
