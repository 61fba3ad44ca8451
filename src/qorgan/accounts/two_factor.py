"""Two-factor sign-in: a TOTP authenticator app, and ten single-use backup codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

BACKUP_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator being set up (one per user), created on first need."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@dataclass(frozen=True)
class Confirmed:
    device: TOTPDevice
    backup_codes: list[str]


@transaction.atomic
def confirm_totp(user: User, token: str) -> Confirmed | None:
    """Confirm the authenticator with its first code; issue fresh backup codes (shown once)."""
    device = pending_totp(user)
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(BACKUP_CODES)]
    for code in codes:
        StaticToken.objects.create(device=backup, token=code)
    return Confirmed(device=device, backup_codes=codes)


def verify(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """A code from the authenticator, or a backup code (used up when used)."""
    token = token.strip().replace(" ", "").lower()
    if not token or len(token) > 20:
        return None
    # Six digits go to the authenticator, anything else to the backup codes: each device
    # slows down after a failure (django-otp throttling), so a mistyped code for one must not
    # lock the other.
    if token.isdigit():
        device = confirmed_totp(user)
        return device if device is not None and device.verify_token(token) else None
    for backup in StaticDevice.objects.devices_for_user(user, confirmed=True):
        if backup.verify_token(token):
            return backup
    return None
