"""Delete closed intake requests once they are older than the retention period.

Run it daily (cron, a scheduled task). Open requests are never deleted,
however old: someone is still waiting for a call. The access log keeps its
rows, so who opened what stays on record, but loses the purged references.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from intake.models import AccessRecord, ContactAttempt, IntakeRequest


class Command(BaseCommand):
    help = "Delete closed intake requests received more than INTAKE_RETENTION_DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of INTAKE_RETENTION_DAYS.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many would be deleted, and delete nothing.",
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.INTAKE_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError(_("--days must be 1 or more."))
        expired = IntakeRequest.objects.filter(status=IntakeRequest.Status.CLOSED).older_than(days)
        with transaction.atomic():
            request_count = expired.count()
            attempt_count = ContactAttempt.objects.filter(request__in=expired).count()
            if not dry_run:
                AccessRecord.objects.filter(request__in=expired).update(reference="")
                # Contact attempts go with their request (on_delete=CASCADE);
                # access records stay and lose the link (SET_NULL).
                expired.delete()

        # Label and number, so that no plural form is needed for either count.
        counts = {"requests": request_count, "attempts": attempt_count, "days": days}
        if dry_run:
            message = _(
                "Dry run, nothing deleted. Requests to delete: %(requests)d. "
                "Contact attempts to delete: %(attempts)d. Retention period in days: %(days)d."
            )
        else:
            message = _(
                "Requests deleted: %(requests)d. Contact attempts deleted: %(attempts)d. "
                "Retention period in days: %(days)d."
            )
        self.stdout.write(message % counts)
