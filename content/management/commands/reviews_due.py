"""List the articles whose medical review is overdue or due soon, for a scheduled job.

Its output is meant for a person (an e-mailed cron report); it always exits
with status 0, whether or not reviews are due.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from content.editorial_checks import REVIEW_DUE_SOON_DAYS, reviews_due


class Command(BaseCommand):
    help = (
        f"List articles whose medical review is overdue, then those due in the next "
        f"{REVIEW_DUE_SOON_DAYS} days."
    )

    def handle(self, *args, **options):
        due = reviews_due()
        sections = [
            (_("Overdue"), list(due.overdue)),
            (
                _("Due in the next %(days)d days") % {"days": REVIEW_DUE_SOON_DAYS},
                list(due.due_soon),
            ),
        ]
        if not any(articles for heading, articles in sections):
            self.stdout.write(_("No reviews due."))
            return
        for heading, articles in sections:
            if not articles:
                continue
            self.stdout.write(f"{heading}:")
            for article in articles:
                self.stdout.write("  " + self._line(article))

    @staticmethod
    def _line(article):
        return _("%(due)s  %(title)s  (%(status)s; reviewer: %(reviewer)s)") % {
            "due": article.live_version.next_review_due.isoformat(),
            "title": article.title,
            "status": article.state_label(),
            "reviewer": article.live_version.reviewer_name,
        }
