"""The admissions console's small rules, kept apart from its screens.

What happens when an attempt is logged is ``intake.services``; how status and
first contact stay in step is ``IntakeRequest.set_status``. Here: the quick
choices for the next try, and how durations and close reasons read.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from intake.models import IntakeRequest

Status = IntakeRequest.Status

# When each "best time to call" starts, on the local clock: the quick choice
# "at their best time" schedules the next try for the next such start.
BEST_TIME_STARTS = {
    IntakeRequest.BestTime.MORNING: time(9),
    IntakeRequest.BestTime.AFTERNOON: time(13),
    IntakeRequest.BestTime.EVENING: time(18),
}
TOMORROW_MORNING = time(9)


@dataclass(frozen=True)
class NextTry:
    key: str
    label: str
    at: datetime


def _local(day, clock):
    return timezone.make_aware(datetime.combine(day, clock))


def next_try_choices(intake_request, now=None):
    """The quick choices for the next try after an attempt, in the order offered."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    choices = [
        NextTry("1h", _("Try again in 1 hour"), now + timedelta(hours=1)),
        NextTry("2h", _("Try again in 2 hours"), now + timedelta(hours=2)),
    ]
    best_start = BEST_TIME_STARTS.get(intake_request.best_time)
    if best_start is not None:
        at = _local(today, best_start)
        if at <= now:
            at = _local(today + timedelta(days=1), best_start)
        when = (
            _("today at %(time)s")
            if timezone.localdate(at) == today
            else _("tomorrow at %(time)s")
        ) % {"time": time_format(best_start, "TIME_FORMAT")}
        choices.append(
            NextTry(
                "best",
                _("At their best time (%(best)s): %(when)s")
                % {"best": intake_request.get_best_time_display().lower(), "when": when},
                at,
            )
        )
    choices.append(
        NextTry(
            "tomorrow",
            _("Tomorrow morning, %(time)s")
            % {"time": time_format(TOMORROW_MORNING, "TIME_FORMAT")},
            _local(today + timedelta(days=1), TOMORROW_MORNING),
        )
    )
    return choices


def close_reason_error(status, close_reason):
    """Why this status and close reason do not go together, or ``None`` if they do."""
    if status == Status.CLOSED and not close_reason:
        return _("Choose why the request is closed.")
    if close_reason and status != Status.CLOSED:
        return _(
            "A close reason is only for closed requests: choose “Closed” as the status, "
            "or clear the close reason."
        )
    return None


def format_duration(duration):
    """A duration as staff say it: "2 h 5 min", "3 d 4 h", "1 h", "12 min"; whole minutes."""
    minutes = max(int(duration.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days and hours:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if days:
        return _("%(days)d d") % {"days": days}
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}
