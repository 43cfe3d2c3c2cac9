"""System checks of our own settings, run by ``manage.py check`` (``--deploy`` for these).

Django's deployment checks know nothing of the second factor this site
requires of staff, or of the rate-limit counters that must not share the page
cache's Redis; either going wrong in production must not go unnoticed.
"""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def two_factor_required_in_production(app_configs, **kwargs):
    if settings.DEBUG or settings.TWO_FACTOR_REQUIRED:
        return []
    return [
        CheckWarning(
            "TWO_FACTOR_REQUIRED is off with DEBUG off: staff can sign in to the admin, "
            "and read every call-back request, with a password alone.",
            hint=(
                "Unset TWO_FACTOR_REQUIRED (it defaults to on whenever DEBUG is off) or "
                "set TWO_FACTOR_REQUIRED=true, and enrol each staff member's "
                "authenticator app (manage.py two_factor USER)."
            ),
            id="wellness.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def rate_limits_apart_from_pages(app_configs, **kwargs):
    if not settings.REDIS_URL or settings.RATELIMIT_REDIS_URL:
        return []
    return [
        CheckWarning(
            "The rate-limit counters share REDIS_URL with the page cache: a flood of page "
            "requests can evict them, and a limit already reached is then forgotten.",
            hint=(
                "Run a second Redis with maxmemory-policy noeviction "
                "(deploy/redis-ratelimit.conf) and set RATELIMIT_REDIS_URL to it."
            ),
            id="wellness.W002",
        )
    ]
