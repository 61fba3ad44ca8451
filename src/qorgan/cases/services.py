"""Writes to cases: open, edit the person, change status, consent, referrals, records.

Every function checks the permission (``accounts.permissions``), runs in a transaction and
writes an audit event naming the fields it touched (never their values).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.crypto import blind_index
from qorgan.core.i18n import one_of
from qorgan.directory.models import Organisation, Region

from . import duplicates, identity, workflow
from .models import (
    Attachment,
    Case,
    CaseStatus,
    ConsentForm,
    ConsentPurpose,
    ConsentRecord,
    NotificationKind,
    NotificationSent,
    ObjectiveStatus,
    Person,
    PoliceDisclosure,
    ProtectionMeasure,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RightsExplanation,
    RouteEvent,
    RouteStage,
    ServiceRecord,
    ServiceType,
    StatusChange,
    SupportObjective,
)
from .names import person_name_key

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


@dataclass(frozen=True)
class PersonFacts:
    """What a screening knows about the person: no identifier, only the SOP's conditions."""

    sex: str = "unknown"
    citizenship: str = "unknown"
    age: int | None = None
    minor: bool | None = None


@transaction.atomic
def open_case(
    *,
    organisation: Organisation,
    by: User,
    facts: PersonFacts | None = None,
    region: Region | None = None,
    exploitation_forms: Iterable[str] = (),
    detection_source: str = "",
) -> Case:
    """Open a case at ``organisation`` (status detected). The reference is random, not a counter,
    so that it tells nothing about how many cases an organisation has."""
    facts = facts or PersonFacts()
    person = Person.objects.create(
        sex=facts.sex,
        citizenship=facts.citizenship,
        age_group=identity.age_group(facts.age),
        # Marked a minor without a known age: the case presumes minority until the age is established.
        minor_presumed=facts.minor is True and facts.age is None,
    )
    case = Case.objects.create(
        reference=_new_reference(),
        organisation=organisation,
        person=person,
        created_by=by,
        region=region,
        exploitation_forms=list(exploitation_forms),
        stat_sex=person.sex,
        stat_age_group=person.age_group,
        stat_citizenship=person.citizenship,
        detection_source=detection_source or organisation.kind.code,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["person"],
    )
    return case


