"""Figures for the admissions dashboard: counts and times, never anyone's details."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.admin_logic import CALLBACK_PROMISE, format_duration
from intake.models import FilteredPostCount, IntakeRequest

Status = IntakeRequest.Status

# The chart's drawing units; the SVG scales to the width of the page.
CHART_BAR_WIDTH = 16
CHART_BAR_GAP = 4
CHART_PLOT_HEIGHT = 120
CHART_LABEL_HEIGHT = 20


def _start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def open_counts_by_status():
    """[(status label, count)] for every status but closed, zeros included."""
    counts = dict(
        IntakeRequest.objects.open()
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [
        (label, counts.get(value, 0)) for value, label in Status.choices if value != Status.CLOSED
    ]


def past_promise_count(now=None):
    now = now or timezone.now()
    return IntakeRequest.objects.filter(
        status=Status.NEW, received_at__lt=now - CALLBACK_PROMISE
    ).count()


@dataclass(frozen=True)
class TimeToContact:
    days: int
    median: timedelta | None
    contacted: int

    @property
    def median_display(self):
        return format_duration(self.median) if self.median is not None else None


def median_time_to_first_contact(days, now=None):
    """The median wait of the requests received in the last ``days`` days and contacted.

    Requests not yet contacted have no wait to count; the figure says how
    many were, so that a median of very few is read as such.
    """
    now = now or timezone.now()
    contacted = IntakeRequest.objects.filter(
        received_at__gte=now - timedelta(days=days), first_contact_at__isnull=False
    ).values_list("received_at", "first_contact_at")
    waits = [(first_contact - received).total_seconds() for received, first_contact in contacted]
    median = timedelta(seconds=statistics.median(waits)) if waits else None
    return TimeToContact(days=days, median=median, contacted=len(waits))


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def requests_per_day(days=30, today=None):
    """A DayCount for each of the last ``days`` local days, today last, zeros included."""
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    counts = dict.fromkeys((first_day + timedelta(days=n) for n in range(days)), 0)
    received = IntakeRequest.objects.filter(
        received_at__gte=_start_of_day(first_day),
        received_at__lt=_start_of_day(today + timedelta(days=1)),
    ).values_list("received_at", flat=True)
    for received_at in received:
        counts[timezone.localdate(received_at)] += 1
    return [DayCount(day, count) for day, count in counts.items()]


def bar_chart(day_counts):
    """The geometry of an SVG bar chart of ``day_counts``, in drawing units."""
    highest = max((d.count for d in day_counts), default=0)
    step = CHART_BAR_WIDTH + CHART_BAR_GAP
    bars = []
    for index, day_count in enumerate(day_counts):
        height = round(CHART_PLOT_HEIGHT * day_count.count / highest) if highest else 0
        label = ngettext(
            "%(day)s: %(count)d request", "%(day)s: %(count)d requests", day_count.count
        ) % {"day": date_format(day_count.day, "MONTH_DAY_FORMAT"), "count": day_count.count}
        bars.append(
            {
                "day": day_count.day,
                "count": day_count.count,
                "label": label,
                "x": index * step + CHART_BAR_GAP // 2,
                "y": CHART_PLOT_HEIGHT - height,
                "width": CHART_BAR_WIDTH,
                "height": height,
                # A date under the first bar and every seventh after it.
                "tick": index % 7 == 0,
                "tick_x": index * step + step // 2,
            }
        )
    total = sum(d.count for d in day_counts)
    if day_counts:
        description = _(
            "%(total)d requests from %(first)s to %(last)s; the most on one day was %(most)d."
        ) % {
            "total": total,
            "first": date_format(day_counts[0].day, "MONTH_DAY_FORMAT"),
            "last": date_format(day_counts[-1].day, "MONTH_DAY_FORMAT"),
            "most": highest,
        }
    else:
        description = ""
    return {
        "bars": bars,
        "highest": highest,
        "total": total,
        "description": description,
        "width": len(day_counts) * step,
        "height": CHART_PLOT_HEIGHT + CHART_LABEL_HEIGHT,
        "plot_height": CHART_PLOT_HEIGHT,
        "label_y": CHART_PLOT_HEIGHT + CHART_LABEL_HEIGHT - 5,
    }


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
    now = now or timezone.now()
    per_day = requests_per_day(30, today=timezone.localdate(now))
    return {
        "filtered_reasons": FilteredPostCount.Reason.labels,
        "filtered_per_day": filtered_posts_per_day(14, today=timezone.localdate(now)),
        "open_by_status": open_counts_by_status(),
        "past_promise": past_promise_count(now),
        "medians": [median_time_to_first_contact(days, now) for days in (7, 30)],
        "per_day": per_day,
        "chart": bar_chart(per_day),
    }
