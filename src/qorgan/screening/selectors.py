"""Reads of screenings, scoped to what the user may see."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import Screening


def screenings_for(user: User) -> QuerySet[Screening]:
    """The screenings of the user's own organisation, if the user's role works with persons."""
    if not allowed("screening.create", user):
        return Screening.objects.none()
    return (
        Screening.objects.filter(organisation_id=user.organisation_id)
        .select_related("case", "screened_by_user")
        .prefetch_related("steps")
    )


def screening_for(
    user: User, screening_id: uuid.UUID | str, *, audited: bool = True
) -> Screening | None:
    """One screening the user may see, or None (also for an unknown or malformed id).
    Reading it reads the person's data (age, sex, citizenship, what was seen): audited."""
    try:
        key = uuid.UUID(str(screening_id))
    except ValueError:
        return None
    screening = screenings_for(user).filter(pk=key).first()
    if screening is not None and audited:
        audit.record(
            actor=user,
            action=AuditAction.READ,
            object_type="screening.Screening",
            object_id=screening.pk,
            fields=("request", "result"),
        )
    return screening
