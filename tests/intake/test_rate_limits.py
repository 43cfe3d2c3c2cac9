"""Rate limits per client address and per phone, shared through the cache."""

import time

import pytest
from django.test import RequestFactory

from intake.antispam import issue_form_token
from intake.models import IntakeRequest
from tests.intake.test_submission import CALLBACK, callback_data
from wellness_site.clientip import client_ip


def _fresh(**overrides):
    return callback_data(
        form_token=issue_form_token("callback", now=time.time() - 30), **overrides
    )


def test_too_many_posts_from_one_address_get_429_with_the_phone_number(client, center, settings):
    settings.INTAKE_RATE_LIMIT_PER_IP = 2
    for n in range(2):
        assert client.post(CALLBACK, _fresh(phone=f"(614) 555-010{n}")).status_code == 303
    response = client.post(CALLBACK, _fresh(phone="(614) 555-0109"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "(614) 555-0142" in html and 'href="tel:911"' in html
    assert IntakeRequest.objects.count() == 2


def test_past_the_per_phone_limit_a_request_is_kept_and_marked_with_the_same_answer(
    client, center, settings
):
    settings.INTAKE_RATE_LIMIT_PER_PHONE = 1
    first = client.post(CALLBACK, _fresh())
    # Written another way, it is still the same number, from another address.
    repeat = client.post(CALLBACK, _fresh(phone="614.555.0199"), REMOTE_ADDR="198.51.100.7")
    other = client.post(CALLBACK, _fresh(phone="(614) 555-0142"), REMOTE_ADDR="198.51.100.8")
    # Whether a number asked for help lately is not told by the answer.
    assert first.status_code == repeat.status_code == other.status_code == 303
    assert [r["Location"].split("?")[0] for r in (first, repeat, other)] == [
        "/call-back/thanks/"
    ] * 3
    flags = dict(IntakeRequest.objects.values_list("phone", "over_phone_limit"))
    assert IntakeRequest.objects.count() == 3
    assert IntakeRequest.objects.filter(over_phone_limit=True).count() == 1
    assert flags["+16145550142"] is False


def test_a_spoofed_forwarded_for_header_does_not_reset_the_limit(client, center, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    # Our proxy appends the real client (203.0.113.9); the client made up the rest.
    first = client.post(CALLBACK, _fresh(), HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9")
    assert first.status_code == 303
    second = client.post(
        CALLBACK,
        _fresh(phone="(614) 555-0111"),
        HTTP_X_FORWARDED_FOR="192.0.2.55, 203.0.113.9",
    )
    assert second.status_code == 429


def test_a_different_client_behind_the_proxy_is_not_limited(client, center, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    client.post(CALLBACK, _fresh(), HTTP_X_FORWARDED_FOR="203.0.113.9")
    other = client.post(
        CALLBACK, _fresh(phone="(614) 555-0111"), HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert other.status_code == 303


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "192.0.2.1"),  # no proxy trusted: the header is ignored
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # fewer hops than proxies: not through them
        (1, "not-an-ip", "192.0.2.1"),
    ],
)
def test_client_ip_reads_the_entry_our_proxies_wrote(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_rate_limit_keys_do_not_hold_the_phone_number(client, center):
    from django.core.cache import caches

    client.post(CALLBACK, _fresh())
    keys = list(caches["ratelimit"]._cache.keys())  # the local-memory cache used in tests
    assert keys and not [k for k in keys if "5550199" in k or "127.0.0.1" in k]


def test_page_traffic_cannot_evict_the_counters(client, center, settings):
    from django.core.cache import caches

    settings.INTAKE_RATE_LIMIT_PER_IP = 1
    assert client.post(CALLBACK, _fresh()).status_code == 303
    # Whatever happens to the page cache (a flood, an eviction, a flush)...
    caches["default"].clear()
    # ...the address's limit still holds.
    assert client.post(CALLBACK, _fresh(phone="(614) 555-0142")).status_code == 429
