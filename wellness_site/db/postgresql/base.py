"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` on, Django checks a reused connection before a
request's first query by sending ``SELECT 1`` and waiting for the answer. A
public page runs one statement (``compiled_queries.run_together``), so that
check was half of the page's round trips to the database, and about a tenth
of the database's work for it.

A server that ends a connection (a restart, a failover, an administrator
terminating it, a crash) writes to it before closing it, or the kernel
signals the close: either way the idle socket becomes readable. A healthy
idle connection has nothing to read. So the check looks at the socket, which
asks nothing of the server, and sends ``SELECT 1`` only when something is
waiting there; whatever it was (a shutdown notice, an end of file, or a
harmless notification), Django's own check then decides.

What neither check can see, a network that drops packets without closing the
connection, fails the page's own query instead; ``DatabaseUnavailableMiddleware``
answers that with the 503 page, as it did when ``SELECT 1`` failed.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            waiting = poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
        if not waiting:
            return True
        return super().is_usable()
