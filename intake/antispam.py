"""Telling people from scripts without a third-party CAPTCHA, and rate limits.

The rule everywhere here: a post a person could have sent is either saved or
shown back to them with what they typed and what to do. Only the honeypot
drops a post silently.

- A one-time form token, signed, naming its form and the moment the form was
  shown. A missing, forged or other form's token is refused and the form is
  shown back with a fresh one; so is a form open longer than a day. A form
  sent faster than a person types is saved and flagged for staff: autofill
  and password managers make fast people common. The token's UUID also
  makes a resent form create nothing new.
- A honeypot field that people never see and autofill never fills; scripts
  fill it.
- Counters in Django's cache (shared by every app server in production)
  limit saved requests per client address and per phone number. Keys are
  HMACs, so the cache never holds a phone number or an address in the clear.
"""

import enum
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import caches

_TOKEN_SALT = "intake.form-token"  # noqa: S105  (a salt, not a secret)
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
# The honeypot's name and autocomplete value: no word autofill or a password
# manager maps to anything (not "website", "url", "email", "name"...), so a
# person's browser never fills it; scripts that fill every field do.
HONEYPOT_FIELD = "hp_z7q"
HONEYPOT_AUTOCOMPLETE = "off"


def issue_form_token(kind, now=None):
    """A signed token for one showing of the ``kind`` form ("callback" or "contact")."""
    now = int(now if now is not None else time.time())
    return signing.Signer(salt=_TOKEN_SALT).sign(f"{kind}:{uuid.uuid4()}:{now}")


@dataclass(frozen=True)
class FormToken:
    kind: str
    id: uuid.UUID
    issued_at: int

    def age(self, now=None):
        return (now if now is not None else time.time()) - self.issued_at


def read_form_token(value, kind):
    """The token's id and time, or ``None`` if missing, forged, malformed or another form's."""
    try:
        raw = signing.Signer(salt=_TOKEN_SALT).unsign(value or "")
        token_kind, token_id, issued_at = raw.split(":")
        token = FormToken(token_kind, uuid.UUID(token_id), int(issued_at))
    except (signing.BadSignature, ValueError):
        return None
    return token if token.kind == kind else None


class Verdict(enum.Enum):
    PERSON = "person"
    FAST = "fast"  # saved, and flagged for staff
    HONEYPOT = "honeypot"  # dropped silently: the only such case
    REFUSED = "refused"  # shown back with a fresh token
    EXPIRED = "expired"  # shown back with a fresh token


def judge_post(post, kind, now=None):
    """What to do with a post of the ``kind`` form, and its token if it has a valid one."""
    if post.get(HONEYPOT_FIELD):
        return Verdict.HONEYPOT, None
    token = read_form_token(post.get("form_token"), kind)
    if token is None:
        return Verdict.REFUSED, None
    age = token.age(now)
    if age > MAX_FORM_AGE_SECONDS:
        return Verdict.EXPIRED, token
    if age < settings.INTAKE_MIN_FILL_SECONDS:
        return Verdict.FAST, token
    return Verdict.PERSON, token


def _origin_of(url):
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[": not an address, so not this site's
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def sent_from_this_site(request):
    """True unless the browser says the post came from another site.

    These two anonymous forms take no cookie, so Django's CSRF check cannot
    run on them; this check, with the signed one-time form token, stands in
    for it (SECURITY.md explains why that is sound). Every browser sends
    ``Origin`` with a POST; "null" (a sandboxed or privacy-stripped origin)
    counts as foreign. Without ``Origin``, ``Referer`` decides. A post with
    neither does not come from a browser, so it cannot be a forged request
    ridden on a visitor's browser, and the form token alone applies.
    """
    ours = {f"{request.scheme}://{request.get_host()}".lower(), _origin_of(settings.SITE_URL)}
    ours.update(origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS)
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in ours
    referer = request.headers.get("Referer")
    if referer:
        return _origin_of(referer) in ours
    return True


def _counters():
    # Their own cache, which page traffic cannot evict (settings.CACHES).
    return caches[settings.RATE_LIMIT_CACHE_ALIAS]


def _key(kind, value):
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"intake:rate:{kind}:{digest[:32]}"


def count_use(kind, value, now=None):
    """Count one saved request for ``value`` in the current window; returns the count so far."""
    key = _key(kind, value)
    window = settings.INTAKE_RATE_LIMIT_WINDOW
    # When the window began, for "try again after ..." (kept as long as the count).
    counters = _counters()
    counters.add(key + ":since", int(now if now is not None else time.time()), timeout=window)
    counters.add(key, 0, timeout=window)
    try:
        return counters.incr(key)
    except ValueError:  # expired between add and incr
        counters.add(key, 1, timeout=window)
        return 1


def over_limit(kind, value, limit):
    """True if ``value`` has already made ``limit`` saved requests in this window."""
    return bool(value) and _counters().get(_key(kind, value), 0) >= limit


def retry_at(kind, value, now=None):
    """When the window that limits ``value`` ends, as a Unix time."""
    now = int(now if now is not None else time.time())
    since = _counters().get(_key(kind, value) + ":since")
    window = settings.INTAKE_RATE_LIMIT_WINDOW
    return (since + window) if since else now + window
