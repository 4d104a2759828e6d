"""Settings, read from the environment with environs (see README, "Configuration")."""

from pathlib import Path

from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

DEBUG = env.bool("DEBUG", default=False)

# Development gets a fixed, obviously-unsafe key; production must provide its own.
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-change-me" if DEBUG else None)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "playground",
    "playground.sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "playground.context_processors.playground",
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_SAMESITE = "Lax"

# --- The API the playground talks to -------------------------------------------------
# Unset means the embedded sandbox, served by this same server under /sandbox.
PROXYSCRAPE_API_BASE = env.str("PROXYSCRAPE_API_BASE", default="").rstrip("/")
PROXYSCRAPE_LIVE_API_BASE = "https://api.proxyscrape.com"
API_CONNECT_TIMEOUT = env.float("API_CONNECT_TIMEOUT", default=5.0)
API_READ_TIMEOUT = env.float("API_READ_TIMEOUT", default=15.0)

# --- The embedded sandbox -------------------------------------------------------------
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=True)
# Seconds between a paid order and its subaccount (CONTRACT 5, "Processing").
SANDBOX_PROCESSING_DELAY = env.float("SANDBOX_PROCESSING_DELAY", default=0.8)
SANDBOX_SLOW_DELAY = env.float("SANDBOX_SLOW_DELAY", default=20.0)

# --- The user's token --------------------------------------------------------------------
# Fernet key (urlsafe base64, 32 bytes) for tokens kept in the session; separate from
# SECRET_KEY. Unset in development: derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEY = env.str("TOKEN_ENCRYPTION_KEY", default="")
TOKEN_TTL = env.int("TOKEN_TTL", default=8 * 60 * 60)  # seconds; the session ends with it

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "playground.redaction.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env.log_level("LOG_LEVEL", default="INFO")},
}

# --- Order tracking -----------------------------------------------------------------------
ORDER_POLL_INTERVAL = env.float("ORDER_POLL_INTERVAL", default=1.5)  # seconds
ORDER_POLL_PATIENCE = env.float("ORDER_POLL_PATIENCE", default=60.0)  # then "Keep waiting"
# Live mode only: 0 turns order placement off while status and balance keep working.
LIVE_ORDERING_ENABLED = env.bool("LIVE_ORDERING_ENABLED", default=True)
