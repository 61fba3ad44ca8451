"""Data retention and lawful requests: anonymising closed cases after the retention period,
exporting and erasing one person's data. The audit trail is kept in every case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import PERSON_DATA_FIELDS, Case, CaseStatus, Person


@transaction.atomic
def anonymise_case(case: Case, *, actor: Any, reason: str) -> None:
    """Remove everything that could identify the person; keep the case's codes, dates and the
    statistical copies (sex, age group, citizenship), and the audit trail."""
    person = Person.objects.select_for_update().get(pk=case.person_id)
    for field in PERSON_DATA_FIELDS:
        setattr(person, field, "")
    person.iin_index = person.passport_index = person.name_dob_index = ""
    person.save()
    for record in case.route.all():
        record.place = ""
        record.save(update_fields=["place"])
    for objective in case.objectives.all():
        objective.objective = "—"
        objective.save(update_fields=["objective"])
    for disclosure in case.police_disclosures.all():
        disclosure.summary = "—"
        disclosure.save(update_fields=["summary"])
    for referral in case.referrals.all():
        referral.note = ""
        referral.save(update_fields=["note"])
    for attachment in case.attachments.all():
        default_storage.delete(attachment.blob)
        attachment.delete()
    for screening in case.screenings.all():
        request = dict(screening.request)
        request["person"] = {**request.get("person", {}), "age": None}
        screening.request = request
        screening.save(update_fields=["request"])
    audit.record(
        actor=actor,
        action=AuditAction.ANONYMISE,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"reason": reason[:200]},
    )


def apply_retention(*, days: int, actor: Any = None) -> int:
    """Anonymise the cases closed more than ``days`` ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    due = Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=cutoff).exclude(
        person__surname="", person__iin_index="", person__name_dob_index=""
    )
    count = 0
    for case in due.select_related("person"):
        if any(getattr(case.person, f) for f in PERSON_DATA_FIELDS) or case.attachments.exists():
            anonymise_case(
                case, actor=actor, reason=f"retention period of {days} days after closure"
            )
            count += 1
    return count


def export_person(case: Case, *, actor: Any) -> dict[str, Any]:
    """Everything Qorgan holds about the person of a case, for a lawful request (subject access)."""
    person = case.person
    data = {
        "case": {
            "reference": case.reference,
            "status": case.status,
            "opened": case.created_at.isoformat(),
            "organisation": case.organisation.code,
        },
        "person": {f: getattr(person, f) for f in PERSON_DATA_FIELDS}
        | {"sex": person.sex, "citizenship": person.citizenship, "age_group": person.age_group},
        "consents": [
            {
                "purpose": c.purpose,
                "form": c.form,
                "given_on": c.given_on.isoformat(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in case.consents.all()
        ],
        "referrals": [
            {
                "to": r.to_organisation.code,
                "status": r.status,
                "sent": r.sent_at.isoformat(),
                "services": r.services,
            }
            for r in case.referrals.select_related("to_organisation")
        ],
        "services": [
            {
                "service": s.service,
                "provider": s.provider.code,
                "from": s.started_on.isoformat(),
                "outcome": s.outcome,
            }
            for s in case.services.select_related("provider")
        ],
        "route": [
            {
                "stage": e.stage,
                "country": e.country,
                "date": e.occurred_on.isoformat() if e.occurred_on else None,
                "place": e.place,
            }
            for e in case.route.all()
        ],
        "status_history": [
            {"from": c.from_status, "to": c.to_status, "at": c.changed_at.isoformat()}
            for c in case.status_changes.all()
        ],
        "screenings": [
            {"at": s.created_at.isoformat(), "request": s.request, "assessment": s.assessment}
            for s in case.screenings.all()
        ],
    }
    audit.record(
        actor=actor,
        action=AuditAction.SUBJECT_ACCESS_EXPORT,
        object_type="cases.Case",
        object_id=case.pk,
        fields=PERSON_DATA_FIELDS,
    )
    return data
