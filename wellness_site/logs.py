"""Structured logs: one JSON object a line, with nothing personal in it.

A record keeps its time, level, logger, message and, for request records,
the method, path (never the query string) and status code. The request
object itself, its headers, cookies, body and client address are never
written: intake data and staff searches must not reach a log.
"""

import json
import logging
import re
from datetime import UTC, datetime

# "GET /admin/intake/?q=Jane+Doe HTTP/1.1" -> "GET /admin/intake/ HTTP/1.1"
_QUERY_STRING = re.compile(r"\?[^\s\"]*")


def strip_query_string(text):
    return _QUERY_STRING.sub("", text)


class DropQueryStrings(logging.Filter):
    """Remove query strings from a record's message (runserver's request lines).

    Staff search the admissions list by name or phone, which puts them in the
    URL; the development server would log that URL in full.
    """

    def filter(self, record):
        if "?" in record.getMessage():
            record.msg = strip_query_string(record.getMessage())
            record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
