"""The shared cache: Redis when REDIS_URL is set, and a site that survives without it."""

import logging
import socket
import subprocess
import threading
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
    backend = {
        "BACKEND": "wellness_site.cache.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "wellness-test",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    return {"default": backend, "ratelimit": {**backend, "KEY_PREFIX": "wellness-test-rate"}}


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _closed_breaker(monkeypatch):
    # Each test starts with the circuit breaker closed, whatever ran before.
    monkeypatch.setattr(resilient, "_open_until", {})


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
    other_counters = RedisCache(redis_server, {"KEY_PREFIX": "wellness-test-rate"})
    first.clear()
    for _ in range(3):
        count_use("phone", "+16145550199")
    assert other_counters.get(_key("phone", "+16145550199")) == 3
    pages_changed()
    assert second.get(GENERATION_KEY) == first.get(GENERATION_KEY) is not None
    first.clear()
    first.close()
    second.close()
    other_counters.close()


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers, like a stopped Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", accepted
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    server.close()


def test_a_hung_redis_costs_one_timeout_per_period_not_one_per_call(
    settings, monkeypatch, hung_redis
):
    location, accepted = hung_redis
    settings.CACHES = _redis_cache(location)
    cache = caches["default"]
    for _ in range(20):
        assert cache.get("page") is None
        cache.set("page", 1)
    assert len(accepted) == 1  # one attempt; the other 39 calls never waited
    # Once the period is over, one call tries Redis again.
    later = time.monotonic() + resilient.OPEN_SECONDS + 1
    monkeypatch.setattr(resilient.time, "monotonic", lambda: later)
    assert cache.get("page") is None
    cache.get("page")
    assert len(accepted) == 2
    cache.close()
