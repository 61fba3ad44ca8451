"""Writes about users: the first administrator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from .models import User
from .roles import Role


@dataclass(frozen=True)
class FirstAdministrator:
    username: str
    one_time_password: str


@transaction.atomic
def ensure_first_administrator(*, username: str = "admin") -> FirstAdministrator | None:
    """Create the first administrator with a random one-time password, if there is no user yet.

    Returns the credentials to print once, or None when users already exist. The password is
    never fixed and must be changed at the first sign-in.
    """
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(
        username=username,
        email="",
        password=password,
        role=Role.ADMINISTRATOR,
        must_change_password=True,
    )
    return FirstAdministrator(username=username, one_time_password=password)
