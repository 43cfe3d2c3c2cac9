"""The public call-back and contact forms.

Nothing a person types is ever put in a URL or a log line; the views are
wrapped in ``sensitive_post_parameters`` so that an error report cannot
show it either. Every response carries ``Cache-Control: no-store``.
"""

import logging
import time
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from content.models import CENTER_CACHE_KEY, CenterProfile
from intake.antispam import (
    HONEYPOT_FIELD,
    Verdict,
    count_use,
    issue_form_token,
    judge_post,
    over_limit,
    retry_at,
    sent_from_this_site,
)
from intake.forms import CallbackForm, ContactForm, clean_source_path
from intake.models import FilteredPostCount, IntakeRequest
from intake.services import submit_intake_request
from wellness_site.clientip import client_ip
from wellness_site.pagecache import cached_until_content_changes
from wellness_site.pagecache_tags import CENTER

logger = logging.getLogger(__name__)

FORMS = {
    IntakeRequest.Kind.CALLBACK: (CallbackForm, "intake/callback.html", "callback_thanks"),
    IntakeRequest.Kind.CONTACT: (ContactForm, "intake/contact.html", "contact_thanks"),
}
_THANKS_SALT = "intake.thanks"
# How long the thank-you page can show the reference after the redirect.
THANKS_MAX_AGE = 60 * 60


def _referring_path(request):
    """The page on this site the visitor came from, path only."""
    try:
        referer = urlsplit(request.headers.get("Referer", ""))
    except ValueError:  # a header that is not an address ("http://[")
        return ""
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    return clean_source_path(referer.path)


# Stand-ins for what differs between visitors, replaced in the cached page.
_HOLES = {
    "form_token": "FormTokenHole7c1e",
    "source_path": "SourcePathHole7c1e",
}


def _blank_form_page(request, kind, form_class, template):
    """The empty form page, rendered once per content change, with holes for tokens.

    Rendering the form is most of a form page's cost; every visitor's copy
    differs only in its one-time form token and the page they came from,
    which are put into the holes. There is no CSRF token and so no cookie:
    these forms work with cookies blocked (see ``sent_from_this_site``).
    """

    def make():
        form = form_class(
            initial={"form_token": _HOLES["form_token"], "source_path": _HOLES["source_path"]}
        )
        return render_to_string(template, {"form": form}, request)

    # The form shows the center (profile, its pages' links), no article: an
    # approval leaves it kept.
    html = cached_until_content_changes(f"intake:blank-form:{kind}", make, tags=(CENTER,))
    for name, value in (
        ("form_token", issue_form_token(kind)),
        ("source_path", _referring_path(request)),
    ):
        html = html.replace(_HOLES[name], escape(value))
    return HttpResponse(html)


def _show_back(request, kind, *, notice=None, status=200):
    """The form again, with everything typed kept and a fresh token: nothing is lost."""
    form_class, template, _thanks = FORMS[kind]
    data = request.POST.copy()
    data["form_token"] = issue_form_token(kind)
    data[HONEYPOT_FIELD] = ""
    form = form_class(data)
    form.is_valid()  # show what is still wrong, if anything
    return render(request, template, {"form": form, "notice": notice}, status=status)


def _notice(title, text, **extra):
    return {"title": title, "text": text, **extra}


def _refused(request, kind):
    FilteredPostCount.record(FilteredPostCount.Reason.REFUSED)
    return _show_back(
        request,
        kind,
        status=400,
        notice=_notice(
            _("Your details were not sent"),
            _(
                "We could not check that this form came from our website. Nothing was "
                "sent. Check your details below and send the form again."
            ),
        ),
    )


def _rate_limited(request, kind, limit_kind, value):
    FilteredPostCount.record(FilteredPostCount.Reason.RATE_LIMITED)
    when = timezone.localtime(datetime.fromtimestamp(retry_at(limit_kind, value), tz=UTC))
    response = _show_back(
        request,
        kind,
        status=429,
        notice=_notice(
            _("We cannot take another request from you right now"),
            _(
                "Several requests have already come from you. Please call our admissions "
                "line instead, or send this form again after %(time)s. What you typed is "
                "still below."
            )
            % {"time": date_format(when, "TIME_FORMAT")},
            call=True,
        ),
    )
    response["Retry-After"] = str(max(1, int(when.timestamp() - time.time())))
    return response


def _is_resend(saved, data):
    """``data`` is ``saved`` sent again (a double click), not a replay with other details."""
    return (saved.first_name, saved.phone) == (data.get("first_name"), data.get("phone", ""))


def _already_saved(kind, token, data):
    """The request this token saved, if the same person sent it again."""
    existing = IntakeRequest.objects.filter(form_token=token.id, kind=kind).first()
    return existing if existing is not None and _is_resend(existing, data) else None


