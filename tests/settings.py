"""Test settings: the production settings, with what a test run needs.

The suite runs with DEBUG off, as production does; only what cannot work in
a test process is changed here.
"""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client speaks plain HTTP; HTTPS behaviour is tested with secure=True.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SITE_URL", "https://wellness.example")
# Not the default, so that a hard-coded /admin/ anywhere shows up as a failure.
os.environ.setdefault("ADMIN_URL", "office/")
# Playwright's synchronous API keeps an event loop in the test thread, which
# Django would otherwise take for async code and refuse database access.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from wellness_site.settings import *  # noqa: F403

# Hashing passwords slowly on purpose is for production, not for tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the source folders: the hashed, compressed build
# made by collectstatic is tested on its own (tests/site/test_static_files.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
