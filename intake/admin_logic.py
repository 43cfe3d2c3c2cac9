"""The rules of the admissions console, kept apart from the admin's screens.

A request moves along its pipeline when staff log a contact attempt, and a
closed request always says why it was closed. The admin's forms and actions
call these functions rather than repeating the rules.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import IntakeRequest

# The center's call-back promise as a duration. CenterProfile.callback_time is
# a phrase for visitors ("within one hour, any time of day") with no number in
# it; until the profile holds one, the console measures against this.
CALLBACK_PROMISE = timedelta(hours=1)

Status = IntakeRequest.Status


def is_past_promise(intake_request, now=None):
    """A new request nobody has tried to call yet, older than the call-back promise."""
    now = now or timezone.now()
    return (
        intake_request.status == Status.NEW and now - intake_request.received_at > CALLBACK_PROMISE
    )


def apply_contact_attempt(intake_request, attempt):
    """Move ``intake_request`` along after ``attempt`` was logged; save what changed.

    Reaching the person stamps the first contact (once: later calls do not move
    it) and takes a new or attempted request to "contacted". Any other outcome
    takes a new request to "attempted". Requests further along, or closed, keep
    their status: staff have already moved them on by hand.
    """
    changed = []
    if attempt.is_successful:
        if intake_request.first_contact_at is None:
            intake_request.first_contact_at = attempt.at
            changed.append("first_contact_at")
        if intake_request.status in (Status.NEW, Status.ATTEMPTED):
            intake_request.status = Status.CONTACTED
            changed.append("status")
    elif intake_request.status == Status.NEW:
        intake_request.status = Status.ATTEMPTED
        changed.append("status")
    if changed:
        intake_request.save(update_fields=changed)
    return changed


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
