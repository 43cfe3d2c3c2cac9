"""Strict readers for settings taken from the environment.

A value that cannot be understood is an error at start-up, never a silent
default: ``DEBUG=ture`` must not quietly mean ``False`` (or ``True``).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {raw!r}).")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None


def env_list(name, default=()):
    """A comma-separated list; blanks around and between items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def weak_secret_key_reason(key, known_defaults):
    """Why ``key`` is unfit for production, or ``None`` if it is fine.

    Mirrors the rule behind Django's ``security.W009`` so that a key that
    passes here also passes ``check --deploy``.
    """
    if not key:
        return "it is not set"
    if key in known_defaults:
        return "it is the development default"
    if len(key) < 50 or len(set(key)) < 5:
        return "it is shorter than 50 characters or too repetitive"
    if key.startswith("django-insecure-"):
        return "it starts with 'django-insecure-'"
    return None
