"""Delete closed intake requests once their closing is older than the retention period.

Run it daily (cron, a scheduled task). Age counts from when a request was
closed, not from when it arrived: a request worked for months and closed
today is kept for the whole period from today. Open requests are never
deleted, however old: someone is still waiting for a call. The access log
keeps its rows, so who opened what stays on record, but loses the purged
references.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from intake.models import AccessRecord, ContactAttempt, IntakeRequest


class Command(BaseCommand):
    help = "Delete intake requests closed more than INTAKE_RETENTION_DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete requests closed more than this many days ago, "
            "instead of INTAKE_RETENTION_DAYS.",
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
        try:
            expired = IntakeRequest.objects.closed_before(days)
        except OverflowError:  # a cutoff before the year 1
            raise CommandError(_("--days is too large.")) from None
        with transaction.atomic():
            # Lock what is to go (PostgreSQL): a request reopened while this runs
            # waits for it, so the rows counted, unlinked and deleted are the same.
            to_delete = expired if dry_run else expired.select_for_update()
            request_count = len(to_delete.values_list("pk", flat=True))
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
