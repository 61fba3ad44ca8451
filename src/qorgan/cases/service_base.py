"""What the case services share: permission checks, messages, references, versions."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role

from . import workflow
from .models import (
    Case,
    CaseStatus,
)

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
PERSON_TEXT_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "phone",
    "address",
    "legal_representative",
)
PERPETRATOR_ROLES = (
    "recruiter_or_intermediary",
    "transporter",
    "harbourer",
    "exploiter",
    "controller",
    "broker_travel_agent",
    "kidnapper",
    "abuser",
    "other",
)


class ConcurrentEditError(Exception):
    """Someone else changed the case since this edit started; nothing was saved."""


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _require(rule: str, user: User, obj: Any, message: str) -> None:
    if not allowed(rule, user, obj):
        raise _deny(message)


def _date_of_birth_error(message: str) -> str:
    """``identity`` is pure (no Django) and raises English messages: translate the known ones."""
    known = {
        "write the date of birth as YYYY-MM-DD, or YYYY if only the year is known": _(
            "write the date of birth as YYYY-MM-DD, or YYYY if only the year is known"
        ),
        "this date of birth does not exist": _("this date of birth does not exist"),
        "the date of birth must be in the past and not more than 130 years ago": _(
            "the date of birth must be in the past and not more than 130 years ago"
        ),
    }
    return known.get(message, message)


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def _transition_message(error: workflow.TransitionError) -> str:
    """The workflow's refusal in the user's language, with status and field labels."""
    if error.kind == workflow.TransitionError.UNKNOWN_STATUS:
        return _("unknown status “%(status)s”") % {"status": error.target}
    source, target = _status_label(error.source), _status_label(error.target)
    if error.kind == workflow.TransitionError.NO_SUCH_TRANSITION:
        return _(
            "a case cannot go from %(source)s to %(target)s; from %(source)s it can go to: "
            "%(allowed)s"
        ) % {
            "source": source,
            "target": target,
            "allowed": ", ".join(_status_label(s) for s in error.allowed) or _("nowhere"),
        }
    if error.kind == workflow.TransitionError.ROLE_NOT_ALLOWED:
        role = str(Role(error.role).label) if error.role in Role.values else error.role
        return _("your role (%(role)s) may not move a case from %(source)s to %(target)s") % {
            "role": role,
            "source": source,
            "target": target,
        }
    fields = ", ".join(str(Case._meta.get_field(name).verbose_name) for name in error.missing)
    return _("moving a case to %(target)s needs: %(fields)s") % {"target": target, "fields": fields}


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        reference = f"Q{year}-" + "".join(secrets.choice(_ALPHABET) for _position in range(6))
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _bump_version(case: Case, expected_version: int) -> None:
    """Optimistic locking: the change applies only to the version the user saw."""
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
        raise ConcurrentEditError(
            _(
                "case %(reference)s was changed by someone else (you edited version %(edited)s, "
                "it is now version %(current)s); nothing was saved: reload the case and apply "
                "your change again"
            )
            % {"reference": case.reference, "edited": expected_version, "current": current}
        )
    case.version = expected_version + 1


def _date_or_error(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_("a date as YYYY-MM-DD")]
        return None
    if parsed > timezone.localdate():
        errors[field] = [_("cannot be in the future")]
    return parsed
