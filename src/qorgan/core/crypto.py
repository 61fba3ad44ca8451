"""Encryption of personal data at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

Keys come from settings.FIELD_ENCRYPTION_KEYS (QORGAN_FIELD_KEYS): the first key encrypts,
every key decrypts, so a new key can be put first and old data re-encrypted at leisure.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(ValueError):
    """A stored value cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("No field encryption key: set QORGAN_FIELD_KEYS.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "QORGAN_FIELD_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes each)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError(
            "a stored value cannot be decrypted with the configured keys"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def blind_index(purpose: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256) for exact look-up of an encrypted value.

    Without the key (settings.BLIND_INDEX_KEY, QORGAN_BLIND_INDEX_KEY) the index tells
    nothing about the value; ``purpose`` keeps indexes of different fields apart.
    """
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("No blind index key: set QORGAN_BLIND_INDEX_KEY.")
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
