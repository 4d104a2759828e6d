"""Settings for the test suite: the production settings with test-only overrides."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("TOKEN_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMhISE=")
# Live-server tests talk plain HTTP on loopback.
os.environ.setdefault("SECURE_COOKIES", "0")

from playground.settings import *  # noqa: E402,F403
from playground.settings import BASE_DIR, DATABASES, STORAGES  # noqa: E402

# Live-server tests run real threads against the database, so the test database must
# be a file (an in-memory SQLite database would be shared through one connection).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test run, so two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the source folders; nothing is collected for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
