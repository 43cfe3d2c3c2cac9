"""Background tasks of the intake app, run by the task worker, never in a request.

Tasks use the django-tasks API, the backport of Django 6's ``django.tasks``
(on Django 6, import ``task`` from there and drop the package).
``settings.TASKS`` chooses where they go: a table in the database
(django-tasks-db), for ``manage.py db_worker`` to run (README, "Staff
notifications").
"""

from django_tasks import task

from intake import services


@task()
def send_staff_notification(request_pk):
    """Email staff that request ``request_pk`` arrived; True if this run sent it.

    Nothing is raised when the mail server fails: the request stays "not yet
    notified" and ``send_intake_notifications`` (every 5 minutes) retries it.
    The task's arguments are the row's primary key only, never its contents.
    """
    return services.notify_staff(request_pk)
