"""The admissions dashboard: open and late requests, time to first contact, per-day charts,
source pages.

The figures are checked against a month of requests whose every number was worked
out by hand (``month``, below), on a fixed clock.
"""

import re
import uuid
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import CenterProfile
from intake.admin_dashboard import (
    contact_time_per_day,
    dashboard_figures,
    day_chart,
    recent_requests,
    requests_by_source,
    requests_per_day,
    time_to_first_contact,
)
from intake.models import IntakeRequest
from tests.auth import sign_in

Status = IntakeRequest.Status
CloseReason = IntakeRequest.CloseReason
DASHBOARD = reverse("admin:intake_intakerequest_dashboard")
CHANGELIST = reverse("admin:intake_intakerequest_changelist")
ARTICLE = "/articles/heroin-withdrawal-symptoms-and-timeline/"

# The fixed clock: a Wednesday afternoon in the center's time zone, with no
# daylight-saving change in the 30 days before it.
NOW = datetime(2025, 6, 18, 14, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()


def local_time(days_ago, at):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, at))


def local_noon(days_ago):
    return local_time(days_ago, time(12))


def add_request(
    make_request,
    received_at,
    *,
    wait=None,
    status=None,
    promise=timedelta(hours=1),
    next_action_at=None,
    close_reason="",
    closed_after=None,
    source_path=ARTICLE,
):
    """A request received at ``received_at`` and first reached ``wait`` later (if given).

    Every field the database constraints tie together is passed explicitly:
    the promise, the next action of an open request, the closing of a closed one.
    """
    if status is None:
        status = Status.CONTACTED if wait is not None else Status.NEW
    promised_by = received_at + promise if promise is not None else None
    closed = status == Status.CLOSED
    if not closed and next_action_at is None:
        # A new request is due at its promise; one further along has a follow-up
        # well after anything these tests look at, unless told otherwise.
        next_action_at = (
            (promised_by or received_at)
            if status == Status.NEW
            else received_at + timedelta(days=60)
        )
    return make_request(
        received_at=received_at,
        first_contact_at=received_at + wait if wait is not None else None,
        status=status,
        promised_by=promised_by,
        next_action_due=None if closed else next_action_at,
        closed_at=received_at + (closed_after or timedelta(hours=1)) if closed else None,
        close_reason=close_reason,
        source_path=source_path,
    )


def main_content(response):
    html = response.content.decode()
    return html[html.index('<div id="content-main">') :]


def svg(html, chart_id):
    start = html.index(f'id="{chart_id}"')
    return html[html.rindex("<svg", 0, start) : html.index("</svg>", start)]


def minutes(n):
    return timedelta(minutes=n)


@pytest.fixture
def month(make_request):
    """Fifteen requests over the month before NOW, one letter each (see the docstring of
    each test for what it expects of them)."""
    h = timedelta(hours=1)
    d = timedelta(days=1)
    call_back = "/call-back/"
    return {
        # The last 7 days.
        "A": add_request(make_request, NOW - d, wait=minutes(10), source_path=call_back),
        "B": add_request(make_request, NOW - 2 * d, wait=minutes(30), source_path=call_back),
        "C": add_request(
            make_request,
            NOW - 2 * d + 2 * h,
            wait=minutes(120),
            status=Status.ASSESSMENT,
            source_path=call_back,
        ),
        "D": add_request(make_request, NOW - 3 * d, wait=minutes(50), status=Status.ADMITTED),
        "E": add_request(make_request, NOW - 5 * h),  # new, past its promise at 10:00
        "F": add_request(
            make_request, NOW - minutes(30), source_path="/articles/what-is-detox/"
        ),  # new, promise at 14:30: not due yet
        "G": add_request(
            make_request,
            NOW - 4 * d,
            status=Status.CLOSED,
            close_reason=CloseReason.SPAM,
            closed_after=minutes(10),
            source_path="",
        ),
        "H": add_request(
            make_request, NOW - 6 * d, status=Status.ATTEMPTED, next_action_at=NOW - h
        ),
        # 8 to 30 days ago.
        "I": add_request(make_request, NOW - 10 * d, wait=minutes(180), source_path=call_back),
        "J": add_request(make_request, NOW - 10 * d + h, wait=minutes(20)),
        "K": add_request(
            make_request,
            NOW - 20 * d,
            wait=minutes(300),
            status=Status.CLOSED,
            close_reason=CloseReason.NOT_A_FIT,
            closed_after=6 * h,
        ),
        "L": add_request(
            make_request,
            NOW - 25 * d,
            status=Status.CLOSED,
            close_reason=CloseReason.UNREACHABLE,
            closed_after=3 * h,
        ),
        "M": add_request(make_request, NOW - 29 * d, wait=minutes(15), promise=None),
        # In the rolling 30 days (since May 19, 14:00) but on May 19, a day
        # before the charts' first day (May 20).
        "O": add_request(make_request, NOW - 29 * d - 20 * h, wait=minutes(60)),
        # Too old for any figure but the open counts.
        "N": add_request(
            make_request,
            NOW - 31 * d,
            status=Status.CLOSED,
            close_reason=CloseReason.SPAM,
        ),
    }


