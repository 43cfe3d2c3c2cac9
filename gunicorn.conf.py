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
# No client address either: beside "POST /call-back/" it would tie a person to
# a request for treatment (nginx's log in deploy/ keeps none for the same reason).
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


def _json_text(value):
    """``value`` as the inside of a JSON string: quotes, backslashes, line
    breaks and every other control character escaped, and nothing but ASCII
    left, so a line always parses and no stdout encoding can break it."""
    return json.dumps(str(value), ensure_ascii=True)[1:-1]


def _wsgi_text(value):
    """A WSGI string (one character a byte, as gunicorn decodes the path) as
    the text a person typed: UTF-8, with bytes that are not shown as U+FFFD."""
    if not isinstance(value, str):
        return value
    try:
        return value.encode("latin-1").decode("utf-8", errors="replace")
    except UnicodeEncodeError:  # not a WSGI string after all: keep it as it is
        return value


class JsonAtoms(glogging.SafeAtoms):
    """Every atom JSON-escaped, for the JSON access_log_format above.

    gunicorn's own wrapper escapes only double quotes (and leaves a
    backslash before one to break the string it ends); a path holding a
    line feed, a trailing backslash or a control character split the line
    or made it invalid JSON. Escaped when read, so only the few atoms the
    format names cost anything, not every header and environ variable.
    """

    def __init__(self, atoms):
        dict.__init__(self, atoms)  # not SafeAtoms': its quote escaping would double ours

    def __getitem__(self, key):
        return _json_text(super().__getitem__(key))


class QueryStringFreeLogger(glogging.Logger):
    """gunicorn's own error lines ("Error handling request GET /path?q=...")
    would carry the query string; drop it, as the access log does. Access
    lines are valid JSON whatever the path holds (JsonAtoms)."""

    atoms_wrapper_class = JsonAtoms

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _wsgi_text(atoms["U"])
        return atoms

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
