"""The center's call-back promise, as numbers: when a request is due, and how to say it.

The promise is a number of minutes, counted either around the clock or in
business hours only (the days and opening times in the center profile). The
sentence visitors read ("within one business hour, Monday to Friday, 9 a.m.
to 5 p.m.") is made from those numbers, so what the site promises and what
the admissions console measures can never drift apart.

Times are the site's local time (``TIME_ZONE``): a business day starts at
the opening time on the wall clock, across daylight-saving changes too.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dates import WEEKDAYS as DJANGO_WEEKDAYS  # Monday = 0, translated
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# ISO weekday numbers, Monday = 1.
WEEKDAYS = range(1, 8)

# A promise counted in business hours always ends within this many days of
# the request, whatever the hours (one open day a week, say). It bounds the
# search; the profile's validation guarantees at least one open day.
_SEARCH_DAYS = 15


def _day_names(days):
    names = [_localised_weekday(n) for n in days]
    if len(days) == 7:
        return _("every day")
    if len(days) >= 3 and list(days) == list(range(days[0], days[-1] + 1)):
        return _("%(first)s to %(last)s") % {"first": names[0], "last": names[-1]}
    if len(names) == 1:
        return names[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def _localised_weekday(number):
    return str(DJANGO_WEEKDAYS[number - 1])


@dataclass(frozen=True)
class CallbackPromise:
    minutes: int
    business_hours_only: bool
    opens: time
    closes: time
    days: tuple[int, ...]  # ISO weekdays, sorted

    def due(self, received_at):
        """When a request received at ``received_at`` must have had its first call."""
        if not self.business_hours_only or not self.days or self.closes <= self.opens:
            return received_at + timedelta(minutes=self.minutes)
        remaining = timedelta(minutes=self.minutes)
        cursor = timezone.localtime(received_at)
        for _day in range(_SEARCH_DAYS):
            day = cursor.date()
            if day.isoweekday() in self.days:
                opens = self._at(day, self.opens)
                closes = self._at(day, self.closes)
                start = max(cursor, opens)
                if start < closes:
                    if start + remaining <= closes:
                        return start + remaining
                    remaining -= closes - start
            cursor = self._at(day + timedelta(days=1), time.min)
        return received_at + timedelta(minutes=self.minutes)

    @staticmethod
    def _at(day, clock):
        return timezone.make_aware(datetime.combine(day, clock))

    def is_business_time(self, moment):
        """Whether ``moment`` falls inside the business hours (always, if they do not apply)."""
        if not self.business_hours_only:
            return True
        local = timezone.localtime(moment)
        return local.isoweekday() in self.days and self.opens <= local.time() < self.closes

    @property
    def length_text(self):
        """The promise's length alone: "one hour", "30 minutes", "2 business hours"."""
        hours, minutes = divmod(self.minutes, 60)
        if self.business_hours_only:
            if minutes:
                return ngettext(
                    "%(count)d business minute", "%(count)d business minutes", self.minutes
                ) % {"count": self.minutes}
            if hours == 1:
                return _("one business hour")
            return ngettext("%(count)d business hour", "%(count)d business hours", hours) % {
                "count": hours
            }
        if minutes:
            return ngettext("%(count)d minute", "%(count)d minutes", self.minutes) % {
                "count": self.minutes
            }
        if hours == 1:
            return _("one hour")
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}

    @property
    def hours_text(self):
        """The business hours: "Monday to Friday, 9 a.m. to 5 p.m."; empty around the clock."""
        if not self.business_hours_only:
            return ""
        return _("%(days)s, %(opens)s to %(closes)s") % {
            "days": _day_names(self.days),
            "opens": time_format(self.opens, "TIME_FORMAT"),
            "closes": time_format(self.closes, "TIME_FORMAT"),
        }

    @property
    def text(self):
        """Completes "We will call you back …": the promise as visitors read it."""
        if self.business_hours_only:
            return _("within %(length)s (%(hours)s)") % {
                "length": self.length_text,
                "hours": self.hours_text,
            }
        return _("within %(length)s, any time of day") % {"length": self.length_text}