def _intake_view(request, kind):
    form_class, template, _thanks = FORMS[kind]
    if request.method == "GET":
        return _blank_form_page(request, kind, form_class, template)
    try:
        return _receive(request, kind)
    except (OperationalError, InterfaceError):
        # The database is down: say plainly that nothing was sent, and keep
        # what was typed, so the person can call or send it again later.
        logger.warning("database unavailable; a form post was shown back, not saved")
        return _not_sent(request, kind)


def _not_sent(request, kind):
    """The form again, without the database: the center comes from the cache only."""
    request._center_profile = cache.get(CENTER_CACHE_KEY) or CenterProfile()
    response = _show_back(
        request,
        kind,
        status=503,
        notice=_notice(
            _("Your request was NOT sent"),
            _(
                "Something went wrong on our side and nothing was saved. Please call us "
                "instead, or send the form again in a few minutes: what you typed is "
                "still below."
            ),
            call=True,
        ),
    )
    response["Retry-After"] = "30"
    return response


def _receive(request, kind):
    form_class, template, thanks = FORMS[kind]
    if not sent_from_this_site(request):
        return _refused(request, kind)
    verdict, token = judge_post(request.POST, kind)
    if verdict is Verdict.HONEYPOT:
        # The only silent drop: what a person never sees, and autofill never fills.
        FilteredPostCount.record(FilteredPostCount.Reason.HONEYPOT)
        return _see_other(thanks)
    if verdict is Verdict.REFUSED:
        return _refused(request, kind)
    if verdict is Verdict.EXPIRED:
        FilteredPostCount.record(FilteredPostCount.Reason.EXPIRED)
        return _show_back(
            request,
            kind,
            notice=_notice(
                _("This form was open for a long time"),
                _("Check your details and send it again. Nothing has been sent yet."),
            ),
        )
    form = form_class(request.POST)
    if not form.is_valid():
        # Shown back with its errors: never counted against a rate limit.
        return render(request, template, {"form": form})
    data = form.cleaned_data
    phone, address = data.get("phone", ""), client_ip(request)
    if over_limit("ip", address, settings.INTAKE_RATE_LIMIT_PER_IP):
        saved = _already_saved(kind, token, data)
        if saved:
            return _see_other(thanks, saved)
        return _rate_limited(request, kind, "ip", address)
    # Over the per-phone limit, a request is kept and marked as a repeat, with
    # the same answer as any other: refusing it would tell anyone who posts a
    # number whether that number asked for help lately.
    repeat = over_limit("phone", phone, settings.INTAKE_RATE_LIMIT_PER_PHONE)
    fields = {
        name: data[name]
        for name in form.fields
        if name not in ("form_token", HONEYPOT_FIELD) and name in data
    }
    intake, created = submit_intake_request(
        form_token=token.id,
        kind=kind,
        seconds_to_send=int(token.age()),
        over_phone_limit=repeat,
        **fields,
    )
    if created:
        # Only saved requests count toward the limits.
        count_use("ip", address)
        if phone:
            count_use("phone", phone)
        if verdict is Verdict.FAST:
            FilteredPostCount.record(FilteredPostCount.Reason.FAST)
    elif not _is_resend(intake, data):
        return _refused(request, kind)
    return _see_other(thanks, intake)


def _see_other(url_name, intake=None):
    """303 to the thank-you page: fetched with GET, so a reload sends nothing.

    The reference travels signed and short-lived in the address, so it
    reaches only the browser that sent the request, cookies or not; the page
    never looks anything up from it.
    """
    url = reverse(url_name)
    if intake is not None:
        signer = signing.TimestampSigner(salt=_THANKS_SALT)
        signed = signer.sign(f"{intake.kind}:{intake.reference}")
        url += "?" + urlencode({"r": signed})
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _reference_from(request, kind):
    try:
        value = signing.TimestampSigner(salt=_THANKS_SALT).unsign(
            request.GET.get("r", ""), max_age=THANKS_MAX_AGE
        )
    except signing.BadSignature:
        return None
    signed_kind, _sep, reference = value.partition(":")
    return reference if signed_kind == kind else None


@csrf_exempt  # no cookie needed: sent_from_this_site and the form token stand in
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def callback(request):
    return _intake_view(request, IntakeRequest.Kind.CALLBACK)


@csrf_exempt  # see callback
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def contact(request):
    return _intake_view(request, IntakeRequest.Kind.CONTACT)


@never_cache
@require_http_methods(["GET"])
def thanks(request, kind):
    """The confirmation: what happens next, and the reference if this browser just sent one."""
    response = render(
        request,
        "intake/thanks.html",
        {"kind": kind, "reference": _reference_from(request, kind)},
    )
    response["Referrer-Policy"] = "no-referrer"  # the signed reference stays on this page
    return response