def _clean_person(data: dict[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in PERSON_TEXT_FIELDS:
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > 300:
                errors[field] = _("at most 300 characters")
            cleaned[field] = value
    if "date_of_birth" in data:
        value = str(data["date_of_birth"] or "").strip()
        if value:
            try:
                identity.parse_date_of_birth(value, today)
            except ValueError as exc:
                errors["date_of_birth"] = _date_of_birth_error(str(exc))
        cleaned["date_of_birth"] = value
    if "iin" in data:
        value = str(data["iin"] or "").strip()
        if value and not identity.iin_is_valid(value):
            errors["iin"] = _("an IIN has 12 digits and a valid check digit")
        cleaned["iin"] = value
    if "passport_number" in data:
        value = identity.normalize_passport(str(data["passport_number"] or ""))
        if value and not identity.PASSPORT_RE.match(value):
            errors["passport_number"] = _("5 to 20 Latin letters and digits")
        cleaned["passport_number"] = value
    if "sex" in data:
        if data["sex"] not in {"female", "male", "unknown"}:
            errors["sex"] = _("female, male or unknown")
        cleaned["sex"] = data["sex"]
    if "citizenship" in data:
        from qorgan.directory.countries import alpha2_codes

        value = str(data["citizenship"] or "unknown").strip()
        value = value.upper() if value not in {"stateless", "unknown"} else value
        if value not in {"stateless", "unknown"} and value not in alpha2_codes():
            errors["citizenship"] = _("KZ, an ISO 3166-1 alpha-2 code, stateless or unknown")
        cleaned["citizenship"] = value
    if "minor_presumed" in data:
        if not isinstance(data["minor_presumed"], bool):
            errors["minor_presumed"] = _("true or false")
        cleaned["minor_presumed"] = data["minor_presumed"]
    unknown = set(data) - set(cleaned) - set(errors)
    for field in sorted(unknown):
        errors[field] = _("unknown field")
    return cleaned, errors


def person_indexes(person: Person) -> dict[str, str]:
    """The blind indexes of a person's current data (for finding them again), under the current
    index key; ``update_person`` and ``qorgan reindex_persons`` store them."""
    return identity.indexes(
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        date_of_birth=person.date_of_birth,
        iin=person.iin,
        passport_number=person.passport_number,
        keyed_hash=blind_index,
        name_key=person_name_key,
    )


@transaction.atomic
def update_person(
    *,
    user: User,
    case: Case,
    expected_version: int,
    data: dict[str, Any],
    check_duplicates: bool = True,
) -> Case:
    """Record or correct the person's data (encrypted), refresh the blind indexes."""
    _require(
        "case.edit",
        user,
        case,
        _("only the organisation that opened the case edits the person's data"),
    )
    today = timezone.localdate()
    cleaned, errors = _clean_person(data, today)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    person = Person.objects.select_for_update().get(pk=case.person_id)
    _bump_version(case, expected_version)
    for field, value in cleaned.items():
        setattr(person, field, value)
    if person.date_of_birth:
        year, full = identity.parse_date_of_birth(person.date_of_birth, today)
        age = identity.age_on(year, full, today)
        person.age_group = identity.age_group(age)
    indexes = person_indexes(person)
    identifiers_changed = any(getattr(person, f) != v for f, v in indexes.items())
    for field, value in indexes.items():
        setattr(person, field, value)
    person.save()
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="cases.Person",
        object_id=person.pk,
        fields=cleaned,
    )
    case.person = person
    # The duplicate check runs by itself whenever the identifiers change (issue 13 §3): the
    # caller tells the user. An import checks its persons itself, outside the hourly limit.
    if check_duplicates and identifiers_changed:
        case.duplicate_check = duplicates.check_person(user=user, case=case)  # type: ignore[attr-defined]
    return case


def possible_matches(*, user: User, case: Case) -> list[duplicates.Match]:
    """The case's possible matches at other organisations: that one exists and by what; which
    organisation holds it only once that organisation's supervisor agreed (``duplicates``)."""
    _require("case.view", user, case, _("you cannot see this case"))
    return duplicates.matches_for(user=user, case=case)


@transaction.atomic
def change_status(
    *,
    user: User,
    case: Case,
    expected_version: int,
    target: str,
    reason: str = "",
    identification_date: date | None = None,
    identification_body: str = "",
    information_card_issued_on: date | None = None,
    closure_reason: str = "",
    approval: Any = None,
) -> Case:
    from . import approvals, participation

    _require("case.work", user, case, _("only an organisation working the case changes its status"))
    case = Case.objects.select_for_update().get(pk=case.pk)
    given = {
        "identification_date": identification_date,
        "identification_body": identification_body.strip(),
        "information_card_issued_on": information_card_issued_on,
        "closure_reason": closure_reason.strip(),
    }
    try:
        workflow.check(case.status, target, user.role, given)
    except workflow.TransitionError as exc:
        raise ValidationError({"status": [_transition_message(exc)]}) from None
    # The organisation's part (lead or participant), the supervisor's approval, what is open.
    participation.check_move(user, case, target)
    approvals.check_direct_move(user, target)
    if target == workflow.CLOSED:
        approvals.check_closable(case)
    _bump_version(case, expected_version)
    previous = case.status
    case.status = target
    if target in (workflow.IDENTIFIED, workflow.NOT_IDENTIFIED):
        case.identification_date = identification_date
        case.identification_body = identification_body.strip()
    if target == workflow.INFORMATION_CARD_ISSUED:
        case.information_card_issued_on = information_card_issued_on
    if target == workflow.CLOSED:
        case.closure_reason = closure_reason.strip()
        case.closed_at = timezone.now()
    case.save(
        update_fields=[
            "status",
            "identification_date",
            "identification_body",
            "information_card_issued_on",
            "closure_reason",
            "closed_at",
        ]
    )
    StatusChange.objects.create(
        case=case, from_status=previous, to_status=target, reason=reason[:300], changed_by=user
    )
    audit.record(
        actor=user,
        action=AuditAction.TRANSITION,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"from": previous, "to": target},
    )
    if approvals.needs_approval(target) and approval is None:
        audit.record(  # the supervisor's own decision is its approval
            actor=user,
            action=AuditAction.APPROVAL_APPROVE,
            object_type="cases.Case",
            object_id=case.pk,
            detail={"to": target, "direct": True},
        )
    return case


