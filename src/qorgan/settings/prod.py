"""Production profile: refuses to start unless it is configured safely."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, BLIND_INDEX_KEY, DATABASE_URL, FIELD_ENCRYPTION_KEYS, SECRET_KEY
from .env import env_bool, env_int

DEBUG = env_bool("QORGAN_DEBUG", False)

_KNOWN_UNSAFE_SECRETS = {
    "",
    "change-me",
    "changeme",
    "secret",
    "test-only-secret-key-not-for-any-real-use",
}

if DEBUG:
    raise ImproperlyConfigured("QORGAN_DEBUG must be off in production.")
if (
    SECRET_KEY in _KNOWN_UNSAFE_SECRETS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 40
):
    raise ImproperlyConfigured(
        "QORGAN_SECRET_KEY must be set to a random value of at least 40 characters."
    )
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("QORGAN_FIELD_KEYS must hold at least one encryption key.")
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured(
        "QORGAN_BLIND_INDEX_KEY must be set to a random value of at least 32 characters."
    )
if DATABASE_URL.startswith("sqlite"):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("QORGAN_ALLOWED_HOSTS must name the hosts, not '*'.")

SECURE_SSL_REDIRECT = env_bool("QORGAN_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("QORGAN_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
