"""CSV export of intake requests, for staff who hold ``intake.export_intakerequest``.

A CSV file is opened in a spreadsheet, which runs any cell that looks like a
formula: what a visitor typed into the public form must never run there.
Every export is recorded, one access record per request.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import AccessRecord

EXPORT_PERMISSION = "intake.export_intakerequest"

# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """``value`` as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes_no(value):
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _columns():
    """(heading, value of one request) for each column, in order."""
    return [
        (_("reference"), lambda r: r.reference),
        (_("received"), lambda r: _when(r.received_at)),
        (_("kind"), lambda r: r.get_kind_display()),
        (_("name"), lambda r: r.first_name),
        (_("phone"), lambda r: r.phone_display),
        (_("email"), lambda r: r.email),
        (_("help is for"), lambda r: r.get_who_for_display()),
        (_("best time to call"), lambda r: r.get_best_time_display()),
        (_("voicemail OK"), lambda r: _yes_no(r.voicemail_ok)),
        (_("texts OK"), lambda r: _yes_no(r.texts_ok)),
        (_("subject"), lambda r: r.get_subject_display()),
        (_("insurance company"), lambda r: r.insurer_name),
        (_("message"), lambda r: r.message),
        (_("sent from page"), lambda r: r.source_path),
        (_("status"), lambda r: r.get_status_display()),
        (_("close reason"), lambda r: r.get_close_reason_display()),
        (_("assigned to"), lambda r: r.assigned_to.get_username() if r.assigned_to else ""),
        (_("call-back promised by"), lambda r: _when(r.promised_by)),
        (_("next action due"), lambda r: _when(r.next_action_due)),
        (_("first contact"), lambda r: _when(r.first_contact_at)),
        (_("closed"), lambda r: _when(r.closed_at)),
        (_("possible duplicate of"), lambda r: r.duplicate_of.reference if r.duplicate_of else ""),
        (_("staff notes"), lambda r: r.notes),
    ]


def export_filename(now=None):
    """The download's name: when it was made, and nothing about anyone in it."""
    now = timezone.localtime(now or timezone.now())
    return f"intake-requests-{now:%Y%m%d-%H%M}.csv"


def intake_requests_csv(requests):
    """The CSV text of ``requests``, one row each under a heading row."""
    columns = _columns()
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise_cell(heading) for heading, _value in columns])
    for intake_request in requests:
        writer.writerow([neutralise_cell(value(intake_request)) for _heading, value in columns])
    return out.getvalue()


def export_response(queryset, *, user):
    """A CSV download of ``queryset``, recorded as exported by ``user``."""
    requests = list(
        queryset.select_related("assigned_to", "duplicate_of").order_by("received_at", "pk")
    )
    AccessRecord.objects.bulk_create(
        AccessRecord(
            user=user,
            action=AccessRecord.Action.EXPORT,
            request=intake_request,
            reference=intake_request.reference,
        )
        for intake_request in requests
    )
    # A byte order mark, or Excel reads UTF-8 as another encoding.
    response = HttpResponse(
        "\ufeff" + intake_requests_csv(requests), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    response["Cache-Control"] = "no-store"
    return response
