"""The call-back promise is numbers in the center profile; visitors read words made from them."""

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from content.callback_promise import CallbackPromise
from content.models import CenterProfile

WEEKDAYS = (1, 2, 3, 4, 5)


def local(*args):
    return timezone.make_aware(datetime(*args))


def promise(minutes=60, business=True, days=WEEKDAYS, opens=time(9), closes=time(17)):
    return CallbackPromise(minutes, business, opens, closes, days)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (local(2026, 11, 24, 12, 0), local(2026, 11, 24, 13, 0)),  # Tuesday noon
        (local(2026, 11, 24, 7, 30), local(2026, 11, 24, 10, 0)),  # before opening
        (local(2026, 11, 24, 16, 30), local(2026, 11, 25, 9, 30)),  # half before closing
        (local(2026, 11, 27, 16, 45), local(2026, 11, 30, 9, 45)),  # Friday, over the weekend
        (local(2026, 11, 28, 10, 0), local(2026, 11, 30, 10, 0)),  # Saturday
        (local(2026, 11, 24, 17, 0), local(2026, 11, 25, 10, 0)),  # at closing time
    ],
)
def test_one_business_hour_counts_only_open_hours(received, due):
    assert promise().due(received) == due


def test_business_time_holds_across_a_clock_change():
    # 2026-03-08: clocks go forward in New York on the Sunday.
    assert promise().due(local(2026, 3, 6, 16, 45)) == local(2026, 3, 9, 9, 45)


def test_a_long_promise_spans_several_business_days():
    # 10 hours with 8-hour days: the rest of Monday (8 h) and 2 h on Tuesday.
    assert promise(minutes=600).due(local(2026, 11, 30, 9, 0)) == local(2026, 12, 1, 11, 0)


def test_around_the_clock_is_plain_elapsed_time():
    received = local(2026, 11, 28, 23, 30)
    assert promise(minutes=45, business=False).due(received) == received + timedelta(minutes=45)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "within one business hour (Monday to Friday, 9 a.m. to 5 p.m.)"),
        ({"minutes": 120}, "within 2 business hours (Monday to Friday, 9 a.m. to 5 p.m.)"),
        (
            {"minutes": 30, "days": (1, 3, 5), "opens": time(8, 30)},
            "within 30 business minutes (Monday, Wednesday and Friday, 8:30 a.m. to 5 p.m.)",
        ),
        ({"business": False}, "within one hour, any time of day"),
        ({"business": False, "minutes": 30}, "within 30 minutes, any time of day"),
        (
            {"days": (1, 2, 3, 4, 5, 6, 7)},
            "within one business hour (every day, 9 a.m. to 5 p.m.)",
        ),
    ],
)
def test_the_promise_in_words_is_made_from_the_numbers(kwargs, text):
    assert promise(**kwargs).text == text


@pytest.mark.django_db
def test_pages_tell_visitors_the_promise_from_the_profile(client):
    profile = CenterProfile.objects.get_cached()
    profile.callback_promise_minutes = 30
    profile.callback_business_hours_only = False
    profile.save()
    cache.clear()
    html = client.get("/call-back/").content.decode()
    assert "call you back within 30 minutes, any time of day." in html


@pytest.mark.django_db
def test_business_hours_must_end_after_they_start():
    from django.core.exceptions import ValidationError

    profile = CenterProfile(business_opens=time(17), business_closes=time(9))
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "business_closes" in refused.value.message_dict


@pytest.mark.django_db
def test_a_promise_needs_at_least_one_business_day():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        CenterProfile(business_days="").full_clean()
    assert "business_days" in refused.value.message_dict
