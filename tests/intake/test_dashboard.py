"""The admissions dashboard: open requests by status, time to first contact, requests per day."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.admin_dashboard import bar_chart, median_time_to_first_contact, requests_per_day
from intake.models import IntakeRequest
from tests.auth import sign_in

Status = IntakeRequest.Status
DASHBOARD = reverse("admin:intake_intakerequest_dashboard")


def local_time(days_ago, at):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, at))


def local_noon(days_ago):
    return local_time(days_ago, time(12))


def contacted(make_request, received_days_ago, wait):
    received_at = timezone.now() - timedelta(days=received_days_ago)
    return make_request(
        received_at=received_at, first_contact_at=received_at + wait, status=Status.CONTACTED
    )


def main_content(response):
    html = response.content.decode()
    return html[html.index('<div id="content-main">') :]


def test_request_list_links_to_the_dashboard(client, admissions):
    sign_in(client, admissions)
    html = client.get(reverse("admin:intake_intakerequest_changelist")).content.decode()
    assert f'<a href="{DASHBOARD}">Dashboard</a>' in html


def test_dashboard_counts_open_requests_by_status(client, admissions, make_request):
    make_request()
    make_request()
    make_request(status=Status.ATTEMPTED)
    make_request(status=Status.CLOSED, close_reason=IntakeRequest.CloseReason.SPAM)
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    assert response.context["open_by_status"] == [
        ("New", 2),
        ("Contact attempted", 1),
        ("Contacted", 0),
        ("Assessment scheduled", 0),
        ("Admitted", 0),
    ]
    html = main_content(response)
    assert '<th scope="row">New</th>\n            <td class="intake-number">2</td>' in html
    assert "Closed" not in html


def test_dashboard_counts_new_requests_past_the_promise(client, admissions, make_request):
    make_request(age=timedelta(hours=3))
    make_request(age=timedelta(minutes=10))
    make_request(age=timedelta(hours=3), status=Status.ATTEMPTED)
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    assert response.context["past_promise"] == 1
    assert "1 new request has waited longer than 1 h for a first call." in main_content(response)


def test_median_time_to_first_contact_over_7_and_30_days(make_request):
    for minutes in (10, 20, 60):
        contacted(make_request, 2, timedelta(minutes=minutes))
    contacted(make_request, 20, timedelta(hours=3))
    contacted(make_request, 40, timedelta(hours=9))
    make_request(age=timedelta(days=1))  # not contacted yet: no wait to count

    week = median_time_to_first_contact(7)
    month = median_time_to_first_contact(30)
    assert (week.median, week.contacted) == (timedelta(minutes=20), 3)
    # An even count: halfway between the middle two (20 and 60 minutes).
    assert (month.median, month.contacted) == (timedelta(minutes=40), 4)


def test_dashboard_shows_the_medians(client, admissions, make_request):
    contacted(make_request, 2, timedelta(hours=1, minutes=5))
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    assert html.count('<td class="intake-number">1 h 5 min</td>') == 2


def test_dashboard_says_no_data_when_nobody_was_contacted(client, admissions, make_request):
    make_request()
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    assert [m.median for m in response.context["medians"]] == [None, None]
    assert main_content(response).count("no data") == 2


def test_requests_per_day_counts_each_local_day_of_the_last_30(make_request):
    for _ in range(3):
        make_request(received_at=local_noon(1))
    make_request(received_at=local_noon(0))
    make_request(received_at=local_noon(29))
    make_request(received_at=local_noon(30))  # a day too old

    # Days are the center's days (TIME_ZONE), not UTC's: late evening in
    # New York is already tomorrow in UTC.
    make_request(received_at=local_time(2, time(23, 45)))
    make_request(received_at=local_time(29, time(0, 15)))
    make_request(received_at=local_time(30, time(23, 45)))  # a day too old

    per_day = requests_per_day(30)
    today = timezone.localdate()
    assert [d.day for d in per_day] == [today - timedelta(days=n) for n in range(29, -1, -1)]
    counts = {d.day: d.count for d in per_day}
    assert counts[today - timedelta(days=1)] == 3
    assert counts[today] == 1
    assert counts[today - timedelta(days=2)] == 1
    assert counts[today - timedelta(days=29)] == 2
    assert sum(counts.values()) == 7


def test_dashboard_draws_a_bar_per_day_with_its_count(client, admissions, make_request):
    for _ in range(3):
        make_request(received_at=local_noon(1))
    make_request(received_at=local_noon(0))
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    bars = {bar["day"]: bar for bar in response.context["chart"]["bars"]}
    yesterday = timezone.localdate() - timedelta(days=1)
    assert len(bars) == 30
    assert bars[yesterday]["count"] == 3
    # The busiest day fills the plot; the others are in proportion.
    assert bars[yesterday]["height"] == 120
    assert bars[timezone.localdate()]["height"] == 40
    html = main_content(response)
    assert f'data-day="{yesterday:%Y-%m-%d}" data-count="3"' in html
    assert html.count("<rect ") == 30


def test_chart_has_a_text_alternative(client, admissions, make_request):
    for _ in range(3):
        make_request(received_at=local_noon(1))
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    assert 'role="img" aria-labelledby="per-day-title per-day-desc"' in html
    assert '<title id="per-day-title">Requests per day, last 30 days</title>' in html
    assert "3 requests from" in html
    yesterday = timezone.localdate() - timedelta(days=1)
    assert f"{yesterday:%B} {yesterday.day}: 3 requests" in html
    # And the same figures as a table.
    assert html.count('<th scope="row">') == 5 + 2 + 30


@pytest.mark.usefixtures("db")
def test_chart_of_no_requests_draws_empty_bars():
    chart = bar_chart(requests_per_day(30, today=timezone.localdate()))
    assert chart["highest"] == 0
    assert {bar["height"] for bar in chart["bars"]} == {0}


def test_dashboard_has_no_inline_script_or_style(client, admissions):
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    assert "style=" not in html
    assert "<script" not in html
