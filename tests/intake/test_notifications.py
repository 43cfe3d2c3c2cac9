"""Staff notifications: queued once the request is saved, sent by the worker, never inline.

The test settings are the production ones: tasks go to the database queue,
so nothing here is sent unless a test runs the queued task (as the worker
would), the worker itself, or the periodic retry.
"""

import signal
import threading
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from intake import services
from intake.models import IntakeRequest
from intake.tasks import send_staff_notification
from tests.auth import ADMIN
from tests.intake.test_submission import CALLBACK, callback_data

PERSONAL = ("Jordan", "555-0199", "5550199", "brother", "withdrawal", "loved")


@pytest.fixture(autouse=True)
def _notify(settings):
    settings.INTAKE_NOTIFY_EMAILS = ["admissions@example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def post_callback(client, capture):
    """Post a call-back as a visitor does, with the after-commit callbacks run."""
    with capture(execute=True):
        started = time.monotonic()
        response = client.post(CALLBACK, callback_data())
        elapsed = time.monotonic() - started
    assert response.status_code == 303
    return response, elapsed


def run_queued_tasks():
    """Run every queued task as the worker does: by its path, with its stored arguments."""
    results = []
    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        task_result = row.task_result
        results.append(row.task.call(*task_result.args, **task_result.kwargs))
    return results


def test_a_callback_queues_one_task_and_sends_nothing_in_the_request(
    client, center, django_capture_on_commit_callbacks
):
    post_callback(client, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    saved = IntakeRequest.objects.get()
    assert saved.notified_at is None
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "intake.tasks.send_staff_notification"
    assert queued.args_kwargs == {"args": [saved.pk], "kwargs": {}}
    assert queued.status == "READY"
    for personal in PERSONAL:  # the queue holds the row's key, not its contents
        assert personal not in str(queued.args_kwargs)


def test_running_the_queued_task_sends_the_email_and_marks_the_request(
    client, center, django_capture_on_commit_callbacks
):
    post_callback(client, django_capture_on_commit_callbacks)
    assert run_queued_tasks() == [True]
    saved = IntakeRequest.objects.get()
    assert saved.notified_at is not None
    [email] = mail.outbox
    assert saved.reference in email.subject
    # Sent once: the retry command and the task run again find nothing to do.
    call_command("send_intake_notifications", verbosity=0)
    assert send_staff_notification.call(saved.pk) is False
    assert len(mail.outbox) == 1


def test_with_the_immediate_backend_the_email_goes_as_soon_as_the_request_is_committed(
    client, center, settings, django_capture_on_commit_callbacks
):
    # "Run at once" is a choice of TASKS, not of the code (useful for a demo without a worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    post_callback(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert IntakeRequest.objects.get().notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_sends_what_was_queued(client, center):
    # The real worker, `manage.py db_worker`, once over the queue. Transactions
    # are real here, so the visitor's request queues its task by itself.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    response = client.post(CALLBACK, callback_data())
    assert response.status_code == 303
    assert mail.outbox == []
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)
    assert IntakeRequest.objects.get().notified_at is not None
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_email_holds_reference_time_and_link_but_no_personal_data(
    client, center, django_capture_on_commit_callbacks
):
    post_callback(client, django_capture_on_commit_callbacks)
    run_queued_tasks()
    saved = IntakeRequest.objects.get()
    [email] = mail.outbox
    assert email.to == ["admissions@example.org"]
    text = email.subject + email.body
    assert saved.reference in text
    assert f"{ADMIN}intake/intakerequest/{saved.pk}/change/" in email.body
    for personal in PERSONAL:
        assert personal not in text


def test_a_mail_server_that_hangs_never_slows_the_post_and_the_retry_sends_later(
    client, center, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    attempts = []

    def hanging_send_mail(*args, **kwargs):
        attempts.append(time.monotonic())
        time.sleep(1.5)  # a mail server that accepts and does not answer, then times out
        raise TimeoutError("timed out")

    monkeypatch.setattr(services, "send_mail", hanging_send_mail)
    _, elapsed = post_callback(client, django_capture_on_commit_callbacks)
    assert attempts == [] and elapsed < 1.0, f"the POST took {elapsed:.2f} s"
    saved = IntakeRequest.objects.get()
    assert saved.notified_at is None

    # The worker tries, waits out the mail server, gives up; the request stays pending.
    assert run_queued_tasks() == [False]
    assert len(attempts) == 1
    saved.refresh_from_db()
    assert saved.notified_at is None
    assert "will be retried" in caplog.text
    for personal in PERSONAL:
        assert personal not in caplog.text

    # Later, the mail server answers again: the periodic command sends it, once.
    monkeypatch.undo()
    call_command("send_intake_notifications", verbosity=0)
    saved.refresh_from_db()
    assert saved.notified_at is not None
    assert len(mail.outbox) == 1 and saved.reference in mail.outbox[0].subject
    call_command("send_intake_notifications", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_keeps_the_request_for_the_retry(
    client, center, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.intake.failing_mail.FailingBackend"
    post_callback(client, django_capture_on_commit_callbacks)
    assert run_queued_tasks() == [False]
    call_command("send_intake_notifications", verbosity=0)
    saved = IntakeRequest.objects.get()
    assert saved.notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_intake_notifications", verbosity=0)
    saved.refresh_from_db()
    assert saved.notified_at is not None and len(mail.outbox) == 1


def test_a_queue_that_cannot_take_the_task_still_saves_the_request(
    client, center, django_capture_on_commit_callbacks, caplog
):
    # The task table is gone (say, a migration not yet run): queueing fails.
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    post_callback(client, django_capture_on_commit_callbacks)
    saved = IntakeRequest.objects.get()  # and the connection is still usable
    assert saved.notified_at is None
    assert mail.outbox == []
    [warning] = [r for r in caplog.records if "could not be queued" in r.getMessage()]
    assert warning.levelname == "WARNING" and saved.reference in warning.getMessage()
    for personal in PERSONAL:
        assert personal not in caplog.text

    call_command("send_intake_notifications", verbosity=0)
    saved.refresh_from_db()
    assert saved.notified_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_request_being_sent_is_skipped_by_the_other_sender_without_waiting(
    make_request, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with real concurrent transactions; CI runs PostgreSQL")
    first = make_request()
    sending, release, outcome = threading.Event(), threading.Event(), []

    def slow_send_mail(*args, **kwargs):  # a mail server taking its time
        sending.set()
        release.wait(timeout=30)

    monkeypatch.setattr(services, "send_mail", slow_send_mail)

    def worker():
        try:
            outcome.append(services.notify_staff(first.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert sending.wait(timeout=10)
        started = time.monotonic()
        assert services.notify_staff(first.pk) is False  # the retry skips it
        # A new request from the same phone points at it, without waiting either.
        second = make_request(duplicate_of=first)
        assert time.monotonic() - started < 2
        assert second.duplicate_of_id == first.pk
    finally:
        release.set()
        thread.join(timeout=30)
    assert outcome == [True]
    first.refresh_from_db()
    assert first.notified_at is not None
    assert services.notify_staff(first.pk) is False  # sent once
