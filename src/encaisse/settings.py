"""Django settings for Encaisse, read from the environment.

``ENCAISSE_HOME`` (default ``./var``) holds the embedded SQLite database, the
archive and the job queue; ``ENCAISSE_DATABASE_URL`` points at PostgreSQL in
production (``postgres://user@host:5432/name``). Tests run on SQLite unless
``ENCAISSE_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import csp.constants as csp
import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("ENCAISSE_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("ENCAISSE_DEBUG", "0") == "1"
SECRET_KEY = (
    os.environ.get("ENCAISSE_SECRET_KEY") or "encaisse-insecure-development-key-change-me-in-production"
)
ALLOWED_HOSTS = [
    h for h in os.environ.get("ENCAISSE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",  # back-office sign-in rate limiting (docs/security.md)
    "encaisse.ledger",
    "encaisse.banking",
    "encaisse.cashapp",
    "encaisse.billing",
    "encaisse.insights",
    "encaisse.web",
    "encaisse.delivery",
    "encaisse.cases",
    "encaisse.collections",
    "encaisse.webhooks",
    "encaisse.portal",
    "encaisse.payments",
    "ninja",  # serves the API docs page's scripts from its own static files, not a CDN
    "encaisse.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # static files (CSS, the htmx script) served by the app itself, in production mode too: no CDN, no web server to set up
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # last, as django-axes requires: it turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "encaisse.urls"
WSGI_APPLICATION = "encaisse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "encaisse.web.context.navigation",
            ],
        },
    },
]


def _database(url: str | None) -> dict[str, object]:
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "encaisse.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web app read while an import writes; IMMEDIATE takes the
        # write lock at BEGIN so that two writers queue instead of deadlocking.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;",
        }
    return config


DATABASES = {"default": _database(os.environ.get("ENCAISSE_DATABASE_URL"))}
_test_url = os.environ.get("ENCAISSE_TEST_DATABASE_URL")
if _test_url:
    DATABASES["default"] = _database(_test_url)
    DATABASES["default"]["TEST"] = {"NAME": dj_database_url.parse(_test_url)["NAME"] + "_encaisse_test"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch")]
# the customer portal's translations (compiled by `make install`: docs/portal.md)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic's target; WhiteNoise expects it to exist
# Serve straight from the apps' static folders (no collectstatic step for `make demo`).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("ENCAISSE_SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Security (docs/security.md): headers, HSTS, sign-in rate limiting, Content-Security-Policy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = int(os.environ.get("ENCAISSE_HSTS_SECONDS", str(365 * 24 * 3600)))
if os.environ.get("ENCAISSE_BEHIND_TLS_PROXY", "0") == "1":
    # the reverse proxy terminates TLS and says so; only set this when the proxy strips the header from clients
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username+IP before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "frame-ancestors": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
    }
}

# Imports
ENCAISSE_MAX_IMPORT_BYTES = int(os.environ.get("ENCAISSE_MAX_IMPORT_BYTES", str(512 * 1024 * 1024)))

# Jobs: huey on SQLite in ENCAISSE_HOME on one machine, Redis for many workers.
_redis = os.environ.get("ENCAISSE_REDIS_URL")
HUEY = {
    "huey_class": "huey.RedisHuey" if _redis else "huey.SqliteHuey",
    "name": "encaisse",
    "immediate": os.environ.get("ENCAISSE_JOBS_IMMEDIATE", "0") == "1",
    "results": False,
    **({"url": _redis} if _redis else {"filename": str(HOME / "jobs.sqlite3")}),
}

# E-mail: SMTP when ENCAISSE_SMTP_HOST is set; otherwise each message is written to a file in
# ENCAISSE_HOME/outbox, where a demo user can read it.
_smtp_host = os.environ.get("ENCAISSE_SMTP_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _smtp_host
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = str(HOME / "outbox")
EMAIL_HOST = _smtp_host or "localhost"
EMAIL_PORT = int(os.environ.get("ENCAISSE_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ENCAISSE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ENCAISSE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ENCAISSE_SMTP_STARTTLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("ENCAISSE_SMTP_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("ENCAISSE_SMTP_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("ENCAISSE_SMTP_FROM", "invoices@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Base of the links to invoices in e-mails (the customer portal); other delivery settings: docs/delivery.md.
ENCAISSE_PORTAL_URL = os.environ.get("ENCAISSE_PORTAL_URL", "http://127.0.0.1:8000")
# How long a portal sign-in link sent by e-mail works (docs/portal.md).
ENCAISSE_PORTAL_MAGIC_LINK_MINUTES = int(os.environ.get("ENCAISSE_PORTAL_MAGIC_LINK_MINUTES", "15"))
# Online payment through payment-service providers (docs/payments.md); a provider is offered only when configured.
# Webhook and return URLs are built on ENCAISSE_PORTAL_URL.
ENCAISSE_STRIPE_SECRET_KEY = os.environ.get("ENCAISSE_STRIPE_SECRET_KEY", "")
ENCAISSE_STRIPE_WEBHOOK_SECRET = os.environ.get("ENCAISSE_STRIPE_WEBHOOK_SECRET", "")
ENCAISSE_STRIPE_API_BASE = os.environ.get("ENCAISSE_STRIPE_API_BASE", "https://api.stripe.com")
ENCAISSE_MOLLIE_API_KEY = os.environ.get("ENCAISSE_MOLLIE_API_KEY", "")
ENCAISSE_MOLLIE_API_BASE = os.environ.get("ENCAISSE_MOLLIE_API_BASE", "https://api.mollie.com")
ENCAISSE_MOLLIE_WEBHOOK_SECRET = os.environ.get("ENCAISSE_MOLLIE_WEBHOOK_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ENCAISSE_LOG_LEVEL", "WARNING")},
}
