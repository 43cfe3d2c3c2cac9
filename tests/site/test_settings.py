"""Settings come from the environment, strictly, and production refuses unsafe values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wellness_site.env import env_bool, env_int, env_list, weak_secret_key_reason

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "Zq3-production-like-secret-key-with-plenty-of-entropy-8f2b1c9d"


@pytest.mark.parametrize("raw", ["true", "True", "1", "yes", "on"])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["false", "False", "0", "no", "off"])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is False


@pytest.mark.parametrize("raw", ["ture", "maybe", "2", "enabled"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", default=False)


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        env_int("COUNT", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "not set"),
        ("dev-default", "development default"),
        ("short", "shorter than 50"),
        ("a" * 60, "too repetitive"),
        ("django-insecure-" + GOOD_KEY, "django-insecure-"),
    ],
)
def test_weak_secret_keys_are_named(key, reason):
    assert reason in weak_secret_key_reason(key, {"dev-default"})


def test_strong_secret_key_passes():
    assert weak_secret_key_reason(GOOD_KEY, {"dev-default"}) is None


def _manage(*args, **env):
    """Run manage.py in a fresh process with exactly the given settings variables."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL")}
    base["DJANGO_SETTINGS_MODULE"] = "wellness_site.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "www.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://www.example.org",
}


def test_production_refuses_missing_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is unsafe for production: it is not set" in result.stderr


def test_production_refuses_development_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "it is the development default" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "Set the ALLOWED_HOSTS environment variable" in result.stderr


def test_a_misspelt_boolean_stops_the_site():
    result = _manage("check", **{**PRODUCTION, "DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_deploy_check_with_production_values_prints_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_mode_starts_without_any_variable():
    result = _manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_templates_are_cached_outside_debug():
    loaders = settings.TEMPLATES[0]["OPTIONS"]["loaders"]
    assert loaders[0][0] == "django.template.loaders.cached.Loader"


def _database_settings(**env):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = _manage("shell", "-v", "0", "-c", code, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    engine, name, max_age, checks = _database_settings(
        DATABASE_URL="postgres://user:pw@db.internal:5432/wellness"
    )
    assert (engine, name) == ("wellness_site.db.postgresql", "wellness")
    assert (max_age, checks) == ("600", "True")


def test_without_database_url_the_site_uses_a_sqlite_file():
    base = {k: v for k, v in os.environ.items()}
    try:
        os.environ.pop("DATABASE_URL", None)
        engine, name, _, _ = _database_settings()
    finally:
        os.environ.clear()
        os.environ.update(base)
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")


def test_security_headers_on_an_https_response(client, demo_data):
    response = client.get("/privacy/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
