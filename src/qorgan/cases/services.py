"""Writes to cases."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from qorgan.accounts.models import User
from qorgan.directory.models import Organisation

from .models import Case

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        reference = f"Q{year}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if not Case.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def open_case(*, organisation: Organisation, by: User) -> Case:
    """Open a case at ``organisation``: status detected. The reference is random, not a counter,
    so that it tells nothing about how many cases an organisation has."""
    return Case.objects.create(reference=_new_reference(), organisation=organisation, created_by=by)
