"""Settings for the treatment-center site, read from the environment.

Every setting an operator may change is listed, with its default, in the
README's table of environment variables. Local development needs none of
them: ``make run`` sets ``DEBUG=true`` and uses SQLite. With ``DEBUG`` off
the site refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wellness_site.env import env_bool, env_int, env_list, env_str, weak_secret_key_reason

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Only ever acceptable with DEBUG on; production refuses it below.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if not DEBUG:
    reason = weak_secret_key_reason(SECRET_KEY, {DEVELOPMENT_SECRET_KEY})
    if reason:
        raise ImproperlyConfigured(
            f"SECRET_KEY is unsafe for production: {reason}. Set the SECRET_KEY "
            "environment variable to a long random value, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. Set the ALLOWED_HOSTS environment variable to the "
            "site's host names, separated by commas (for example www.example.org)."
        )

# The public origin used for canonical links, Open Graph tags and links in
# emails. Never derived from the request's Host header, which a client controls.
SITE_URL = env_str(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}",
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "content",
    "intake",
]

MIDDLEWARE = [
    # First, so load balancers get an answer before host validation or the
    # HTTPS redirect (they probe by IP address, over plain HTTP).
    "wellness_site.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An ETag from each page's bytes: a repeat visit gets 304 and no body.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which staff member made each article revision.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "wellness_site.urls"
WSGI_APPLICATION = "wellness_site.wsgi.application"

_template_loaders = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "content.context_processors.site",
            ],
            # Parsed templates are kept in memory in production; in DEBUG they
            # are read afresh so that edits show on reload.
            "loaders": _template_loaders
            if DEBUG
            else [("django.template.loaders.cached.Loader", _template_loaders)],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Reuse connections between requests, and check one is alive before
        # using it, so a database restart costs one failed check, not errors.
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "wellness-site",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names so files can be cached for a year; gzip and Brotli copies
    # made at collectstatic time so whitenoise serves them without work.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email. The console backend prints messages during development; production
# sends through the SMTP server named here.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Intake (call-back and contact requests) --------------------------------

# Staff addresses told that a request arrived (no personal data in the email).
INTAKE_NOTIFY_EMAILS = env_list("INTAKE_NOTIFY_EMAILS")
# Closed requests older than this are deleted by manage.py purge_intake_requests.
INTAKE_RETENTION_DAYS = env_int("INTAKE_RETENTION_DAYS", 90)
# How many proxies in front of the app append to X-Forwarded-For; the client
# address is read from there (wellness_site.clientip), never from the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Submissions allowed per window, per client address and per phone number.
INTAKE_RATE_LIMIT_PER_IP = env_int("INTAKE_RATE_LIMIT_PER_IP", 10)
INTAKE_RATE_LIMIT_PER_PHONE = env_int("INTAKE_RATE_LIMIT_PER_PHONE", 3)
INTAKE_RATE_LIMIT_WINDOW = env_int("INTAKE_RATE_LIMIT_WINDOW", 3600)
# Forms sent sooner than this many seconds after being shown are not a person.
INTAKE_MIN_FILL_SECONDS = env_int("INTAKE_MIN_FILL_SECONDS", 3)

# --- Security headers and cookies -------------------------------------------

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, trust it so that
# Django knows the request was HTTPS. Only turn on when the proxy overwrites it.
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Never serve a page over plain HTTP: a visitor's reading is private.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# HSTS: once seen, browsers refuse plain HTTP to us for a year, so no network
# on the way can downgrade a visit and watch which pages it reads.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is hard to undo, so it is an operator's explicit choice.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# nosniff: a file is only ever run as the type we declared, never guessed.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Leaving the site tells the next site nothing, not even which article was read.
SECURE_REFERRER_POLICY = "same-origin"
# No other site may frame ours (clickjacking on the forms).
X_FRAME_OPTIONS = "DENY"
# Pages opened from ours cannot reach back into this window.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Cookies travel only over HTTPS and never to scripts.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS preload; it is deliberately opt-in (above).
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request errors are logged with the path only; Django's default email
        # of full error reports to ADMINS is off (it could carry form data).
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
    },
}