@transaction.atomic
def update_case_details(
    *, user: User, case: Case, expected_version: int, data: dict[str, Any]
) -> Case:
    """The ERDR number and date, forms of exploitation, perpetrators' roles, region."""
    _require("case.edit", user, case, _("only the organisation that opened the case edits it"))
    from qorgan.knowledge.catalogue import default_catalogue

    errors: dict[str, list[str]] = {}
    forms = {e.code for e in default_catalogue().of_kind("exploitation_form")}
    updates: dict[str, Any] = {}
    if "erdr_number" in data:
        value = str(data["erdr_number"] or "").strip()
        if len(value) > 40:
            errors["erdr_number"] = [_("at most 40 characters")]
        updates["erdr_number"] = value
    if "erdr_date" in data:
        updates["erdr_date"] = _date_or_error(data["erdr_date"], "erdr_date", errors)
    if "exploitation_forms" in data:
        value = data["exploitation_forms"]
        if not isinstance(value, list) or any(code not in forms for code in value):
            errors["exploitation_forms"] = [
                _("a list of: %(values)s") % {"values": ", ".join(sorted(forms))}
            ]
        else:
            updates["exploitation_forms"] = sorted(set(value))
    if "perpetrator_roles" in data:
        value = data["perpetrator_roles"]
        if not isinstance(value, list) or any(code not in PERPETRATOR_ROLES for code in value):
            errors["perpetrator_roles"] = [
                _("a list of: %(values)s") % {"values": ", ".join(PERPETRATOR_ROLES)}
            ]
        else:
            updates["perpetrator_roles"] = sorted(set(value))
    if "guardianship_body" in data:
        updates["guardianship_body"] = str(data["guardianship_body"] or "").strip()[:300]
    if "child_support_centre" in data:
        centre = (
            Organisation.objects.filter(code=data["child_support_centre"]).first()
            if data["child_support_centre"]
            else None
        )
        if data["child_support_centre"] and centre is None:
            errors["child_support_centre"] = [_("unknown organisation")]
        updates["child_support_centre"] = centre
    if "region" in data:
        region = Region.objects.filter(code=data["region"]).first() if data["region"] else None
        if data["region"] and region is None:
            errors["region"] = [_("unknown ISO 3166-2:KZ region")]
        updates["region"] = region
    unknown = set(data) - set(updates) - set(errors)
    for field in sorted(unknown):
        errors[field] = [_("unknown field")]
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _bump_version(case, expected_version)
    for field, value in updates.items():
        setattr(case, field, value)
    case.save(update_fields=list(updates))
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="cases.Case",
        object_id=case.pk,
        fields=updates,
    )
    return case


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


# --- Consent ------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    user: User,
    case: Case,
    purpose: str,
    form: str,
    given_on: date,
    recipient: Organisation | None = None,
) -> ConsentRecord:
    _require(
        "case.edit", user, case, _("only the organisation that opened the case records consent")
    )
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [one_of(ConsentPurpose.values)]
    if form not in ConsentForm.values:
        errors["form"] = [one_of(ConsentForm.values)]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("cannot be in the future")]
    if errors:
        raise ValidationError(errors)
    consent = ConsentRecord.objects.create(
        case=case,
        purpose=purpose,
        form=form,
        given_on=given_on,
        recipient=recipient,
        recorded_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.CONSENT_RECORD,
        object_type="cases.ConsentRecord",
        object_id=consent.pk,
        detail={
            "case": str(case.pk),
            "purpose": purpose,
            "form": form,
            "recipient": getattr(recipient, "code", ""),
        },
    )
    return consent


@transaction.atomic
def withdraw_consent(*, user: User, consent: ConsentRecord, withdrawn_on: date) -> ConsentRecord:
    """See ``consent.withdraw``: pending referrals withdrawn, access under it ended."""
    from .consent import withdraw

    return withdraw(user=user, consent=consent, withdrawn_on=withdrawn_on).consent


# --- Referrals ----------------------------------------------------------------------------


def may_receive_referrals(organisation: Organisation) -> bool:
    """The duty matrix decides: the subject kind must have a duty in the protection direction."""
    return organisation.kind.duties.filter(direction__code="protection").exists()


def _referral_event(referral: Referral, action: str, user: User, note: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, action=action, by=user, note=note[:500])
    audit.record(
        actor=user,
        action=f"referral_{action}",
        object_type="cases.Referral",
        object_id=referral.pk,
        detail={"case": str(referral.case_id), "to": referral.to_organisation.code},
    )