def test_request_list_links_to_the_dashboard(client, admissions):
    sign_in(client, admissions)
    html = client.get(CHANGELIST).content.decode()
    assert f'<a href="{DASHBOARD}">Dashboard</a>' in html


# The figures, against the hand-computed month -----------------------------------


@pytest.mark.usefixtures("month")
def test_time_to_first_contact_median_and_90th_percentile():
    """Median: the usual one (mean of the middle two of an even count). 90th percentile:
    nearest rank, the wait at rank ceil(0.9 * n) of the n sorted waits.

    Last 7 days: reached A 10, B 30, C 120, D 50 min -> sorted 10 30 50 120.
    Median (30 + 50) / 2 = 40 min; rank ceil(3.6) = 4 -> 120 min.
    Received 8 (A-H); reached 4; still waiting E, F, H = 3 (G is closed).

    Last 30 days: add I 180, J 20, K 300, M 15, O 60 -> sorted
    10 15 20 30 50 60 120 180 300. Median the 5th, 50 min; rank ceil(8.1) = 9 ->
    300 min. Received 14 (all but N); reached 9; still waiting 3.
    """
    rows = recent_requests(NOW)
    week = time_to_first_contact(rows, 7, NOW)
    assert (week.received, week.reached, week.waiting) == (8, 4, 3)
    assert (week.median, week.p90) == (minutes(40), minutes(120))
    assert (week.median_display, week.p90_display) == ("40 min", "2 h")

    month = time_to_first_contact(rows, 30, NOW)
    assert (month.received, month.reached, month.waiting) == (14, 9, 3)
    assert (month.median, month.p90) == (minutes(50), minutes(300))


@pytest.mark.usefixtures("month")
def test_share_reached_within_the_promise():
    """Kept: reached by promised_by (a one-hour promise in the month). Missed: reached
    later, or not reached though the promise lapsed while the request was open. Left
    out: not reached and not yet due (F), spam (G), no promise recorded (M).

    7 days: kept A, B, D; missed C (2 h), E (still new at 5 h), H (attempted) -> 3 of 6.
    30 days: also kept J, O (reached exactly at the promise); missed I (3 h),
    K (5 h, then closed), L (closed unreachable 3 h in, unreached) -> 5 of 11 = 45 %.
    """
    rows = recent_requests(NOW)
    week = time_to_first_contact(rows, 7, NOW)
    assert (week.within_promise, week.promise_counted, week.within_promise_percent) == (3, 6, 50)
    month = time_to_first_contact(rows, 30, NOW)
    assert (month.within_promise, month.promise_counted, month.within_promise_percent) == (
        5,
        11,
        45,
    )


