"""Settings, read from the environment with environs (see README, "Configuration")."""

import logging
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

DEBUG = env.bool("DEBUG", default=False)


def required_outside_debug(name: str, dev_default: str) -> str:
    """A secret: a fixed development value under DEBUG, a clear error without it otherwise."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"The environment variable {name} is required when DEBUG is off. "
        f"See README, \"Deploying for your team\".")


SECRET_KEY = required_outside_debug("SECRET_KEY", "dev-insecure-key-change-me")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: cookies are Secure outside DEBUG; HSTS and the redirect are opt-in, for a deployment
# that terminates TLS (directly or at a proxy that sets X-Forwarded-Proto).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The URL prefix the app lives under, from configuration only: a request's SCRIPT_NAME
# (which gunicorn would take from a header, see gunicorn.conf.py) is never trusted.
FORCE_SCRIPT_NAME = env.str("FORCE_SCRIPT_NAME", default="").rstrip("/")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): this origin only, no inline code without a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Who may use the playground: "none" (anyone who reaches it), "login" (Django accounts),
# or "remote-user" (a trusted header from an SSO reverse proxy; honoured in that mode only).
PLAYGROUND_AUTH = env.str("PLAYGROUND_AUTH", default="none")
if PLAYGROUND_AUTH not in ("none", "login", "remote-user"):
    raise ImproperlyConfigured(
        f"PLAYGROUND_AUTH must be none, login or remote-user, not {PLAYGROUND_AUTH!r}.")
REMOTE_USER_HEADER = env.str("REMOTE_USER_HEADER", default="X-Forwarded-User")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before the others
    "django.contrib.auth.backends.ModelBackend",
    "django.contrib.auth.backends.RemoteUserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "playground:index"
LOGOUT_REDIRECT_URL = "playground:index"
# Failed sign-ins (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name
# from one client address, that pair is refused for LOGIN_COOLOFF_MINUTES, with a page
# saying so (429). The address is REMOTE_ADDR, never a client-set header.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "playground.web.access.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "playground.web.access.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in; failures clean themselves

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_countries",
    "csp",
    "playground",
    "playground.sandbox",
    "axes",
]

MIDDLEWARE = [
    "playground.web.logs.RequestLogMiddleware",
    "playground.web.access.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages and fragments (with Django's BREACH mitigation); WhiteNoise serves
    # static files pre-compressed.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "playground.web.policy.BuiltOnceCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "playground.web.access.RemoteUserMiddleware",
    "playground.web.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "playground.web.charsets.RequestCharsetMiddleware",  # last: before any view reads a form
]

ROOT_URLCONF = "playground.urls"
WSGI_APPLICATION = "playground.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "playground.web.context_processors.playground",
            ],
        },
    },
]

# Form widgets render through TEMPLATES, so templates/ can hold widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite by default: WAL, IMMEDIATE transactions and a busy timeout, so concurrent
# writers wait for each other instead of failing with "database is locked".
DATABASES = {
    "default": env.dj_db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Keep connections between requests (each server thread has its own): opening one, and for
# SQLite running its PRAGMAs, cost more than a status poll's own work.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Fingerprinted files are cached "forever" by WhiteNoise; anything else for a year.
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60

SESSION_COOKIE_HTTPONLY = True
# Database sessions with a cheaper load (playground/web/sessions.py).
SESSION_ENGINE = "playground.web.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
# Seconds between two deletions of expired sessions, done when a session is made.
SESSION_SWEEP_INTERVAL = env.int("SESSION_SWEEP_INTERVAL", default=15 * 60)
# Retention, applied by the server itself on writes (playground/retention.py): history
# older than this many days (0 keeps it all), at most every RETENTION_SWEEP_INTERVAL s.
HISTORY_RETENTION_DAYS = env.int("HISTORY_RETENTION_DAYS", default=90)
RETENTION_SWEEP_INTERVAL = env.int("RETENTION_SWEEP_INTERVAL", default=15 * 60)

# --- The API the playground talks to -------------------------------------------------
# Unset means the embedded sandbox, served by this same server under /sandbox.
PROXYSCRAPE_API_BASE = env.str("PROXYSCRAPE_API_BASE", default="").rstrip("/")
API_CONNECT_TIMEOUT = env.float("API_CONNECT_TIMEOUT", default=5.0)
API_READ_TIMEOUT = env.float("API_READ_TIMEOUT", default=15.0)
# Seconds one call to the API may take in all (a trickling answer ends there), and the most
# of an answer that is read (the rest is never fetched).
API_DEADLINE = env.float("API_DEADLINE", default=30.0)
API_MAX_RESPONSE_BYTES = env.int("API_MAX_RESPONSE_BYTES", default=4 * 1024 * 1024)

# --- The embedded sandbox -------------------------------------------------------------
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
# Seconds between a paid order and its subaccount (CONTRACT 5, "Processing").
SANDBOX_PROCESSING_DELAY = env.float("SANDBOX_PROCESSING_DELAY", default=0.8)
SANDBOX_SLOW_DELAY = env.float("SANDBOX_SLOW_DELAY", default=20.0)
# Seconds every sandbox API answer waits first: a slow upstream for benchmarks.
SANDBOX_RESPONSE_DELAY = env.float("SANDBOX_RESPONSE_DELAY", default=0.0)
# The sandbox keeps the newest this many orders (all accounts); older finished ones go
# (playground/sandbox/retention.py). 0 keeps them all.
SANDBOX_ORDER_LIMIT = env.int("SANDBOX_ORDER_LIMIT", default=10_000)
# The journal of calls to the sandbox API (playground/sandbox/journal.py): on or off, the
# newest this many entries kept per sandbox, and the most bytes of a request or response
# body each entry keeps.
SANDBOX_JOURNAL = env.bool("SANDBOX_JOURNAL", default=True)
SANDBOX_JOURNAL_LIMIT = env.int("SANDBOX_JOURNAL_LIMIT", default=1000)
SANDBOX_JOURNAL_BODY_BYTES = env.int("SANDBOX_JOURNAL_BODY_BYTES", default=64 * 1024)
# The longest delay an armed latency fault may add (playground/sandbox/chaos.py).
SANDBOX_FAULT_MAX_LATENCY = env.float("SANDBOX_FAULT_MAX_LATENCY", default=10.0)

# Error reports (admin e-mails, debug pages) never show a token.
DEFAULT_EXCEPTION_REPORTER_FILTER = "playground.redaction.SafeReporterFilter"

# --- The user's token --------------------------------------------------------------------
# Fernet key (urlsafe base64, 32 bytes) for tokens kept in the session; separate from
# SECRET_KEY. Unset in development: derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEY = required_outside_debug("TOKEN_ENCRYPTION_KEY", "")
TOKEN_TTL = env.int("TOKEN_TTL", default=8 * 60 * 60)  # seconds; the session ends with it

# Logs: one JSON object per line by default (text under DEBUG), tokens redacted.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "playground.redaction.RedactTokensFilter"},
        "request_context": {"()": "playground.web.logs.RequestContextFilter"},
    },
    "formatters": {
        "json": {"()": "playground.web.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context", "redact_tokens"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
    },
    "root": {"handlers": ["console"], "level": env.log_level("LOG_LEVEL", default=logging.INFO)},
    "loggers": {
        # The request log line replaces Django's own per-request lines.
        "django.server": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Order tracking -----------------------------------------------------------------------
ORDER_POLL_INTERVAL = env.float("ORDER_POLL_INTERVAL", default=1.5)  # seconds
ORDER_POLL_PATIENCE = env.float("ORDER_POLL_PATIENCE", default=60.0)  # then "Keep waiting"
# Live mode only: 0 turns order placement off while status and balance keep working.
LIVE_ORDERING_ENABLED = env.bool("LIVE_ORDERING_ENABLED", default=True)
# Live mode only: orders one user (or browser session) may place per minute.
ORDER_RATE_LIMIT = env.int("ORDER_RATE_LIMIT", default=10)
