"""Telling people from scripts without a third-party CAPTCHA, and rate limits.

- A one-time form token, signed, carrying the moment the form was shown: a
  post without a valid token, sent faster than a person types, or from a
  form older than a day is a script (or a stale tab) and is dropped quietly.
  The token's UUID also makes a resent form create nothing new.
- A honeypot field that people never see (hidden by CSS) and scripts fill.
- Counters in Django's cache (shared by every app server in production)
  limit posts per client address and per phone number. Keys are HMACs, so
  the cache never holds a phone number or an address in the clear.
"""

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_TOKEN_SALT = "intake.form-token"  # noqa: S105  (a salt, not a secret)
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
# The honeypot's name and autocomplete value: no word autofill or a password
# manager maps to anything (not "website", "url", "email", "name"...), so a
# person's browser never fills it; scripts that fill every field do.
HONEYPOT_FIELD = "hp_z7q"
HONEYPOT_AUTOCOMPLETE = "off"


def issue_form_token(now=None):
    now = int(now if now is not None else time.time())
    return signing.Signer(salt=_TOKEN_SALT).sign(f"{uuid.uuid4()}:{now}")


@dataclass(frozen=True)
class FormToken:
    id: uuid.UUID
    issued_at: int

    def age(self, now=None):
        return (now if now is not None else time.time()) - self.issued_at


def read_form_token(value):
    """The token's id and time, or ``None`` if it is missing, forged or malformed."""
    try:
        raw = signing.Signer(salt=_TOKEN_SALT).unsign(value or "")
        token_id, issued_at = raw.split(":")
        return FormToken(uuid.UUID(token_id), int(issued_at))
    except (signing.BadSignature, ValueError):
        return None


def looks_automated(post, now=None):
    """Why a post is not from a person filling the form, or ``None``.

    The reasons are for tests and counters only; the visitor always sees the
    ordinary thank-you page, so a script learns nothing.
    """
    if post.get(HONEYPOT_FIELD):
        return "honeypot"
    token = read_form_token(post.get("form_token"))
    if token is None:
        return "bad-token"
    age = token.age(now)
    if age < settings.INTAKE_MIN_FILL_SECONDS:
        return "too-fast"
    if age > MAX_FORM_AGE_SECONDS:
        return "too-old"
    return None


def _key(kind, value):
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"intake:rate:{kind}:{digest[:32]}"


def count_use(kind, value):
    """Count one use of ``value`` in the current window; returns the count so far."""
    key = _key(kind, value)
    window = settings.INTAKE_RATE_LIMIT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def over_limit(kind, value, limit):
    """True if ``value`` has already been used ``limit`` times in this window."""
    return bool(value) and cache.get(_key(kind, value), 0) >= limit


def hit_rate_limit(kind, value, limit):
    """Count one use of ``value``; True once it has been used more than ``limit`` times."""
    return bool(value) and count_use(kind, value) > limit