@pytest.mark.usefixtures("month")
def test_requests_and_median_wait_per_local_day():
    """Days May 20 to June 18. Requests: 2 on Jun 18 (E, F), Jun 16 (B, C) and Jun 8
    (I, J); 1 on Jun 17, 15, 14, 12, May 29, 24, 20; O (May 19) is a day too early.

    Median wait per day received: Jun 17 10 min; Jun 16 (30 + 120) / 2 = 75 min;
    Jun 15 50; Jun 8 (180 + 20) / 2 = 100; May 29 300; May 20 15. No data on days
    with nobody reached (Jun 18, 14, 12, May 24) or no requests.
    """
    rows = recent_requests(NOW)
    per_day = requests_per_day(rows, TODAY)
    assert [d.day for d in per_day] == [TODAY - timedelta(days=n) for n in range(29, -1, -1)]
    assert {d.day.isoformat(): d.count for d in per_day if d.count} == {
        "2025-05-20": 1,
        "2025-05-24": 1,
        "2025-05-29": 1,
        "2025-06-08": 2,
        "2025-06-12": 1,
        "2025-06-14": 1,
        "2025-06-15": 1,
        "2025-06-16": 2,
        "2025-06-17": 1,
        "2025-06-18": 2,
    }

    waits = contact_time_per_day(rows, TODAY)
    assert len(waits) == 30
    assert {d.day.isoformat(): (d.median, d.reached) for d in waits if d.median is not None} == {
        "2025-05-20": (minutes(15), 1),
        "2025-05-29": (minutes(300), 1),
        "2025-06-08": (minutes(100), 2),
        "2025-06-15": (minutes(50), 1),
        "2025-06-16": (minutes(75), 2),
        "2025-06-17": (minutes(10), 1),
    }

    # The chart: a bar only for days with data, scaled to the longest (300 min = 120).
    chart = dashboard_figures(NOW)["wait_chart"]
    heights = {bar["day"].isoformat(): bar["height"] for bar in chart["bars"]}
    assert heights == {
        "2025-05-20": 6,
        "2025-05-29": 120,
        "2025-06-08": 40,
        "2025-06-15": 20,
        "2025-06-16": 30,
        "2025-06-17": 4,
    }
    assert chart["highest_display"] == "5 h"


@pytest.mark.usefixtures("month")
def test_requests_by_source_page_most_first():
    """Last 30 days: the article 8 (D E H J K L M O), /call-back/ 4 (A B C I), then
    one each, by path: not recorded (G), /articles/what-is-detox/ (F). N is too old."""
    sources, others = requests_by_source(recent_requests(NOW), now=NOW)
    assert [(s.path, s.count) for s in sources] == [
        (ARTICLE, 8),
        ("/call-back/", 4),
        ("", 1),
        ("/articles/what-is-detox/", 1),
    ]
    assert others == {"pages": 0, "count": 0}

    sources, others = requests_by_source(recent_requests(NOW), now=NOW, limit=2)
    assert len(sources) == 2
    assert others == {"pages": 2, "count": 2}


@pytest.mark.usefixtures("month")
def test_open_requests_by_status_and_late():
    """Open: new E F, attempted H, contacted A B I J M O, assessment C, admitted D.
    Past the promise: E only (F's is at 14:30). Late: E, and H, whose next action was
    due an hour ago."""
    figures = dashboard_figures(NOW)
    assert [(s.status, str(s.label), s.count) for s in figures["open_by_status"]] == [
        ("new", "New", 2),
        ("attempted", "Contact attempted", 1),
        ("contacted", "Contacted", 6),
        ("assessment", "Assessment scheduled", 1),
        ("admitted", "Admitted", 1),
    ]
    assert (figures["past_promise"], figures["late"]) == (1, 2)


# The page -----------------------------------------------------------------------


def test_dashboard_shows_the_time_to_first_contact_figures(client, admissions, make_request):
    now = timezone.now()
    add_request(make_request, now - timedelta(days=2), wait=timedelta(hours=1, minutes=5))
    add_request(make_request, now - timedelta(days=3), wait=minutes(20))
    add_request(make_request, now - timedelta(minutes=10))  # waiting, not yet due
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    html = main_content(response)
    # Received, reached, still waiting, median, 90th percentile, within the promise;
    # the same in both windows.
    row = (
        '<td class="intake-number">3</td>\n'
        '            <td class="intake-number">2</td>\n'
        '            <td class="intake-number">1</td>\n'
        '            <td class="intake-number">42 min</td>\n'
        '            <td class="intake-number">1 h 5 min</td>\n'
        '            <td class="intake-number">50% (1 of 2)</td>'
    )
    assert html.count(row) == 2


