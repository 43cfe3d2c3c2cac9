"""Create one staff account per role for trying the admin locally.

Refuses unless DEBUG is on: demo accounts with a printed password must never
exist on a real site. (It lives in intake because it knows every app's
roles; content never imports intake.)

Approving needs an account linked to a reviewer profile with a current
licence, so demo-reviewer is linked to the demo data's reviewer
``DEMO_REVIEWER``, whose articles wait for her review (run load_demo_data
first).
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from content.management.commands.load_demo_data import DEMO_REVIEWER
from content.models import Person, add_months
from content.roles import CENTER_ADMINISTRATORS, CONTENT_EDITORS, MEDICAL_REVIEWERS
from intake.roles import ADMISSIONS

# user name -> the group that gives that role its permissions.
DEMO_STAFF = {
    "demo-editor": CONTENT_EDITORS,
    "demo-reviewer": MEDICAL_REVIEWERS,
    "demo-admissions": ADMISSIONS,
    "demo-center-admin": CENTER_ADMINISTRATORS,
}


class Command(BaseCommand):
    help = (
        "Create demo staff accounts (content editor, medical reviewer, admissions "
        "coordinator, center administrator)."
    )

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
        users = {}
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
            users[username] = user
        self.stdout.write(f"Demo staff accounts for /{settings.ADMIN_URL}:")
        self.stdout.write("\n".join(lines))
        if any("unchanged" in line for line in lines):
            self.stdout.write(
                "  (python manage.py create_demo_staff --reset-passwords prints a new one)"
            )
        self.stdout.write("\n".join(self._link_reviewer(users["demo-reviewer"])))

    def _link_reviewer(self, user):
        """Give the demo reviewer account a profile to approve as; lines to print."""
        current = Person.objects.filter(user=user).first()
        if current is not None and current.slug != DEMO_REVIEWER:
            # Someone chose this link in the admin; keep it.
            return [f"  {user.username} approves as {current} (/people/{current.slug}/)."]
        person = Person.objects.filter(slug=DEMO_REVIEWER, role=Person.Role.REVIEWER).first()
        if person is None:
            return [
                f"  {user.username} is not linked to a reviewer profile, so it cannot approve: "
                "run python manage.py load_demo_data, then this command again."
            ]
        if person.user_id not in (None, user.pk):
            return [
                f"  {person.name}'s profile is linked to another account, so {user.username} "
                "cannot approve until an administrator links it to a reviewer profile."
            ]
        lines = [f"  {user.username} approves as {person} (/people/{person.slug}/)."]
        person.user = user
        if not person.licence_is_current():
            # The fixture's date moves forward with the demo, so this is only
            # reached after someone changed or cleared it in the admin.
            person.licence_expires = add_months(timezone.localdate(), 12)
            lines.append(
                f"  {person.name}'s licence was missing or expired; for the demo it now "
                f"runs until {person.licence_expires.isoformat()}."
            )
        person.save(update_fields=["user", "licence_expires"])
        return lines
