"""The embedded default: SQLite under var/, no other service, safe defaults for one machine."""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import BLIND_INDEX_KEY, FIELD_ENCRYPTION_KEYS, SECRET_KEY, VAR_DIR
from .env import env_bool

VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("QORGAN_DEBUG", True)


def _persistent_secret(name: str) -> str:
    """A random secret kept in var/ so that restarts keep sessions; never a fixed default."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if not SECRET_KEY:
    SECRET_KEY = _persistent_secret("secret_key")

if not FIELD_ENCRYPTION_KEYS:
    # A random key for this machine's embedded database, kept beside it in var/.
    path = VAR_DIR / "field_key"
    if not path.exists():
        from cryptography.fernet import Fernet

        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    FIELD_ENCRYPTION_KEYS = [path.read_text().strip()]

if not BLIND_INDEX_KEY:
    BLIND_INDEX_KEY = _persistent_secret("blind_index_key")

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
