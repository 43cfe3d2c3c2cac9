"""Put a few invented call-back requests in the admissions queue, to try the console.

Refuses unless DEBUG is on: these are made-up people with fictional 555
numbers, and must never sit among a real center's requests. Running it again
adds nothing: each demo request has a fixed form token.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from content.models import CenterProfile
from intake.models import ContactAttempt, IntakeRequest

Status = IntakeRequest.Status
_NAMESPACE = uuid.UUID("6f0c4f57-3d0e-4a53-9d55-2b8f0d5b1c01")


def _demo(name, phone, who_for, best_time, voicemail_ok, texts_ok, source_path, **handling):
    return {
        "first_name": name,
        "phone": phone,
        "who_for": who_for,
        "best_time": best_time,
        "voicemail_ok": voicemail_ok,
        "texts_ok": texts_ok,
        "source_path": source_path,
        **handling,
    }


# received: minutes ago; attempts: [(minutes ago, outcome)]; next_try: minutes from now.
DEMO_REQUESTS = [
    _demo(
        "Sam", "+16145550111", "loved_one", "evening", False, False,
        "/articles/heroin-withdrawal-symptoms-and-timeline/",
        received=150, status=Status.NEW,
    ),
    _demo(
        "Rae", "+16145550112", "myself", "any", True, True, "/call-back/",
        received=20, status=Status.NEW,
    ),
    _demo(
        "Dominga", "+16145550113", "loved_one", "morning", False, True,
        "/articles/what-is-heroin-addiction/",
        received=60 * 26, status=Status.ATTEMPTED,
        attempts=[(60 * 25, "no_answer"), (60 * 3, "no_answer")], next_try=-40,
    ),
    _demo(
        "Lee", "+16145550114", "myself", "afternoon", True, False,
        "/articles/medication-assisted-treatment/",
        received=60 * 30, status=Status.ATTEMPTED,
        attempts=[(60 * 29, "voicemail")], next_try=90,
    ),
    _demo(
        "Avery", "+16145550115", "professional", "any", None, False,
        "/articles/levels-of-care-explained/",
        received=60 * 50, status=Status.CONTACTED,
        attempts=[(60 * 49, "reached")], next_try=60 * 20,
    ),
]  # fmt: skip


class Command(BaseCommand):
    help = "Add a few invented requests to the admissions queue (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo requests are only created with DEBUG=true (local demo mode).")
        promise = CenterProfile.objects.get_cached().callback_promise()
        now = timezone.now()
        created = 0
        with transaction.atomic():
            for row in DEMO_REQUESTS:
                created += self._add(row, promise, now)
        self.stdout.write(
            f"Demo requests: {created} added to the admissions queue, "
            f"{len(DEMO_REQUESTS) - created} already there."
        )

    def _add(self, row, promise, now):
        row = dict(row)
        received_at = now - timedelta(minutes=row.pop("received"))
        status = row.pop("status")
        attempts = row.pop("attempts", [])
        next_try_in = row.pop("next_try", None)
        token = uuid.uuid5(_NAMESPACE, row["first_name"])
        if IntakeRequest.objects.filter(form_token=token).exists():
            return 0
        intake = IntakeRequest(
            **row,
            form_token=token,
            kind=IntakeRequest.Kind.CALLBACK,
            received_at=received_at,
            seconds_to_send=41,
            notified_at=received_at,
            promised_by=promise.due(received_at),
        )
        intake.next_action_due = (
            intake.promised_by if next_try_in is None else now + timedelta(minutes=next_try_in)
        )
        reached = [ago for ago, outcome in attempts if outcome == "reached"]
        if reached:
            intake.first_contact_at = now - timedelta(minutes=max(reached))
        intake.status = status
        intake.save()
        ContactAttempt.objects.bulk_create(
            ContactAttempt(
                request=intake,
                at=now - timedelta(minutes=ago),
                method=ContactAttempt.Method.PHONE,
                outcome=outcome,
            )
            for ago, outcome in attempts
        )
        return 1