@transaction.atomic
def send_referral(
    *,
    user: User,
    case: Case,
    to_organisation: Organisation,
    services: Iterable[str],
    due_on: date,
    note: str = "",
    consent: ConsentRecord | None = None,
    override_reason: str = "",
) -> Referral:
    """Refer the case to another organisation: with the person's recorded consent to referral
    (to that organisation or to none in particular), or a supervisor's recorded override."""
    _require("referral.send", user, case, _("only the organisation that opened the case refers it"))
    errors: dict[str, list[str]] = {}
    services = list(dict.fromkeys(services))
    if not services or any(s not in ServiceType.values for s in services):
        errors["services"] = [
            _("one or more of %(values)s") % {"values": ", ".join(ServiceType.values)}
        ]
    if to_organisation.pk == case.organisation_id:
        errors["to_organisation"] = [_("a case is referred to another organisation")]
    elif not to_organisation.active or not may_receive_referrals(to_organisation):
        errors["to_organisation"] = [
            _("this organisation does not receive referrals (no protection duty in the SOP)")
        ]
    if due_on < timezone.localdate():
        errors["due_on"] = [_("the answer cannot be due in the past")]
    if case.status == CaseStatus.CLOSED:
        errors["case"] = [_("the case is closed")]
    override_by = None
    if consent is not None:
        if (
            consent.case_id != case.pk
            or consent.purpose != ConsentPurpose.REFERRAL
            or not consent.active
        ):
            errors["consent"] = [
                _("the consent must be the person's active consent to referral in this case")
            ]
        elif consent.recipient_id not in (None, to_organisation.pk):
            errors["consent"] = [_("the person consented to referral to another organisation")]
    elif override_reason.strip():
        if not allowed("referral.override_consent", user, case):
            raise _deny("only a supervisor may refer without the person's consent")
        override_by = user
    else:
        errors["consent"] = [
            _(
                "a referral needs the person's consent to referral (record it first) or a supervisor's override with a reason"
            )
        ]
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        services=services,
        note=note.strip(),
        consent=consent,
        override_by=override_by,
        override_reason=override_reason.strip()[:500],
        due_on=due_on,
        sent_by=user,
    )
    _referral_event(
        referral, "sent", user, "override: " + override_reason.strip() if override_by else ""
    )
    if case.status == CaseStatus.DETECTED:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        Case.objects.filter(pk=locked.pk).update(
            status=CaseStatus.REFERRED, version=F("version") + 1
        )
        StatusChange.objects.create(
            case=locked,
            from_status=CaseStatus.DETECTED,
            to_status=CaseStatus.REFERRED,
            changed_by=user,
        )
    from qorgan.notifications.models import NotificationKind
    from qorgan.notifications.services import notify

    notify(
        organisations=[to_organisation],
        kind=NotificationKind.REFERRAL_RECEIVED,
        reference=case.reference,
        link="/kk/cases/referrals/",
    )
    return referral


