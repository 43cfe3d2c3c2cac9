"""The PostgreSQL backend checks a reused connection without a round trip.

``wellness_site/db/postgresql/base.py``: a connection the server ended is
still found and replaced before a request's first query; a healthy one is
used without asking the server anything first.
"""

import select
import time

import psycopg2
import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from content.models import ArticleVersion

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the check is the PostgreSQL backend's"
    ),
    pytest.mark.django_db(transaction=True),
]


class _NoStatements:
    """The driver's connection, refusing to run anything: what a check may not do."""

    def __init__(self, raw):
        self._raw = raw

    @property
    def closed(self):
        return self._raw.closed

    def fileno(self):
        return self._raw.fileno()

    def cursor(self, *args, **kwargs):
        raise AssertionError("the health check sent a statement to the server")


def _other_connection():
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    return other


def _wait_until_readable(raw, seconds=5):
    poller = select.poll()
    poller.register(raw.fileno(), select.POLLIN)
    deadline = time.monotonic() + seconds
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server never wrote to the connection"


def _end_from_the_server(pid):
    """What a restart does to a connection: the server ends it."""
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    _wait_until_readable(connection.connection)


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_backend_is_ours_and_still_django_postgresql():
    assert connection.settings_dict["ENGINE"] == "wellness_site.db.postgresql"
    assert connection.vendor == "postgresql"


def test_a_healthy_connection_is_checked_without_a_statement():
    connection.ensure_connection()
    raw = connection.connection
    connection.connection = _NoStatements(raw)
    try:
        assert connection.is_usable() is True
    finally:
        connection.connection = raw


def test_a_request_start_on_a_healthy_connection_sends_only_the_pages_statement():
    pid = _backend_pid()
    raw = connection.connection
    # What the start of a request does, then the check before its first query.
    close_old_connections()
    assert connection.health_check_done is False
    connection.connection = _NoStatements(raw)
    try:
        connection.close_if_health_check_failed()
    finally:
        connection.connection = raw
    assert connection.health_check_done is True
    # The same session carries on: nothing was closed or reopened.
    assert _backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    pid = _backend_pid()
    _end_from_the_server(pid)
    assert connection.is_usable() is False

    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_something_harmless_waiting_is_checked_by_a_round_trip_and_kept():
    # A notification arrives on an idle connection: readable, but healthy.
    with connection.cursor() as cursor:
        cursor.execute("LISTEN wellness_check")
    pid = _backend_pid()
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("NOTIFY wellness_check")
    finally:
        other.close()
    _wait_until_readable(connection.connection)
    assert connection.is_usable() is True
    assert _backend_pid() == pid
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")


def test_a_closed_driver_connection_is_not_usable():
    connection.ensure_connection()
    connection.connection.close()
    try:
        assert connection.is_usable() is False
    finally:
        connection.close()


def test_the_first_page_after_the_server_ended_the_connection_is_served(client, demo_data):
    # A database restart: each app server's connection was ended, and the
    # statements prepared on it are gone. The next request's page must not
    # run them on the new session (it was a 503 once per connection).
    first, second = (version.get_absolute_url() for version in ArticleVersion.objects.live()[:2])
    # The first prepares the article page's statement on this connection.
    assert client.get(first).status_code == 200
    pid = _backend_pid()
    _end_from_the_server(pid)
    # What the start of a request does (the test client leaves it out).
    close_old_connections()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(second)
    assert response.status_code == 200
    # Prepared again on the new session, then run (PREPARE is not one of the page's queries).
    assert queries[0]["sql"].startswith("EXECUTE compiled_query_")
    assert _backend_pid() != pid
