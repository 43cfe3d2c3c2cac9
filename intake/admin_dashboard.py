"""Figures for the admissions dashboard: counts and times, never anyone's details.

Everything is computed from three queries whatever the number of requests:
one aggregate over the open requests, one read of the times (and source
page) of the requests received in the last 30 days, and one of the
anti-abuse counts. The center profile comes from the cache.

Definitions used throughout:

- A request's *wait* is ``first_contact_at - received_at``; only requests
  reached so far have one.
- The *median* is the usual one (the mean of the middle two of an even
  count); the *90th percentile* is by nearest rank: the wait at rank
  ceil(0.9 * n) of the n waits sorted, so at least 9 in 10 of those reached
  were reached within it, and it is always a wait that really happened.
- "The last N days" is the N * 24 hours before now; the per-day charts use
  the center's local days (``TIME_ZONE``), today last.
"""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content.models import CenterProfile
from intake.admin_logic import format_duration
from intake.models import FilteredPostCount, IntakeRequest

Status = IntakeRequest.Status

WINDOWS = (7, 30)  # days, for the time-to-first-contact figures
CHART_DAYS = 30
SOURCE_ROWS = 20  # source pages listed one by one; the rest are summed

# The charts' drawing units; the SVG scales to the width of the page.
CHART_BAR_WIDTH = 16
CHART_BAR_GAP = 4
CHART_PLOT_HEIGHT = 120
CHART_LABEL_HEIGHT = 20
CHART_FONT_SIZE = 10
# An SVG cannot measure its text for the server, so day labels are placed by
# an estimate of their width: a generous average glyph width, in ems.
CHART_CHAR_WIDTH = 0.6
CHART_TICK_EVERY = 7  # a date under the first day and every seventh after it


def _start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _changelist_url(**params):
    return reverse("admin:intake_intakerequest_changelist") + "?" + urlencode(params)


