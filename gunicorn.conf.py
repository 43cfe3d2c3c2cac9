"""gunicorn settings for production: gunicorn -c gunicorn.conf.py wellness_site.wsgi

Everything an operator may tune is read from the environment, with a default
that suits the machine it starts on.
"""

import json
import multiprocessing
import os
import re

from gunicorn import glogging


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages are rendered in Python (CPU-bound), so processes, not threads, give
# throughput: two a core plus one, the usual rule. Threads only help when
# workers wait on something slow (SMTP for staff emails, a distant database).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)

# A request that takes 30 s is stuck; the worker is replaced. On SIGTERM a
# worker finishes the requests it has (up to 30 s) before it exits, so a
# deploy or a scale-in loses no submission that was already sent.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Workers are replaced after about 10,000 requests, at staggered times, so a
# slow leak never grows and all workers never restart at once. The app is
# loaded once in the master and workers are forked from it (preload_app), so
# a replacement costs a fork, not a Django start-up: under load, recycling
# every 1,000 requests with a full start-up each time cost half the
# throughput and put 0.5 s stalls into p99 (make bench). A deploy restarts
# the service, which loads the new code.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
preload_app = True

# The heartbeat file lives in memory: a slow or full disk cannot make healthy
# workers look dead. (gunicorn creates and unlinks its own file there; the
# fixed directory is what its documentation recommends.)
SHM = "/dev/shm"  # noqa: S108  # nosec
worker_tmp_dir = SHM if os.path.isdir(SHM) else None

# Access log: one JSON object a line on stdout. The path without the query
# string (%(U)s): staff searches put names and phone numbers in the query.
# No client address either; the proxy keeps what security monitoring needs.
accesslog = "-"
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
    }
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class QueryStringFreeLogger(glogging.Logger):
    """gunicorn's own error lines ("Error handling request GET /path?q=...")
    would carry the query string; drop it, as the access log does."""

    def _clean(self, msg, args):
        text = str(msg) % args if args else str(msg)
        return re.sub(r"\?[^\s\"]*", "", text).replace("%", "%%")

    def error(self, msg, *args, **kwargs):
        super().error(self._clean(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(self._clean(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(self._clean(msg, args), **kwargs)


logger_class = QueryStringFreeLogger

# gunicorn 25.1+ opens a control socket in $HOME for its gunicornc tool; we do
# not use it, and under systemd's ProtectHome it could not be created anyway.
control_socket_disable = True
