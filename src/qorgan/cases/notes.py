"""Case notes: encrypted, audited on write and on every read; seen by the organisations that see
the case (the lead, and participants the person's consent still covers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import Case, CaseNote


@transaction.atomic
def add_note(*, user: User, case: Case, text: str) -> CaseNote:
    if not allowed("case.note", user, case):
        raise PermissionDenied(_("you cannot write notes in this case"))
    if not text.strip():
        raise ValidationError({"text": [_("write the note")]})
    if len(text) > 4000:
        raise ValidationError({"text": [_("a note is at most 4000 characters")]})
    note = CaseNote.objects.create(
        case=case, organisation_id=user.organisation_id, text=text.strip(), written_by=user
    )
    audit.record(
        actor=user,
        action=AuditAction.NOTE_ADD,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["text"],
    )
    return note


def read_notes(*, user: User, case: Case, limit: int = 100) -> list[CaseNote]:
    """The case's notes, newest first; one audit event names the notes that were shown."""
    if not allowed("case.view", user, case):
        raise PermissionDenied(_("you cannot see this case"))
    notes = list(case.notes.select_related("organisation", "written_by")[:limit])
    if notes:
        audit.record(
            actor=user,
            action=AuditAction.NOTE_READ,
            object_type="cases.Case",
            object_id=case.pk,
            fields=["text"],
            detail={"notes": [n.pk for n in notes]},
        )
    return notes