def test_dashboard_says_no_data_when_nobody_was_reached(client, admissions, make_request):
    add_request(make_request, timezone.now() - minutes(5))
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    assert [c.median for c in response.context["contact"]] == [None, None]
    html = main_content(response)
    # Median, percentile and share in both windows, and each of the 30 days.
    assert html.count("no data") == 3 * 2 + 30
    assert "No request received in these 30 days has been reached yet." in html


def test_status_counts_link_to_the_filtered_list(client, admissions, make_request):
    now = timezone.now()
    reached = add_request(make_request, now - timedelta(hours=3), wait=minutes(20))
    add_request(make_request, now - minutes(10))
    add_request(make_request, now - timedelta(hours=2), status=Status.ATTEMPTED)
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    html = main_content(response)

    links = {row.status: row.url for row in response.context["open_by_status"]}
    assert links["contacted"] == f"{CHANGELIST}?status=contacted"
    assert f'<a href="{CHANGELIST}?status=contacted">Contacted</a>' in html
    assert f'<a href="{CHANGELIST}?status=new">New</a>' in html

    listed = client.get(links["contacted"])
    assert [r.reference for r in listed.context["cl"].result_list] == [reached.reference]


def test_past_promise_count_links_to_the_late_new_requests(client, admissions, make_request):
    now = timezone.now()
    late = add_request(make_request, now - timedelta(hours=3))
    add_request(make_request, now - minutes(10))  # promise not yet due
    # Late for its next action, but not a new request past its promise.
    add_request(
        make_request,
        now - timedelta(hours=3),
        status=Status.ATTEMPTED,
        next_action_at=now - minutes(30),
    )
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    assert (response.context["past_promise"], response.context["late"]) == (1, 2)
    html = main_content(response)
    promise = CenterProfile.objects.get_cached().callback_promise().text
    assert f"1 new request is past the promise to call back {promise}." in html
    assert "2 open requests are late" in html

    url = response.context["past_promise_url"]
    assert urlsplit(url).query == "status=new&due=late"
    assert f'href="{url.replace("&", "&amp;")}"' in html
    listed = client.get(url)
    assert [r.reference for r in listed.context["cl"].result_list] == [late.reference]
    assert f'href="{CHANGELIST}?due=late"' in html
    assert client.get(f"{CHANGELIST}?due=late").context["cl"].result_count == 2


def test_dashboard_draws_a_bar_per_day_with_its_count(client, admissions, make_request):
    for _ in range(3):
        make_request(received_at=local_noon(1))
    make_request(received_at=local_noon(0))
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    bars = {bar["day"]: bar for bar in response.context["chart"]["bars"]}
    yesterday = timezone.localdate() - timedelta(days=1)
    assert len(bars) == 30
    assert bars[yesterday]["value"] == 3
    # The busiest day fills the plot; the others are in proportion.
    assert bars[yesterday]["height"] == 120
    assert bars[timezone.localdate()]["height"] == 40
    per_day = svg(main_content(response), "per-day-chart")
    assert f'data-day="{yesterday:%Y-%m-%d}" data-count="3"' in per_day
    assert per_day.count("<rect ") == 30


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

    per_day = requests_per_day(recent_requests(), timezone.localdate())
    today = timezone.localdate()
    counts = {d.day: d.count for d in per_day}
    assert counts[today - timedelta(days=1)] == 3
    assert counts[today] == 1
    assert counts[today - timedelta(days=2)] == 1
    assert counts[today - timedelta(days=29)] == 2
    assert sum(counts.values()) == 7


def test_charts_have_a_text_alternative(client, admissions, make_request):
    for _ in range(3):
        add_request(make_request, local_noon(1), wait=minutes(25))
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    assert 'role="img" aria-labelledby="per-day-title per-day-desc"' in html
    assert '<title id="per-day-title">Requests per day, last 30 days</title>' in html
    assert "3 requests from" in html
    yesterday = timezone.localdate() - timedelta(days=1)
    assert f"{yesterday:%B} {yesterday.day}: 3 requests" in html

    assert 'role="img" aria-labelledby="wait-per-day-title wait-per-day-desc"' in html
    assert "on the 1 day with requests reached so far; the longest was 25 min." in html
    assert f"{yesterday:%B} {yesterday.day}: median 25 min, 3 requests reached" in html
    wait_chart = svg(html, "wait-per-day-chart")
    assert wait_chart.count("<rect ") == 1  # days with nobody reached have no bar
    # And the same figures as tables: statuses, windows, two charts' days, one page.
    assert html.count('<th scope="row"') == 5 + 2 + 30 + 30 + 1


