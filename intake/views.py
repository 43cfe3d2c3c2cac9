"""The public call-back and contact forms.

Nothing a person types is ever put in a URL or a log line; the views are
wrapped in ``sensitive_post_parameters`` so that an error report cannot
show it either. Every response carries ``Cache-Control: no-store``.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from intake.antispam import (
    HONEYPOT_FIELD,
    count_use,
    hit_rate_limit,
    issue_form_token,
    looks_automated,
    over_limit,
    read_form_token,
)
from intake.forms import CallbackForm, ContactForm, clean_source_path
from intake.models import IntakeRequest
from intake.services import submit_intake_request
from wellness_site.clientip import client_ip
from wellness_site.pagecache import cached_until_content_changes

logger = logging.getLogger(__name__)

FORMS = {
    IntakeRequest.Kind.CALLBACK: (CallbackForm, "intake/callback.html", "callback_thanks"),
    IntakeRequest.Kind.CONTACT: (ContactForm, "intake/contact.html", "contact_thanks"),
}


def _referring_path(request):
    """The page on this site the visitor came from, path only."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    return clean_source_path(referer.path)


# Stand-ins for what differs between visitors, replaced in the cached page.
_HOLES = {
    "form_token": "FormTokenHole7c1e",
    "source_path": "SourcePathHole7c1e",
    "csrf_token": "CsrfTokenHole7c1e",
}


def _blank_form_page(request, kind, form_class, template):
    """The empty form page, rendered once per content change, with holes for tokens.

    Rendering the form is most of a form page's cost; every visitor's copy
    differs only in its one-time form token, its CSRF token and the page they
    came from, which are put into the holes.
    """

    def make():
        form = form_class(
            initial={"form_token": _HOLES["form_token"], "source_path": _HOLES["source_path"]}
        )
        return render_to_string(
            template, {"form": form, "csrf_token": _HOLES["csrf_token"]}, request
        )

    html = cached_until_content_changes(f"intake:blank-form:{kind}", make)
    for name, value in (
        ("form_token", issue_form_token()),
        ("source_path", _referring_path(request)),
        ("csrf_token", get_token(request)),
    ):
        html = html.replace(_HOLES[name], escape(value))
    return HttpResponse(html)


def _too_many(request):
    return render(request, "429.html", status=429)


def _intake_view(request, kind):
    form_class, template, thanks = FORMS[kind]
    if request.method == "GET":
        return _blank_form_page(request, kind, form_class, template)

    reason = looks_automated(request.POST)
    if reason:
        # The same answer a person gets: a script learns nothing from it.
        logger.info("intake post dropped (%s)", reason)
        return _see_other(thanks)
    if hit_rate_limit("ip", client_ip(request), settings.INTAKE_RATE_LIMIT_PER_IP):
        logger.warning("intake rate limit reached for a client address")
        return _too_many(request)
    form = form_class(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form})
    data = form.cleaned_data
    phone = data.get("phone", "")
    # Counted per request made, not per post: a resent form is not a new request.
    if over_limit("phone", phone, settings.INTAKE_RATE_LIMIT_PER_PHONE):
        logger.warning("intake rate limit reached for a phone number")
        return _too_many(request)
    fields = {
        name: data[name]
        for name in form.fields
        if name not in ("form_token", HONEYPOT_FIELD) and name in data
    }
    _, created = submit_intake_request(
        form_token=read_form_token(data["form_token"]).id, kind=kind, **fields
    )
    if created and phone:
        count_use("phone", phone)
    return _see_other(thanks)


def _see_other(url_name):
    """303: the browser fetches the thank-you page with GET, so a reload sends nothing."""
    response = redirect(url_name)
    response.status_code = 303
    return response


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def callback(request):
    return _intake_view(request, IntakeRequest.Kind.CALLBACK)


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def contact(request):
    return _intake_view(request, IntakeRequest.Kind.CONTACT)


@never_cache
@require_http_methods(["GET"])
def thanks(request, kind):
    return render(request, "intake/thanks.html", {"kind": kind})
