"""Data retention and lawful requests: anonymising closed cases after the retention period,
exporting and erasing one person's data. The audit trail is kept in every case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import active_language, localized
from qorgan.directory.countries import country_name
from qorgan.directory.models import Organisation

from .models import (
    PERSON_DATA_FIELDS,
    Case,
    CaseStatus,
    ConsentForm,
    ConsentPurpose,
    Person,
    ReferralStatus,
    RouteStage,
    ServiceType,
    Sex,
)


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


def export_person(case: Case, *, actor: Any, language: str | None = None) -> dict[str, Any]:
    """Everything Qorgan holds about the person of a case, for a lawful request (subject access).

    Every coded value keeps its code and has its label in ``language`` beside it (``status`` and
    ``status_label``; organisations by name, countries by name, services and choices by their
    labels): the person who asked reads the file (issue 13 §5). The screenings' request and
    assessment stay as they were recorded, which the file's ``note`` says."""
    lang = language or active_language()
    with translation.override(lang):
        data = _person_data(case, lang)
    audit.record(
        actor=actor,
        action=AuditAction.SUBJECT_ACCESS_EXPORT,
        object_type="cases.Case",
        object_id=case.pk,
        fields=PERSON_DATA_FIELDS,
    )
    return data


def _choice(choices: type[models.TextChoices], code: str) -> str:
    return str(dict(choices.choices).get(code, code))


def _organisation(organisation: Organisation | None, lang: str) -> str:
    return localized(organisation, "name", lang) if organisation is not None else ""


def _person_data(case: Case, lang: str) -> dict[str, Any]:
    person = case.person
    unknown = str(_("Not known"))
    return {
        "note": str(
            _(
                "Each code is followed by its meaning (the key ending in _label). The screenings'"
                " requests and assessments are given as they were recorded."
            )
        ),
        "case": {
            "reference": case.reference,
            "status": case.status,
            "status_label": _choice(CaseStatus, case.status),
            "opened": case.created_at.isoformat(),
            "organisation": case.organisation.code,
            "organisation_label": _organisation(case.organisation, lang),
        },
        "person": {f: getattr(person, f) for f in PERSON_DATA_FIELDS}
        | {
            "sex": person.sex,
            "sex_label": _choice(Sex, person.sex),
            "citizenship": person.citizenship,
            "citizenship_label": country_name(person.citizenship, lang),
            "age_group": person.age_group,
            "age_group_label": unknown if person.age_group == "unknown" else person.age_group,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "purpose_label": _choice(ConsentPurpose, c.purpose),
                "recipient": c.recipient.code if c.recipient else None,
                "recipient_label": _organisation(c.recipient, lang) or None,
                "form": c.form,
                "form_label": _choice(ConsentForm, c.form),
                "given_on": c.given_on.isoformat(),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in case.consents.select_related("recipient")
        ],
        "referrals": [
            {
                "to": r.to_organisation.code,
                "to_label": _organisation(r.to_organisation, lang),
                "status": r.status,
                "status_label": _choice(ReferralStatus, r.status),
                "sent": r.sent_at.isoformat(),
                "services": r.services,
                "services_labels": [_choice(ServiceType, code) for code in r.services],
            }
            for r in case.referrals.select_related("to_organisation")
        ],
        "services": [
            {
                "service": s.service,
                "service_label": _choice(ServiceType, s.service),
                "provider": s.provider.code,
                "provider_label": _organisation(s.provider, lang),
                "from": s.started_on.isoformat(),
                "outcome": s.outcome,
            }
            for s in case.services.select_related("provider")
        ],
        "route": [
            {
                "stage": e.stage,
                "stage_label": _choice(RouteStage, e.stage),
                "country": e.country,
                "country_label": country_name(e.country, lang),
                "date": e.occurred_on.isoformat() if e.occurred_on else None,
                "place": e.place,
            }
            for e in case.route.all()
        ],
        "status_history": [
            {
                "from": c.from_status,
                "from_label": _choice(CaseStatus, c.from_status),
                "to": c.to_status,
                "to_label": _choice(CaseStatus, c.to_status),
                "at": c.changed_at.isoformat(),
            }
            for c in case.status_changes.all()
        ],
        "screenings": [
            {"at": s.created_at.isoformat(), "request": s.request, "assessment": s.assessment}
            for s in case.screenings.all()
        ],
    }
