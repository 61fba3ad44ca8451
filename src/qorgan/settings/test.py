"""Settings for the test suite: the database comes from DATABASE_URL (SQLite by default)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-any-real-use"  # noqa: S105
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # fast; argon2 is tested explicitly
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = Path(tempfile.gettempdir()) / "qorgan-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
BLIND_INDEX_KEY = "test-only-blind-index-key"
# Fixed Fernet keys for the tests only (the second one stands for a retired key).
FIELD_ENCRYPTION_KEYS = [
    "vW2pQ0aZcQm1nH1dWQ6oVf3bq0k8mB6cYQm3dA7X1bE=",
    "Jm8u4g3ZkqY9v0pT2wQ7eR5tY1uI3oP6aS8dF0gH2jK=",
]

# The suite sends many reports from one test client within a minute; the flood limits are
# tested with their own low values (portal/tests/test_floods.py).
PORTAL_REPORTS_PER_CLIENT_PER_MINUTE = 100_000
PORTAL_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE = 100_000
PORTAL_REPORTS_PER_MINUTE = 100_000
PORTAL_RECEIPT_CHECKS_PER_MINUTE = 100_000

# The SQLite test database is an in-memory one shared between threads (live_server), whose
# table locks do not wait: IMMEDIATE transactions would fail at once there instead of waiting.
# The embedded file database keeps IMMEDIATE (tested in core/tests/test_audit.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)  # noqa: F405
