"""Site-wide middleware."""

import logging
import re
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse

LIVENESS_PATH = "/health/live/"
READINESS_PATH = "/health/ready/"
logger = logging.getLogger(__name__)
SESSION_LOGIN_AT = "_login_at"
SESSION_SEEN_AT = "_seen_at"


def _plain(text, status):
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer load-balancer probes before anything else runs.

    Liveness touches nothing: it says the process can serve. Readiness asks
    the database for ``SELECT 1`` and answers 503 when it cannot. Both answer
    whatever the Host header says, because probes come by IP address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH:
            return _plain("ok\n", 200)
        if request.path == READINESS_PATH:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except DatabaseError:
                return _plain("database unavailable\n", 503)
            return _plain("ready\n", 200)
        return self.get_response(request)


# C0 controls and DEL: no path, query string or header value can hold one.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# The same but for tab, which a pasted search or a header may carry.
_CONTROL_CHARACTERS_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ControlCharacterMiddleware:
    """Refuse, with the 400 page, control characters where none can be valid.

    PostgreSQL refuses any string holding NUL ("A string literal cannot
    contain NUL (0x00) characters"), so a NUL that reaches a query - a
    search, an admin list filter, a session key - is a 500 with a traceback.
    Rather than guard every view, form and admin filter, nothing carrying one
    gets past this point:

    - the path, the query string (names and values, as decoded) and header
      values: any C0 control character or DEL is a 400, but for a tab in the
      query string (a search pasted into a one-line box may carry one) or in
      a header (HTTP allows it there);
    - form bodies: NUL only, in names, values and file names. Text areas hold
      line breaks and tabs, and the forms' own validators answer other
      control characters with a message next to the field, keeping what was
      typed;
    - cookies: one holding a control character is dropped, never a 400. A
      browser keeps a corrupt cookie, and its visitor must still be able to
      read the site; a dropped session cookie is simply no session.

    The 400 page is never stored by a cache: the same URL without the bad
    header is a good request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._drop_bad_cookies(request)
        if self._refused(request):
            from wellness_site.views import _error_page

            response = _error_page("400.html", 400)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

    @staticmethod
    def _drop_bad_cookies(request):
        cookies = request.COOKIES  # parsed once; what every later reader sees
        for name in [
            name
            for name, value in cookies.items()
            if _CONTROL_CHARACTERS.search(name) or _CONTROL_CHARACTERS.search(value)
        ]:
            del cookies[name]

    @staticmethod
    def _refused(request):
        if _CONTROL_CHARACTERS.search(request.path):
            return True
        for key, value in request.META.items():
            if (
                key.startswith("HTTP_")
                and key != "HTTP_COOKIE"  # cookies are dropped one by one, above
                and isinstance(value, str)
                and _CONTROL_CHARACTERS_BUT_TAB.search(value)
            ):
                return True
        for name, values in request.GET.lists():
            if any(_CONTROL_CHARACTERS_BUT_TAB.search(text) for text in (name, *values)):
                return True
        if request.method == "POST":
            for name, values in request.POST.lists():
                if any("\x00" in text for text in (name, *values)):
                    return True
            for name, uploads in request.FILES.lists():
                if any("\x00" in text for text in (name, *(f.name or "" for f in uploads))):
                    return True
        return False


class SecurityHeadersMiddleware:
    """The security headers Django has no setting for.

    Permissions-Policy switches off browser features no page uses;
    Cross-Origin-Resource-Policy stops other sites embedding our responses.
    Staff pages also tell search engines to keep out, without naming the
    admin path in robots.txt for anyone to read.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        if request.path.startswith(self.admin_prefix):
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's one policy built once per process.

    django-csp builds the header from the settings again for every response,
    about a tenth of what a kept page costs. No view here changes the policy
    and no page uses a nonce, so a response that carries none of django-csp's
    per-view settings, for a request that asked for no nonce, gets the policy
    built once; anything else goes through django-csp as before.
    """

    _PER_VIEW = (
        "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
        "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
    )  # fmt: skip

    def __init__(self, get_response):
        super().__init__(get_response)
        # Report-only, URL exclusions and DEBUG's exempt error pages vary the
        # header by request: then django-csp decides every time.
        self.policy = None
        if not (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
        ):
            self.policy = build_policy()

    def process_response(self, request, response):
        if (
            self.policy is None
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._PER_VIEW)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
        ):
            return super().process_response(request, response)
        response[HEADER] = self.policy
        # As django-csp does: a nonce asked for after the header is written
        # could not be in it, so asking is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class StaffSessionMiddleware:
    """End a signed-in session 30 minutes after its last request, or 8 hours after login.

    The session cookie's own age is the 8 hours, but a cookie can be kept;
    these limits are checked on the server, and logging out flushes the
    session from the store. Visitors without a session cookie are not
    touched (no session is read, so public pages stay cacheable).
    """

    # Refresh "last seen" at most once a minute, not on every request.
    SEEN_GRANULARITY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        now = int(time.time())
        session = request.session
        login_at = session.get(SESSION_LOGIN_AT, now)
        seen_at = session.get(SESSION_SEEN_AT, now)
        if (
            now - login_at > settings.SESSION_COOKIE_AGE
            or now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS
        ):
            logout(request)
            return
        if SESSION_LOGIN_AT not in session:
            session[SESSION_LOGIN_AT] = login_at
        if now - seen_at >= self.SEEN_GRANULARITY or SESSION_SEEN_AT not in session:
            session[SESSION_SEEN_AT] = now


def mark_session_start(sender, request, user, **kwargs):
    """user_logged_in receiver: the clock for both limits starts at login."""
    now = int(time.time())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives the friendly 503 page, not a 500.

    While PostgreSQL restarts or fails over, cached pages are still served
    (they need no database); anything else gets a page with the phone
    number and a Retry-After. Connections are health-checked before reuse,
    so requests succeed again as soon as the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("database unavailable: %s", type(exception).__name__)
            from wellness_site.views import database_unavailable

            return database_unavailable(request)
        return None
