"""The audit signer's profile (``qorgan audit_checkpoint``, deploy/qorgan-audit-checkpoint.service).

The signer runs as its own operating-system user with its own environment file: a database
role that may only read the two audit tables, the private key file and the checkpoint file. It
needs none of the application's secrets (no field or blind-index keys, no secret key), so that
holding the signing key gives no way into the personal data, and the application's secrets give
no way to the signing key.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_CHECKPOINT_FILE, AUDIT_SIGNING_KEY_FILE, SECRET_KEY

DEBUG = False
# Nothing is signed with it (no sessions, no forms): a throw-away value when none is given.
SECRET_KEY = SECRET_KEY or secrets.token_urlsafe(50)
if not AUDIT_SIGNING_KEY_FILE or not AUDIT_CHECKPOINT_FILE:
    raise ImproperlyConfigured(
        "The audit signer needs QORGAN_AUDIT_SIGNING_KEY_FILE and QORGAN_AUDIT_CHECKPOINT_FILE."
    )
