"""Retry staff notifications that did not go out (run every few minutes)."""

from django.core.management.base import BaseCommand

from intake.services import send_pending_notifications


class Command(BaseCommand):
    help = "Email staff about requests whose notification has not been sent yet."

    def handle(self, *args, **options):
        sent, failed = send_pending_notifications()
        self.stdout.write(f"Notifications sent: {sent}; still pending: {failed}.")
