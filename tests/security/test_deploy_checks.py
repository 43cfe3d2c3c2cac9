"""Django's deployment checks and bandit, run as an operator or CI would."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _production_env():
    # Nothing from the test run's environment but what finds programs.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="wellness_site.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.example.org",
        CSRF_TRUSTED_ORIGINS="https://www.example.org",
    )
    return env


def test_check_deploy_finds_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_bandit_finds_nothing_above_low():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent)) or "bandit"
    result = subprocess.run(
        [bandit, "-q", "-c", "pyproject.toml", "-r", ".", "--severity-level", "medium"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