@transaction.atomic
def respond_to_referral(
    *, user: User, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    _require(
        "referral.respond",
        user,
        referral,
        _("only a case manager or supervisor of the receiving organisation answers"),
    )
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(
            {
                "status": [
                    _("this referral is %(status)s, not waiting for an answer")
                    % {"status": ReferralStatus(referral.status).label}
                ]
            }
        )
    if not accept and not reason.strip():
        raise ValidationError({"reason": [_("say why the referral is declined")]})
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.responded_at = timezone.now()
    referral.decline_reason = "" if accept else reason.strip()[:500]
    referral.save(update_fields=["status", "responded_at", "decline_reason"])
    _referral_event(referral, "accepted" if accept else "declined", user, reason)
    from qorgan.notifications.models import NotificationKind
    from qorgan.notifications.services import notify

    notify(
        organisations=[referral.from_organisation],
        kind=NotificationKind.REFERRAL_ACCEPTED if accept else NotificationKind.REFERRAL_DECLINED,
        reference=referral.case.reference,
        link="/kk/cases/referrals/",
    )
    return referral


def _locked_referral(referral: Referral, expected: str, message: str) -> Referral:
    """The referral, locked, if it is in the expected status; a clear refusal otherwise."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != expected:
        raise ValidationError(
            {"status": [message % {"status": ReferralStatus(referral.status).label}]}
        )
    return referral


@transaction.atomic
def complete_referral(*, user: User, referral: Referral, outcome: str) -> Referral:
    _require(
        "referral.complete",
        user,
        referral,
        _("only a case manager or supervisor of the receiving organisation completes it"),
    )
    referral = _locked_referral(
        referral,
        ReferralStatus.ACCEPTED,
        _("only an accepted referral is completed; this one is %(status)s"),
    )
    if not outcome.strip():
        raise ValidationError({"outcome": [_("record the outcome")]})
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome.strip()[:500]
    referral.completed_at = timezone.now()
    referral.save(update_fields=["status", "outcome", "completed_at"])
    _referral_event(referral, "completed", user, outcome)
    return referral


@transaction.atomic
def withdraw_referral(*, user: User, referral: Referral, reason: str) -> Referral:
    _require(
        "referral.withdraw",
        user,
        referral,
        _("only the referring organisation withdraws a referral"),
    )
    referral = _locked_referral(
        referral,
        ReferralStatus.SENT,
        _("only a referral waiting for an answer is withdrawn; this one is %(status)s"),
    )
    if not reason.strip():
        raise ValidationError({"reason": [_("say why the referral is withdrawn")]})
    referral.status = ReferralStatus.WITHDRAWN
    referral.save(update_fields=["status"])
    _referral_event(referral, "withdrawn", user, reason)
    return referral


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
    *, user: User, case: Case, rights: Iterable[str], explained_on: date, language: str
) -> RightsExplanation:
    _require("case.work", user, case, _("only an organisation working the case records this"))
    from qorgan.knowledge.catalogue import default_catalogue

    catalogue = default_catalogue()
    known = {
        e.code for kind in ("victim_right", "migrant_victim_right") for e in catalogue.of_kind(kind)
    }
    rights = list(dict.fromkeys(rights))
    if not rights or any(code not in known for code in rights):
        raise ValidationError(
            {"rights": [_("one or more codes of the victims' and migrant victims' rights")]}
        )
    if not language.strip():
        raise ValidationError({"language": [_("the language the rights were explained in")]})
    record = RightsExplanation.objects.create(
        case=case,
        rights=rights,
        explained_on=explained_on,
        language=language.strip()[:20],
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
    from qorgan.directory.countries import alpha2_codes

    errors: dict[str, list[str]] = {}
    if stage not in RouteStage.values:
        errors["stage"] = [one_of(RouteStage.values)]
    country = (country or "").upper()
    if country not in alpha2_codes():
        errors["country"] = [_("an ISO 3166-1 alpha-2 country code")]
    if region is not None and country != "KZ":
        errors["region"] = [_("a region of Kazakhstan goes with country KZ")]
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
    from qorgan.knowledge.catalogue import default_catalogue

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


ATTACHMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_type(head: bytes) -> str | None:
    for magic, content_type in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def add_attachment(*, user: User, case: Case, name: str, content: bytes) -> Attachment:
    """Store a PDF, PNG or JPEG (checked by its content, not its name), encrypted."""
    import hashlib

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from qorgan.core.crypto import fernet

    _require("case.record_service", user, case, "you cannot add documents to this case")
    limit = settings.ATTACHMENT_MAX_BYTES
    if not content:
        raise ValidationError({"file": [_("the file is empty")]})
    if len(content) > limit:
        raise ValidationError(
            {
                "file": [
                    _("the file is larger than %(megabytes)d MB")
                    % {"megabytes": limit // (1024 * 1024)}
                ]
            }
        )
    content_type = sniff_type(content[:16])
    if content_type is None:
        raise ValidationError({"file": [_("only PDF, PNG and JPEG files are accepted")]})
    attachment = Attachment(
        case=case,
        name=(name or "document").strip()[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    attachment.blob = default_storage.save(
        f"attachments/{attachment.id}", ContentFile(fernet().encrypt(content))
    )
    attachment.save()
    audit.record(
        actor=user,
        action=AuditAction.ATTACHMENT_ADD,
        object_type="cases.Attachment",
        object_id=attachment.pk,
        detail={"case": str(case.pk)},
    )
    return attachment


def read_attachment(*, user: User, attachment: Attachment) -> bytes:
    from django.core.files.storage import default_storage

    from qorgan.core.crypto import fernet

    _require("case.view", user, attachment.case, _("you cannot see this case"))
    with default_storage.open(attachment.blob, "rb") as handle:
        content = fernet().decrypt(handle.read())
    audit.record(
        actor=user,
        action=AuditAction.ATTACHMENT_READ,
        object_type="cases.Attachment",
        object_id=attachment.pk,
    )
    return content
