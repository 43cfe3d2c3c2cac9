"""gunicorn.conf.py: sizes from the environment, graceful stops, logs without queries."""

import io
import logging
import runpy
from pathlib import Path

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
