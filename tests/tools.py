"""Real tools that some tests drive: skip where missing, but never in CI."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def tools_required():
    """CI sets TESTS_REQUIRE_TOOLS=true: a missing tool fails the run there."""
    return os.environ.get("TESTS_REQUIRE_TOOLS", "").lower() in ("1", "true", "yes")


def require(command, install_hint):
    """Return the path of ``command``, or skip (fail under CI) saying how to get it."""
    path = shutil.which(command)
    if path:
        return path
    message = f"{command} is not installed; install it with: {install_hint}"
    if tools_required():
        pytest.fail(message)
    pytest.skip(message)
