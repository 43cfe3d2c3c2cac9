"""Our own deployment checks: `manage.py check --deploy` warns of an unsafe setting."""

from django.core.checks import Warning as CheckWarning
from django.core.checks import run_checks


def _ours(**kwargs):
    return [
        message
        for message in run_checks(**kwargs)
        if message.id and message.id.startswith("wellness.")
    ]


def test_two_factor_off_in_production_is_a_deploy_warning(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = False
    messages = _ours(include_deployment_checks=True)
    assert [message.id for message in messages] == ["wellness.W001"]
    assert isinstance(messages[0], CheckWarning)
    assert "TWO_FACTOR_REQUIRED" in messages[0].msg


def test_two_factor_on_in_production_is_not_warned_about(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = True
    assert _ours(include_deployment_checks=True) == []


def test_two_factor_off_for_local_development_is_not_warned_about(settings):
    settings.DEBUG = True
    settings.TWO_FACTOR_REQUIRED = False
    assert _ours(include_deployment_checks=True) == []


def test_the_warning_is_for_deployment_checks_only(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = False
    assert _ours() == []


def test_rate_limits_sharing_the_page_cache_redis_is_a_deploy_warning(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = True
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    settings.RATELIMIT_REDIS_URL = ""
    assert [m.id for m in _ours(include_deployment_checks=True)] == ["wellness.W002"]
    settings.RATELIMIT_REDIS_URL = "redis://cache.internal:6380/0"
    assert _ours(include_deployment_checks=True) == []
