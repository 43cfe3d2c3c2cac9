"""The shared cache: Redis when REDIS_URL is set, and a site that survives without it."""

import logging
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from intake.antispam import _key, count_use
from intake.models import IntakeRequest
from tests.intake_forms import callback_post
from tests.tools import require
from wellness_site import cache as resilient
from wellness_site.pagecache import GENERATION_KEY, pages_changed

ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"


def _redis_cache(location):
    return {
        "default": {
            "BACKEND": "wellness_site.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "wellness-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(settings, monkeypatch):
    monkeypatch.setattr(resilient, "_last_warning", 0.0)
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_closed_port()}/0")
    yield
    caches["default"].close()


@pytest.fixture(scope="module")
def redis_server():
    binary = require("redis-server", "apt-get install -y redis-server")
    port = _closed_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_with_redis_down_pages_are_served_and_the_failure_is_logged(
    client, demo_data, redis_down, caplog
):
    with caplog.at_level(logging.WARNING, logger="wellness_site.cache"):
        for url in ("/", ARTICLE, "/call-back/"):
            assert client.get(url).status_code == 200, url
    warnings = [r for r in caplog.records if r.name == "wellness_site.cache"]
    assert len(warnings) == 1  # logged, but not once per call
    assert "cache unavailable" in warnings[0].getMessage()


def test_with_redis_down_call_backs_are_still_accepted(client, demo_data, redis_down):
    response = client.post(
        "/call-back/",
        callback_post(),
    )
    assert response.status_code == 303
    assert IntakeRequest.objects.count() == 1


def test_counters_and_pages_are_shared_between_processes(settings, redis_server, db):
    settings.CACHES = _redis_cache(redis_server)
    # Two backends on the same Redis, as two app servers have.
    first, second = caches["default"], RedisCache(redis_server, {"KEY_PREFIX": "wellness-test"})
    first.clear()
    for _ in range(3):
        count_use("phone", "+16145550199")
    assert second.get(_key("phone", "+16145550199")) == 3
    pages_changed()
    assert second.get(GENERATION_KEY) == first.get(GENERATION_KEY) is not None
    first.clear()
    first.close()
    second.close()
