"""Records of the case: notifications, rights explained, services, route, goals,
protection, police disclosures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import one_of
from qorgan.directory.countries import alpha2_codes
from qorgan.directory.models import Organisation, Region
from qorgan.knowledge.catalogue import default_catalogue

from .models import (
    Case,
    ConsentPurpose,
    ConsentRecord,
    ExplanationLanguage,
    NotificationKind,
    NotificationSent,
    ObjectiveStatus,
    PoliceDisclosure,
    ProtectionMeasure,
    RightsExplanation,
    RouteEvent,
    RouteStage,
    ServiceRecord,
    ServiceType,
    SupportObjective,
)
from .service_base import _require

# --- Records of the case ------------------------------------------------------------------


@transaction.atomic
def record_notification(
    *, user: User, case: Case, kind: str, sent_on: date, reference: str = ""
) -> NotificationSent:
    _require(
        "case.edit",
        user,
        case,
        _("only the organisation that opened the case records notifications"),
    )
    if kind not in NotificationKind.values:
        raise ValidationError({"kind": [one_of(NotificationKind.values)]})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": [_("cannot be in the future")]})
    record = NotificationSent.objects.create(
        case=case, kind=kind, sent_on=sent_on, reference=reference.strip()[:100], recorded_by=user
    )
    audit.record(
        actor=user,
        action=AuditAction.NOTIFICATION_RECORD,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"kind": kind},
    )
    return record


@transaction.atomic
def record_rights_explained(
    *,
    user: User,
    case: Case,
    rights: Iterable[str],
    explained_on: date,
    language: str,
    language_other: str = "",
) -> RightsExplanation:
    """``language``: one of ``ExplanationLanguage`` (a code); "other" with the language's name
    in ``language_other``."""
    _require("case.work", user, case, _("only an organisation working the case records this"))
    catalogue = default_catalogue()
    known = {
        e.code for kind in ("victim_right", "migrant_victim_right") for e in catalogue.of_kind(kind)
    }
    rights = list(dict.fromkeys(rights))
    if not rights or any(code not in known for code in rights):
        raise ValidationError(
            {"rights": [_("one or more codes of the victims' and migrant victims' rights")]}
        )
    language = language.strip()
    language_other = language_other.strip()[:100] if language == ExplanationLanguage.OTHER else ""
    if language not in ExplanationLanguage.values:
        raise ValidationError({"language": [one_of(ExplanationLanguage.values)]})
    if language == ExplanationLanguage.OTHER and not language_other:
        raise ValidationError({"language_other": [_("name the language")]})
    record = RightsExplanation.objects.create(
        case=case,
        rights=rights,
        explained_on=explained_on,
        language=language,
        language_other=language_other,
        explained_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.RIGHTS_RECORD,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"rights": rights},
    )
    return record


@transaction.atomic
def record_service(
    *,
    user: User,
    case: Case,
    service: str,
    provider: Organisation,
    started_on: date,
    ended_on: date | None = None,
    outcome: str = "",
) -> ServiceRecord:
    """Services delivered: the owner and any organisation that accepted a referral record them."""
    _require("case.record_service", user, case, _("you cannot record services in this case"))
    errors: dict[str, list[str]] = {}
    if service not in ServiceType.values:
        errors["service"] = [one_of(ServiceType.values)]
    if ended_on and ended_on < started_on:
        errors["ended_on"] = [_("cannot be before the start")]
    if errors:
        raise ValidationError(errors)
    record = ServiceRecord.objects.create(
        case=case,
        service=service,
        provider=provider,
        started_on=started_on,
        ended_on=ended_on,
        outcome=outcome.strip()[:500],
        recorded_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.SERVICE_RECORD,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"service": service},
    )
    return record


@transaction.atomic
def record_route_event(
    *,
    user: User,
    case: Case,
    stage: str,
    country: str,
    region: Region | None = None,
    occurred_on: date | None = None,
    place: str = "",
) -> RouteEvent:
    _require(
        "case.edit", user, case, _("only the organisation that opened the case records the route")
    )
    errors: dict[str, list[str]] = {}
    if stage not in RouteStage.values:
        errors["stage"] = [one_of(RouteStage.values)]
    country = (country or "").upper()
    if country not in alpha2_codes():
        errors["country"] = [_("an ISO 3166-1 alpha-2 country code")]
    if region is not None and country != "KZ":
        errors["region"] = [_("a region of Kazakhstan goes with Kazakhstan as the country")]
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("cannot be in the future")]
    if errors:
        raise ValidationError(errors)
    event = RouteEvent.objects.create(
        case=case,
        stage=stage,
        country=country,
        region=region,
        occurred_on=occurred_on,
        place=place.strip()[:300],
        recorded_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.ROUTE_RECORD,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["place"],
        detail={"stage": stage},
    )
    return event


@transaction.atomic
def add_objective(*, user: User, case: Case, objective: str, due_on: date) -> SupportObjective:
    _require("case.record_service", user, case, _("you cannot plan support in this case"))
    if not objective.strip():
        raise ValidationError({"objective": [_("write the objective")]})
    record = SupportObjective.objects.create(
        case=case, objective=objective.strip()[:500], due_on=due_on, recorded_by=user
    )
    audit.record(
        actor=user,
        action=AuditAction.OBJECTIVE_ADD,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["objective"],
    )
    return record


@transaction.atomic
def set_objective_status(
    *, user: User, objective: SupportObjective, status: str
) -> SupportObjective:
    _require("case.record_service", user, objective.case, _("you cannot plan support in this case"))
    if status not in ObjectiveStatus.values:
        raise ValidationError({"status": [one_of(ObjectiveStatus.values)]})
    objective.status = status
    objective.save(update_fields=["status"])
    audit.record(
        actor=user,
        action=AuditAction.OBJECTIVE_STATUS,
        object_type="cases.Case",
        object_id=objective.case_id,
        detail={"status": status},
    )
    return objective


@transaction.atomic
def set_protection(
    *,
    user: User,
    case: Case,
    option: str,
    explained_on: date | None = None,
    choice: str = "undecided",
    requested_on: date | None = None,
    granted_on: date | None = None,
    authority: str = "",
) -> ProtectionMeasure:
    """Record (or revise) one protection option: explained, the person's choice, requested, granted."""
    _require(
        "case.edit", user, case, _("only the organisation that opened the case records protection")
    )
    options = {e.code for e in default_catalogue().of_kind("protection_option")}
    errors: dict[str, list[str]] = {}
    if option not in options:
        errors["option"] = [_("one of the protection options of the catalogue")]
    if choice not in {"undecided", "chosen", "declined"}:
        errors["choice"] = [_("undecided, chosen or declined")]
    if granted_on and not requested_on:
        errors["granted_on"] = [_("a measure is granted after it was requested")]
    if requested_on and choice != "chosen":
        errors["requested_on"] = [_("a measure is requested only when the person chose it")]
    if errors:
        raise ValidationError(errors)
    record, _created = ProtectionMeasure.objects.update_or_create(
        case=case,
        option=option,
        defaults={
            "explained_on": explained_on,
            "choice": choice,
            "requested_on": requested_on,
            "granted_on": granted_on,
            "authority": authority.strip()[:300],
            "updated_by": user,
        },
    )
    audit.record(
        actor=user,
        action=AuditAction.PROTECTION_SET,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"option": option, "choice": choice},
    )
    return record


@transaction.atomic
def share_with_police(
    *, user: User, case: Case, consent: ConsentRecord, shared_on: date, summary: str
) -> PoliceDisclosure:
    """Information goes to the police only under the person's active consent to that."""
    _require(
        "case.edit",
        user,
        case,
        _("only the organisation that opened the case shares its information"),
    )
    if (
        consent.case_id != case.pk
        or consent.purpose != ConsentPurpose.SHARE_WITH_POLICE
        or not consent.active
    ):
        raise ValidationError(
            {
                "consent": [
                    _(
                        "sharing with the police needs the person's active consent to it, recorded first"
                    )
                ]
            }
        )
    if not summary.strip():
        raise ValidationError({"summary": [_("say what was shared")]})
    record = PoliceDisclosure.objects.create(
        case=case,
        consent=consent,
        shared_on=shared_on,
        summary=summary.strip()[:2000],
        shared_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.POLICE_DISCLOSURE,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["summary"],
    )
    return record