def test_day_labels_fit_inside_the_charts(client, admissions, make_request):
    """No label is clipped: each, centred on its x, fits inside the viewBox by a generous
    estimate of its width (0.6 em a character). The old chart put the first label's
    centre at x = 10, so "Jun 1" ran 5 units off the left edge."""
    add_request(make_request, local_noon(3), wait=minutes(25))
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    for chart_id in ("per-day-chart", "wait-per-day-chart"):
        drawing = svg(html, chart_id)
        width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', drawing).group(1))
        labels = re.findall(
            r'<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*font-size="(\d+)">([^<]+)</text>',
            drawing,
        )
        assert len(labels) == 5
        for x, font_size, text in labels:
            half = len(text) * int(font_size) * 0.6 / 2
            assert float(x) - half >= 0, (chart_id, text, x)
            assert float(x) + half <= width, (chart_id, text, x)


def test_day_labels_of_any_length_stay_inside_the_drawing():
    days = [TODAY - timedelta(days=n) for n in range(29, -1, -1)]
    chart = day_chart(days, [1] * 30, [""] * 30)
    first = chart["ticks"][0]
    assert first["x"] - len(first["text"]) * 10 * 0.6 / 2 >= 0
    # The old geometry, for the record: centred under the first bar.
    assert 10 - len(first["text"]) * 10 * 0.6 / 2 < 0


def test_figures_take_the_same_few_queries_however_many_requests(
    make_request, django_assert_num_queries
):
    add_request(make_request, NOW - timedelta(days=1), wait=minutes(10))
    CenterProfile.objects.get_cached()  # cached, as on every admin page
    # Open requests, the month's requests, the anti-abuse counts.
    with django_assert_num_queries(3):
        dashboard_figures(NOW)

    received = [NOW - timedelta(hours=n) for n in range(500)]
    IntakeRequest.objects.bulk_create(
        IntakeRequest(
            kind=IntakeRequest.Kind.CALLBACK,
            first_name="Sam",
            form_token=uuid.uuid4(),
            source_path=f"/articles/a-{n % 40}/",
            received_at=at,
            promised_by=at + timedelta(hours=1),
            status=Status.CONTACTED if n % 2 else Status.NEW,
            first_contact_at=at + minutes(n % 90) if n % 2 else None,
            next_action_due=at + timedelta(days=1),
        )
        for n, at in enumerate(received)
    )
    with django_assert_num_queries(3):
        figures = dashboard_figures(NOW)
    assert figures["contact"][1].received == 1 + 500


def test_dashboard_page_queries_do_not_grow_with_requests(client, admissions, make_request):
    now = timezone.now()
    add_request(make_request, now - timedelta(days=1), wait=minutes(10))
    sign_in(client, admissions)
    client.get(DASHBOARD)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD)
    for n in range(60):
        add_request(
            make_request,
            now - timedelta(hours=11 * n + 1),
            wait=minutes(n) if n % 3 else None,
            source_path=f"/articles/a-{n}/",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(DASHBOARD)
    assert len(many) == len(few)


def test_source_paths_are_escaped(client, admissions, make_request):
    add_request(
        make_request,
        timezone.now() - timedelta(days=1),
        source_path='/articles/<script>alert("x")</script>?a=1&b=2',
    )
    sign_in(client, admissions)
    html = main_content(client.get(DASHBOARD))
    assert "/articles/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;?a=1&amp;b=2" in html
    assert "<script" not in html


def test_dashboard_has_no_inline_script_or_style(client, admissions):
    sign_in(client, admissions)
    response = client.get(DASHBOARD)
    html = main_content(response)
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html
    assert '/static/css/admin_intake_dashboard.css"' in response.content.decode()
