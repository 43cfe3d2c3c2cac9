"""Settings for the treatment-center site, read from the environment.

Every setting an operator may change is listed, with its default, in the
README's table of environment variables. Local development needs none of
them: ``make run`` sets ``DEBUG=true`` and uses SQLite. With ``DEBUG`` off
the site refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
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

# The admin lives at a path of the operator's choosing, so the login page is not
# where every scanner on the internet looks first. Obscurity is not the
# protection (two factors and lockout are); it just keeps the noise down.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # The stock admin, with a site that requires a second factor (admin_site.py).
    "wellness_site.apps.StaffAdminConfig",
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Background tasks (intake/tasks.py): Django's tasks API and its database queue.
    "django_tasks",
    "django_tasks_db",
    "wellness_site",
    "content",
    "center",
    "intake",
]

MIDDLEWARE = [
    # Outermost, so every response (health probes and static files included)
    # carries the Content-Security-Policy and the headers Django lacks.
    "wellness_site.middleware.SecurityHeadersMiddleware",
    "wellness_site.middleware.ContentSecurityPolicyMiddleware",
    # Before host validation and the HTTPS redirect: load balancers probe by
    # IP address, over plain HTTP.
    "wellness_site.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Control characters where none can be valid (NUL, which PostgreSQL
    # refuses, above all) get the 400 page before anything reads them: after
    # the security headers are set, before static files, the page cache and
    # sessions; cookies holding one are dropped, not refused.
    "wellness_site.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control for nginx and CDNs: public, briefly, on exactly what the
    # page cache below may keep, hits and misses alike; private otherwise.
    # Outside the sessions, so it sees every cookie set (http_cache.py).
    "wellness_site.http_cache.SharedCacheHeadersMiddleware",
    # A visitor's repeat of a public page is answered here, from the cache,
    # before sessions, CSRF or a view run (wellness_site/pagecache.py).
    "wellness_site.pagecache.PageCacheMiddleware",
    # A lost database connection in a view becomes the friendly 503 page.
    "wellness_site.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An ETag from each page's bytes: a repeat visit gets 304 and no body.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once a second factor was passed this session.
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions end when idle too long or too old, whatever the cookie says.
    "wellness_site.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which staff member made each article revision.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that looks at the socket instead of
    # sending SELECT 1 before each request's first query (its docstring says why).
    DATABASES["default"]["ENGINE"] = "wellness_site.db.postgresql"
# On PostgreSQL, the public pages' queries are prepared once per database
# session (wellness_site/compiled_queries.py). Off for a pooler in
# transaction mode, which hands each transaction a different session.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what app servers must share: whole pages, rate-limit
# counters, the center profile. REDIS_URL (redis://host:6379/0) makes it
# Redis, shared by every app server; without it each process keeps its own,
# which is right for one machine with one process (make run) only.
REDIS_URL = env_str("REDIS_URL")
# Rate-limit counters live apart from the pages, so that no flood of page
# requests can evict them: a second Redis, configured with
# "maxmemory-policy noeviction" (deploy/redis-ratelimit.conf). Without it they
# share REDIS_URL, and check --deploy warns.
RATELIMIT_REDIS_URL = env_str("RATELIMIT_REDIS_URL")


def _redis_cache(location, prefix):
    return {
        "BACKEND": "wellness_site.cache.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            # A dead or stuck Redis costs a cache call half a second at most,
            # and the circuit breaker in wellness_site.cache one per period.
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
        },
    }


if REDIS_URL:
    CACHES = {
        "default": _redis_cache(REDIS_URL, "wellness"),
        "ratelimit": _redis_cache(RATELIMIT_REDIS_URL or REDIS_URL, "wellness-rate"),
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "wellness-site",
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "wellness-rate",
        },
    }
RATE_LIMIT_CACHE_ALIAS = "ratelimit"

# Whole public pages kept this many seconds at most (0 turns it off); any
# content change makes them all stale at once. Off in DEBUG so template edits show.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600)
PAGE_CACHE_ALIAS = "default"

# Cache-Control on the pages the page cache may keep (wellness_site/http_cache.py,
# where each value is explained): browsers ask again on every visit (the ETag
# makes that a 304), shared caches (nginx, a CDN) keep a page a few seconds, so
# an approved correction shows within that; a shared cache may show its last
# copy for a day while no app server answers. Both lifetimes 0: no page is
# marked public. Off in DEBUG, like the page cache.
HTTP_CACHE_MAX_AGE = env_int("HTTP_CACHE_MAX_AGE", 0)
HTTP_CACHE_SHARED_MAX_AGE = env_int("HTTP_CACHE_SHARED_MAX_AGE", 0 if DEBUG else 5)
HTTP_CACHE_STALE_WHILE_REVALIDATE = env_int("HTTP_CACHE_STALE_WHILE_REVALIDATE", 30)
HTTP_CACHE_STALE_IF_ERROR = env_int("HTTP_CACHE_STALE_IF_ERROR", 86400)

AUTHENTICATION_BACKENDS = [
    # Refuses any login, right password or not, while the client address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
# Where manage.py write_offline_page puts the page nginx shows at the forms
# while no app server answers: beside the uploads, which nginx already reads.
OFFLINE_PAGE_DIR = env_str("OFFLINE_PAGE_DIR", str(Path(MEDIA_ROOT) / "offline"))
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
# Those emails (anything slow or outside our control) are tasks: queued in the
# database once the request is committed, run by the worker (manage.py
# db_worker), never in a visitor's request. No broker beyond PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
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
# Other sites cannot embed our responses (CORP; set in SecurityHeadersMiddleware).
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Browser features no page here uses are switched off for every page, so a
# script that got in could not ask for the camera, the location and so on.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Content-Security-Policy (django-csp): everything from our own origin, nothing
# inline, nothing from anywhere else. A script that got onto a page could not
# run, and could not send what it read to another host. No page needs an
# exception: the site and the admin use only external, same-origin files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Cookies travel only over HTTPS and never to scripts. The __Host- prefix makes
# the browser refuse a cookie of that name unless it is Secure, set by this
# exact host and for the whole site, so a sibling subdomain cannot plant one.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Admin messages ("The article was changed") ride in the staff session, not
# in a cookie of their own; public pages show none.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Staff accounts ----------------------------------------------------------

# A second factor (an authenticator app, or a single-use backup code) is
# required for every admin login whenever DEBUG is off.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
# The name authenticator apps show beside the user name: the site's host.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", urlsplit(SITE_URL).hostname or "staff")
# The admin never shows an enrolled device's secret or QR code again.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sessions: at most 8 hours from login, and 30 minutes without a request.
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_MAX_SECONDS", 8 * 3600)
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

# Lockout (django-axes): 5 failed logins from one client address, whatever
# names they tried, lock that address for 15 minutes. There is deliberately no
# lock on a user name alone: anyone could then keep its owner out, right
# password and code in hand, by failing against the name from anywhere. A
# password guessed from many addresses is still not enough: every failure gets
# the same answer, and the second factor is needed too (SECURITY.md). The
# address is read exactly as for the intake rate limits, so a forged
# X-Forwarded-For neither escapes nor aims a lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "wellness_site.clientip.client_ip"
# A sign-in forgets only that person's own failures at that address
# (wellness_site.admin_site.forgive_own_failures), never the address's.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Failed logins are kept in the database (for superusers to see), not logged.
AXES_VERBOSE = False

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS preload; it is deliberately opt-in (above).
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# security.txt (RFC 9116): where to report a vulnerability, and until when that
# address is promised to be read. Without SECURITY_TXT_EXPIRES the file says
# 180 days from the day it is served.
SECURITY_CONTACT = env_str("SECURITY_CONTACT")
SECURITY_TXT_EXPIRES = None
if env_str("SECURITY_TXT_EXPIRES"):
    try:
        SECURITY_TXT_EXPIRES = datetime.fromisoformat(env_str("SECURITY_TXT_EXPIRES"))
    except ValueError:
        raise ImproperlyConfigured(
            "SECURITY_TXT_EXPIRES must be an ISO 8601 date, for example 2027-06-30."
        ) from None

# Error reports (what Django shows in DEBUG and would email to ADMINS) carry no
# form values and no local variables: every POST here is intake or staff data.
DEFAULT_EXCEPTION_REPORTER_FILTER = "wellness_site.errors.PrivateExceptionReporterFilter"

# Logs: one JSON object a line on stdout, for whatever collects them. Records
# carry the path, never a query string, form value or client address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_query_strings": {"()": "wellness_site.logs.DropQueryStrings"},
    },
    "formatters": {
        "json": {"()": "wellness_site.logs.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["no_query_strings"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request errors are logged with the path only; Django's default email
        # of full error reports to ADMINS is off (it could carry form data).
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # django-axes reports every login at INFO; lockouts are its warnings.
        "axes": {"level": "WARNING"},
    },
}