def _nearest_rank(sorted_values, percent):
    """The nearest-rank ``percent``-th percentile of a non-empty sorted list."""
    rank = -(-percent * len(sorted_values) // 100)  # ceil, in integers
    return sorted_values[max(rank, 1) - 1]


# Open requests ---------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class OpenFigures:
    by_status: list[StatusCount]
    past_promise: int
    late: int


def open_request_figures(now=None):
    """Open requests by status, and how many are late, from one query.

    Past the promise: a new request whose promised call-back time has gone
    by (rows too old to have a promise are not counted). Late: any open
    request past its due time, the promise while new, the next action after
    (``IntakeRequestQuerySet.with_due``), as the list's "due: late" filter.
    """
    now = now or timezone.now()
    statuses = [(value, label) for value, label in Status.choices if value != Status.CLOSED]
    counts = (
        IntakeRequest.objects.open()
        .with_due()
        .aggregate(
            **{f"status_{value}": Count("pk", filter=Q(status=value)) for value, _l in statuses},
            past_promise=Count("pk", filter=Q(status=Status.NEW, promised_by__lt=now)),
            late=Count("pk", filter=Q(due_at__lt=now)),
        )
    )
    return OpenFigures(
        by_status=[
            StatusCount(value, label, counts[f"status_{value}"], _changelist_url(status=value))
            for value, label in statuses
        ],
        past_promise=counts["past_promise"],
        late=counts["late"],
    )


# The requests of the last 30 days --------------------------------------------


def recent_requests(now=None, days=CHART_DAYS):
    """The times, status and source page of the requests of the last ``days`` days.

    Covers both the rolling window (``days`` * 24 hours before now) and the
    charts' ``days`` local days, today included. Rows only: no names, phones
    or messages are read.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = min(now - timedelta(days=days), _start_of_day(today - timedelta(days=days - 1)))
    return list(
        IntakeRequest.objects.filter(
            received_at__gte=since, received_at__lt=_start_of_day(today + timedelta(days=1))
        )
        .order_by()
        .values_list(
            "received_at",
            "first_contact_at",
            "promised_by",
            "closed_at",
            "status",
            "close_reason",
            "source_path",
            named=True,
        )
    )


def _in_window(rows, days, now):
    since = now - timedelta(days=days)
    return [row for row in rows if since <= row.received_at <= now]


def _wait(row):
    return row.first_contact_at - row.received_at


def kept_promise(row, now):
    """Whether ``row`` was reached within its promise: True, False, or None (not counted).

    Reached: kept if the first contact came by ``promised_by``. Not reached:
    missed once the promise lapsed while the request was still open (before
    now, or before it was closed) - a family still waiting past the promise
    is a promise broken, not one pending. Not counted: requests not reached
    whose promise has not lapsed yet (they may still be kept), those closed
    unreached before their promise lapsed, spam and duplicates (no call was
    owed), and rows from before promises were recorded (no ``promised_by``).
    """
    if row.promised_by is None or row.close_reason in (
        IntakeRequest.CloseReason.SPAM,
        IntakeRequest.CloseReason.DUPLICATE,
    ):
        return None
    if row.first_contact_at is not None:
        return row.first_contact_at <= row.promised_by
    if row.promised_by < (row.closed_at or now):
        return False
    return None


@dataclass(frozen=True)
class ContactFigures:
    days: int
    received: int
    reached: int
    waiting: int  # open and not reached yet
    median: timedelta | None
    p90: timedelta | None
    within_promise: int
    promise_counted: int

    @property
    def median_display(self):
        return format_duration(self.median) if self.median is not None else None

    @property
    def p90_display(self):
        return format_duration(self.p90) if self.p90 is not None else None

    @property
    def within_promise_percent(self):
        if not self.promise_counted:
            return None
        return round(100 * self.within_promise / self.promise_counted)


def time_to_first_contact(rows, days, now=None):
    """ContactFigures for the ``rows`` received in the last ``days`` days."""
    now = now or timezone.now()
    window = _in_window(rows, days, now)
    waits = sorted(_wait(row) for row in window if row.first_contact_at is not None)
    kept = [k for k in (kept_promise(row, now) for row in window) if k is not None]
    median = None
    if waits:
        median = timedelta(seconds=statistics.median(w.total_seconds() for w in waits))
    return ContactFigures(
        days=days,
        received=len(window),
        reached=len(waits),
        waiting=sum(
            1 for row in window if row.first_contact_at is None and row.status != Status.CLOSED
        ),
        median=median,
        p90=_nearest_rank(waits, 90) if waits else None,
        within_promise=sum(kept),
        promise_counted=len(kept),
    )


def _chart_days(today, days):
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def requests_per_day(rows, today=None, days=CHART_DAYS):
    """A DayCount for each of the last ``days`` local days, today last, zeros included."""
    today = today or timezone.localdate()
    counts = dict.fromkeys(_chart_days(today, days), 0)
    for row in rows:
        day = timezone.localdate(row.received_at)
        if day in counts:
            counts[day] += 1
    return [DayCount(day, count) for day, count in counts.items()]


@dataclass(frozen=True)
class DayWait:
    day: date
    median: timedelta | None  # None: nobody received that day has been reached
    reached: int

    @property
    def median_display(self):
        return format_duration(self.median) if self.median is not None else None


def contact_time_per_day(rows, today=None, days=CHART_DAYS):
    """A DayWait for each of the last ``days`` local days: the median wait of that day's requests.

    A request belongs to the day it was received on, and counts once reached.
    """
    today = today or timezone.localdate()
    waits = {day: [] for day in _chart_days(today, days)}
    for row in rows:
        day = timezone.localdate(row.received_at)
        if day in waits and row.first_contact_at is not None:
            waits[day].append(_wait(row).total_seconds())
    return [
        DayWait(day, timedelta(seconds=statistics.median(w)) if w else None, len(w))
        for day, w in waits.items()
    ]


@dataclass(frozen=True)
class SourceCount:
    path: str
    count: int


def requests_by_source(rows, days=CHART_DAYS, now=None, limit=SOURCE_ROWS):
    """([SourceCount] most first, then by path; the count of the rest) for the last ``days`` days.

    Only the ``limit`` commonest pages are listed; the others are summed so
    the total still adds up.
    """
    now = now or timezone.now()
    counts = Counter(row.source_path for row in _in_window(rows, days, now))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    listed = [SourceCount(path, count) for path, count in ranked[:limit]]
    rest = ranked[limit:]
    return listed, {"pages": len(rest), "count": sum(count for _p, count in rest)}


# Charts ----------------------------------------------------------------------


def label_width(text):
    """The estimated width of a day label, in drawing units."""
    return len(text) * CHART_FONT_SIZE * CHART_CHAR_WIDTH


def day_chart(days, values, titles):
    """The geometry of an SVG bar chart with a slot per day, in drawing units.

    ``values`` are numbers and ``titles`` the bars' tooltips, one of each per
    day; a ``None`` value draws no bar. A value above
    zero always shows at least a sliver, so it is not mistaken for none.
    Day labels are centred under their day but kept inside the drawing, so
    none is clipped at its edges at any size.
    """
    highest = max((v for v in values if v is not None), default=0)
    step = CHART_BAR_WIDTH + CHART_BAR_GAP
    width = len(days) * step
    bars = []
    ticks = []
    for index, (day, value, title) in enumerate(zip(days, values, titles, strict=True)):
        if value is not None:
            height = round(CHART_PLOT_HEIGHT * value / highest) if highest else 0
            if value > 0:
                height = max(height, 1)
            bars.append(
                {
                    "day": day,
                    "value": value,
                    "title": title,
                    "x": index * step + CHART_BAR_GAP // 2,
                    "y": CHART_PLOT_HEIGHT - height,
                    "width": CHART_BAR_WIDTH,
                    "height": height,
                }
            )
        if index % CHART_TICK_EVERY == 0:
            text = date_format(day, "M j")
            half = label_width(text) / 2
            centre = index * step + step / 2
            ticks.append({"text": text, "x": round(min(max(centre, half), width - half), 1)})
    return {
        "bars": bars,
        "ticks": ticks,
        "highest": highest,
        "width": width,
        "height": CHART_PLOT_HEIGHT + CHART_LABEL_HEIGHT,
        "plot_height": CHART_PLOT_HEIGHT,
        "label_y": CHART_PLOT_HEIGHT + CHART_LABEL_HEIGHT - 5,
        "font_size": CHART_FONT_SIZE,
    }


def _month_day(day):
    return date_format(day, "MONTH_DAY_FORMAT")


def requests_chart(day_counts):
    """The requests-per-day chart of ``day_counts``."""

    titles = [
        ngettext("%(day)s: %(count)d request", "%(day)s: %(count)d requests", d.count)
        % {"day": _month_day(d.day), "count": d.count}
        for d in day_counts
    ]
    chart = day_chart([d.day for d in day_counts], [d.count for d in day_counts], titles)
    chart["total"] = sum(d.count for d in day_counts)
    chart["description"] = (
        _("%(total)d requests from %(first)s to %(last)s; the most on one day was %(most)d.")
        % {
            "total": chart["total"],
            "first": _month_day(day_counts[0].day),
            "last": _month_day(day_counts[-1].day),
            "most": chart["highest"],
        }
        if day_counts
        else ""
    )
    return chart


def contact_time_chart(day_waits):
    """The chart of the median time to first contact per day, in seconds."""

    titles = [
        ngettext(
            "%(day)s: median %(median)s, %(count)d request reached",
            "%(day)s: median %(median)s, %(count)d requests reached",
            d.reached,
        )
        % {"day": _month_day(d.day), "median": d.median_display, "count": d.reached}
        for d in day_waits
    ]
    chart = day_chart(
        [d.day for d in day_waits],
        [d.median.total_seconds() if d.median is not None else None for d in day_waits],
        titles,
    )
    chart["highest_display"] = format_duration(timedelta(seconds=chart["highest"]))
    with_data = sum(1 for d in day_waits if d.median is not None)
    if not day_waits:
        chart["description"] = ""
    elif with_data:
        chart["description"] = ngettext(
            "Median time to first contact of the requests received each day from %(first)s "
            "to %(last)s, on the %(count)d day with requests reached so far; the longest "
            "was %(longest)s.",
            "Median time to first contact of the requests received each day from %(first)s "
            "to %(last)s, on the %(count)d days with requests reached so far; the longest "
            "was %(longest)s.",
            with_data,
        ) % {
            "first": _month_day(day_waits[0].day),
            "last": _month_day(day_waits[-1].day),
            "count": with_data,
            "longest": chart["highest_display"],
        }
    else:
        chart["description"] = _(
            "No request received from %(first)s to %(last)s has been reached yet."
        ) % {"first": _month_day(day_waits[0].day), "last": _month_day(day_waits[-1].day)}
    return chart


# Anti-abuse counts -----------------------------------------------------------


@dataclass(frozen=True)
class FilteredDay:
    day: date
    counts: list[int]  # in the order of FilteredPostCount.Reason


def filtered_posts_per_day(days, today=None):
    """[FilteredDay] for the last ``days`` days that had any filtered post, newest first."""
    today = today or timezone.localdate()
    reasons = FilteredPostCount.Reason.values
    table = {}
    for row in FilteredPostCount.objects.filter(day__gt=today - timedelta(days=days)):
        table.setdefault(row.day, dict.fromkeys(reasons, 0))[row.reason] = row.count
    return [
        FilteredDay(day, [table[day][reason] for reason in reasons])
        for day in sorted(table, reverse=True)
    ]


def dashboard_figures(now=None):
    """Everything the dashboard template shows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_figures = open_request_figures(now)
    rows = recent_requests(now)
    per_day = requests_per_day(rows, today)
    waits_per_day = contact_time_per_day(rows, today)
    sources, other_sources = requests_by_source(rows, now=now)
    return {
        "promise_text": CenterProfile.objects.get_cached().callback_promise().text,
        "open_by_status": open_figures.by_status,
        "past_promise": open_figures.past_promise,
        # Exactly the new requests the count is of: the list's "late" filter
        # takes a new request to be late once its promise has passed.
        "past_promise_url": _changelist_url(status=Status.NEW, due="late"),
        "late": open_figures.late,
        "late_url": _changelist_url(due="late"),
        "contact": [time_to_first_contact(rows, days, now) for days in WINDOWS],
        "per_day": per_day,
        "chart": requests_chart(per_day),
        "waits_per_day": waits_per_day,
        "wait_chart": contact_time_chart(waits_per_day),
        "sources": sources,
        "other_sources": other_sources,
        "source_days": CHART_DAYS,
        "filtered_reasons": FilteredPostCount.Reason.labels,
        "filtered_per_day": filtered_posts_per_day(14, today=today),
    }
