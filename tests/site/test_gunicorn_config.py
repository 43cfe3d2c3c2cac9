"""gunicorn.conf.py: sizes from the environment, graceful stops, JSON logs without queries."""

import io
import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote_to_bytes

from django.conf import settings
from gunicorn.config import Config

CONFIG = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def _load(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_default_to_the_core_count_and_follow_the_environment(monkeypatch):
    import multiprocessing

    assert _load(monkeypatch)["workers"] == multiprocessing.cpu_count() * 2 + 1
    config = _load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_THREADS="4")
    assert (config["workers"], config["threads"]) == (3, 4)


def test_graceful_shutdown_and_staggered_recycling(monkeypatch):
    config = _load(monkeypatch)
    assert config["graceful_timeout"] >= 20 and config["timeout"] >= 20
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["worker_tmp_dir"] in (config["SHM"], None)


def test_the_access_log_has_the_path_but_no_query_string_or_address(monkeypatch):
    log_format = _load(monkeypatch)["access_log_format"]
    assert "%(U)s" in log_format
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%({x-forwarded-for}i)s"):
        assert atom not in log_format


def test_gunicorns_own_error_lines_drop_query_strings(monkeypatch):
    logger = _load(monkeypatch)["QueryStringFreeLogger"](Config())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.error_log.addHandler(handler)
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("Error handling request %s", "/office/intake/?q=Jane+Doe")
    logger.error("Error handling request %s", "/search/?q=Jane 100%")
    logger.error_log.removeHandler(handler)
    text = stream.getvalue()
    assert "Error handling request /office/intake/" in text
    assert "Jane" not in text


def test_no_control_socket_is_opened(monkeypatch):
    assert _load(monkeypatch)["control_socket_disable"] is True


def _access_log(monkeypatch, tmp_path, paths):
    """The access log lines gunicorn writes for a GET of each WSGI ``PATH_INFO``."""
    loaded = _load(monkeypatch)
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", loaded["access_log_format"])
    logger = loaded["QueryStringFreeLogger"](config)
    response = SimpleNamespace(status="404 Not Found", sent=12, headers=[("Content-Length", "12")])
    request = SimpleNamespace(headers=[("HOST", "wellness.example"), ("X-HOSTILE", '"\\\n')])
    for path in paths:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/?q=Jane+Doe",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "PATH_INFO": path,
            "QUERY_STRING": "q=Jane+Doe",
        }
        logger.access(response, request, environ, timedelta(milliseconds=7))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text(encoding="ascii").splitlines()


def test_every_access_log_line_is_json_whatever_the_path_holds(monkeypatch, tmp_path):
    # Paths as gunicorn hands them to the app: percent-decoded bytes, one
    # character a byte (finding 13: "%0a" or a trailing "%5C" broke the line).
    paths = {
        "/a%0Ab/": "/a\nb/",
        "/articles%5C": "/articles\\",
        "/%22%5C%22/": '/"\\"/',
        "/a%00b%01%1B%7F": "/a\x00b\x01\x1b\x7f",
        "/caf%C3%A9/": "/café/",
        "/%FF%FE": "/\ufffd\ufffd",
        "/%ED%A0%80": "/\ufffd\ufffd\ufffd",
        "/%E2%80%AE/": "/\u202e/",
        "/100%25": "/100%",
    }
    wsgi_paths = [unquote_to_bytes(raw).decode("latin-1") for raw in paths]
    lines = _access_log(monkeypatch, tmp_path, wsgi_paths)
    assert len(lines) == len(paths)  # no path split its line in two
    entries = [json.loads(line) for line in lines]
    assert [entry["path"] for entry in entries] == list(paths.values())
    assert {entry["status"] for entry in entries} == {"404"}
    assert "Jane" not in "\n".join(lines)
