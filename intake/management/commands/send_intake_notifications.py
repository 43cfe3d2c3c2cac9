"""Retry staff notifications that did not go out (run every few minutes).

The worker sends each notification as a task moments after a request is
saved; this is the safety net for whatever that missed: the worker down, the
mail server failing, a task that could not be queued. Requests come from the
rows themselves (``notified_at`` empty), not from the queue.
"""

from django.core.management.base import BaseCommand

from intake.services import send_pending_notifications


class Command(BaseCommand):
    help = "Email staff about requests whose notification has not been sent yet."

    def handle(self, *args, **options):
        sent, failed = send_pending_notifications()
        self.stdout.write(f"Notifications sent: {sent}; still pending: {failed}.")
