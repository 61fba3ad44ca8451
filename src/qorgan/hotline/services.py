"""Writes of the hotline desk: one function per use case, each in a transaction and audited.

Every change to a contact is in the audit trail (``hotline.Contact``), like a case's: the
names of the fields written, never their values.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.cases import services as case_services
from qorgan.cases.models import Case, ConsentForm, ConsentPurpose, Referral
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import one_of
from qorgan.directory.models import Organisation, Region
from qorgan.knowledge.models import CatalogueEntry
from qorgan.notifications.models import NotificationKind
from qorgan.notifications.services import notify
from qorgan.portal.models import Report

from .models import (
    LANGUAGES,
    Action,
    CallerRelation,
    Channel,
    Contact,
    ContactType,
    Hotline,
    Outcome,
)
from .selectors import contact_for

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Outcomes from the furthest step to the least: a contact counts once, at its furthest step.
_OUTCOME_ORDER = [
    Outcome.CASE,
    Outcome.REFERRAL,
    Outcome.POLICE,
    Outcome.SCREENING,
    Outcome.ADVICE,
    Outcome.NONE,
]


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _new_reference() -> str:
    while True:
        reference = "H-" + "".join(secrets.choice(_ALPHABET) for _position in range(7))
        if not Contact.objects.filter(reference=reference).exists():
            return reference


def police_of_region(region: Region | None) -> list[Organisation]:
    """The police units of the region (by their seat or the regions they serve)."""
    if region is None:
        return []
    return list(
        Organisation.objects.filter(kind__code="police", active=True)
        .filter(Q(region=region) | Q(serves_regions=region))
        .distinct()
        .order_by("code")
    )


def _outcome(contact: Contact) -> str:
    reached = {Outcome.NONE}
    if contact.case_id or contact.report_id:
        reached.add(Outcome.CASE)
    if contact.referral_id or {Action.REFERRAL, Action.WARM_HANDOFF} & set(contact.actions):
        reached.add(Outcome.REFERRAL)
    if contact.police_informed_at or Action.POLICE in contact.actions:
        reached.add(Outcome.POLICE)
    if contact.screening_id:
        reached.add(Outcome.SCREENING)
    if {Action.INFORMATION, Action.RIGHTS, Action.CALL_102} & set(contact.actions):
        reached.add(Outcome.ADVICE)
    return next(o for o in _OUTCOME_ORDER if o in reached).value


def _save(contact: Contact, user: User | None, action: AuditAction, fields: Iterable[str]) -> None:
    fields = list(fields)
    contact.outcome = _outcome(contact)
    contact.save(update_fields=[*fields, "outcome"])
    audit.record(
        actor=user,
        action=action,
        object_type="hotline.Contact",
        object_id=contact.pk,
        fields=fields,
        detail={"reference": contact.reference},
    )


def clean_contact(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check a contact's fields as the desk's form and the API send them (codes, not labels)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, values, required in (
        ("channel", Channel.values, True),
        ("contact_type", ContactType.values, True),
        ("language", [code for code, _label in LANGUAGES], True),
        ("caller_relation", CallerRelation.values, False),
    ):
        value = str(data.get(field) or "")
        if not value and not required:
            value = CallerRelation.UNKNOWN
        if value not in values:
            errors[field] = [one_of(values)]
        cleaned[field] = value
    region_code = str(data.get("region") or "")
    cleaned["region"] = None
    if region_code:
        cleaned["region"] = Region.objects.filter(code=region_code).first()
        if cleaned["region"] is None:
            errors["region"] = [_("an ISO 3166-2:KZ region code (KZ-NN), or empty")]
    signs = [str(s) for s in data.get("signs") or []]
    known = set(
        CatalogueEntry.objects.filter(kind__code="sign", retired=False, code__in=signs).values_list(
            "code", flat=True
        )
    )
    unknown = [s for s in signs if s not in known]
    if unknown:
        errors["signs"] = [
            _("not signs of the catalogue: %(codes)s") % {"codes": ", ".join(unknown)}
        ]
    cleaned["signs"] = list(dict.fromkeys(signs))
    actions = [str(a) for a in data.get("actions") or []]
    if any(a not in Action.values for a in actions):
        errors["actions"] = [one_of(Action.values)]
    cleaned["actions"] = list(dict.fromkeys(actions))
    cleaned["account"] = str(data.get("account") or "").strip()[:5000]
    cleaned["follow_up"] = bool(data.get("follow_up"))
    cleaned["follow_up_note"] = str(data.get("follow_up_note") or "").strip()[:2000]
    cleaned["caller_agreed_to_contact"] = bool(data.get("caller_agreed_to_contact"))
    cleaned["caller_contact"] = str(data.get("caller_contact") or "").strip()[:300]
    if cleaned["caller_contact"] and not cleaned["caller_agreed_to_contact"]:
        errors["caller_contact"] = [
            _("record the caller's name or number only when the caller agrees (tick the box)")
        ]
    received_at = data.get("received_at")
    if isinstance(received_at, datetime):
        cleaned["received_at"] = received_at
        if received_at > timezone.now() + timedelta(minutes=5):
            errors["received_at"] = [_("cannot be in the future")]
    else:
        cleaned["received_at"] = timezone.now()
    cleaned["external_id"] = str(data.get("external_id") or "").strip()[:100]
    return cleaned, errors


@transaction.atomic
def log_contact(*, user: User, hotline: Hotline, data: dict[str, Any]) -> Contact:
    """Record one contact; a crisis alerts the hotline's organisation (its supervisor) and the
    police of the region at once."""
    if not allowed("hotline.operate", user, hotline):
        raise _deny(_("only the hotline's operators log its contacts"))
    cleaned, errors = clean_contact(data)
    if (
        cleaned["external_id"]
        and Contact.objects.filter(hotline=hotline, external_id=cleaned["external_id"]).exists()
    ):
        errors["external_id"] = [_("a contact with this identifier was already logged")]
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        reference=_new_reference(),
        hotline=hotline,
        organisation=hotline.organisation,
        created_by=user,
        **cleaned,
    )
    contact.outcome = _outcome(contact)
    contact.save()
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="hotline.Contact",
        object_id=contact.pk,
        fields=[k for k, v in cleaned.items() if v not in ("", None, [], False)],
        detail={"reference": contact.reference, "type": contact.contact_type},
    )
    if contact.is_crisis:
        alert_crisis(contact)
    return contact


def alert_crisis(contact: Contact) -> None:
    """The inbox of the hotline's organisation (where its supervisor reads) and of the region's
    police: the reference and a link, no personal data."""
    recipients = [contact.hotline.organisation, *police_of_region(contact.region)]
    recipients = list({o.pk: o for o in recipients}.values())
    contact.alerted.add(*recipients)
    notify(
        organisations=recipients,
        kind=NotificationKind.HOTLINE_CRISIS,
        reference=contact.reference,
        link=f"/kk/hotline/contacts/{contact.pk}/",
    )


@transaction.atomic
def take_contact(*, user: User, contact: Contact) -> Contact:
    """Someone takes the crisis: it leaves the top of the desk."""
    if not allowed("hotline.take", user, contact):
        raise _deny(_("you may not take this contact"))
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.taken_at is not None:
        return locked
    locked.taken_by = user
    locked.taken_at = timezone.now()
    _save(locked, user, AuditAction.HOTLINE_TAKE, ["taken_by", "taken_at"])
    return locked


@transaction.atomic
def update_contact(*, user: User, contact: Contact, data: dict[str, Any]) -> Contact:
    """Correct or complete what was logged (the desk's form again)."""
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators change its contacts"))
    cleaned, errors = clean_contact({**data, "received_at": contact.received_at})
    cleaned.pop("received_at")
    cleaned.pop("external_id")
    if errors:
        raise ValidationError(errors)
    was_crisis = contact.is_crisis
    changed = [k for k, v in cleaned.items() if getattr(contact, k) != v]
    for key in changed:
        setattr(contact, key, cleaned[key])
    _save(contact, user, AuditAction.UPDATE, changed)
    if contact.is_crisis and not was_crisis:
        alert_crisis(contact)
    return contact


@transaction.atomic
def close_follow_up(*, user: User, contact: Contact, note: str = "") -> Contact:
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators change its contacts"))
    if not contact.follow_up_open:
        raise ValidationError({"follow_up": [_("no open follow-up on this contact")]})
    contact.follow_up_done_at = timezone.now()
    fields = ["follow_up_done_at"]
    if note.strip():
        contact.follow_up_note = (contact.follow_up_note + "\n" + note.strip()).strip()[:2000]
        fields.append("follow_up_note")
    _save(contact, user, AuditAction.HOTLINE_FOLLOW_UP_DONE, fields)
    return contact


def _ensure_case(user: User, contact: Contact) -> Case:
    if contact.case_id:
        return Case.objects.get(pk=contact.case_id)
    case = case_services.open_case(
        organisation=contact.organisation,
        by=user,
        region=contact.region,
    )
    contact.case = case
    _save(contact, user, AuditAction.HOTLINE_OPEN_CASE, ["case"])
    return case


@transaction.atomic
def open_case(*, user: User, contact: Contact) -> Case:
    """A tip or a call that is about a potential victim becomes a case of the hotline's
    organisation (the caller's words stay on the contact; the case links back to it)."""
    if not allowed("hotline.edit", user, contact) or not allowed("screening.create", user):
        raise _deny(_("only the hotline's operators open a case from its contacts"))
    return _ensure_case(user, contact)


@transaction.atomic
def refer(
    *,
    user: User,
    contact: Contact,
    to_organisation: Organisation,
    services: Iterable[str],
    consent_given: bool,
    override_reason: str = "",
    note: str = "",
) -> Referral:
    """Refer the caller to a help organisation: through a case (opened if there is none), with
    the caller's oral consent to referral recorded first, as every referral of a case needs
    (or a supervisor's override with a reason: cases.services.send_referral decides)."""
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators refer from its contacts"))
    if not consent_given and not override_reason.strip():
        raise ValidationError(
            {
                "consent_given": [
                    _(
                        "a referral needs the caller's consent (ask and tick the box) or a supervisor's override with a reason"
                    )
                ]
            }
        )
    case = _ensure_case(user, contact)
    consent = None
    if consent_given:
        consent = case_services.record_consent(
            user=user,
            case=case,
            purpose=ConsentPurpose.REFERRAL,
            form=ConsentForm.ORAL,
            given_on=timezone.localdate(),
            recipient=to_organisation,
        )
    referral = case_services.send_referral(
        user=user,
        case=case,
        to_organisation=to_organisation,
        services=services,
        due_on=timezone.localdate() + timedelta(days=3),
        note=note,
        consent=consent,
        override_reason="" if consent else override_reason,
    )
    contact.referral = referral
    if Action.REFERRAL not in contact.actions:
        contact.actions = [*contact.actions, Action.REFERRAL.value]
    _save(contact, user, AuditAction.HOTLINE_REFER, ["referral", "actions"])
    return referral


@transaction.atomic
def report_to_police(
    *,
    user: User,
    contact: Contact,
    police: Organisation,
    share_account: bool,
    share_caller: bool,
) -> Contact:
    """The SOP's duty to inform the police: the unit sees the contact's codes, and the caller's
    words and name or number only where the caller agreed to each."""
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators report its contacts"))
    errors: dict[str, list[str]] = {}
    if police.kind.code != "police" or not police.active:
        errors["police"] = [_("choose a police unit")]
    if share_caller and not contact.caller_agreed_to_contact:
        errors["share_caller"] = [_("the caller did not agree to leave a name or number")]
    if errors:
        raise ValidationError(errors)
    contact.police_organisation = police
    contact.police_informed_at = timezone.now()
    contact.police_may_see_account = share_account
    contact.police_may_see_caller = share_caller
    if Action.POLICE not in contact.actions:
        contact.actions = [*contact.actions, Action.POLICE.value]
    _save(
        contact,
        user,
        AuditAction.HOTLINE_REPORT_POLICE,
        [
            "police_organisation",
            "police_informed_at",
            "police_may_see_account",
            "police_may_see_caller",
            "actions",
        ],
    )
    notify(
        organisations=[police],
        kind=NotificationKind.HOTLINE_REPORT,
        reference=contact.reference,
        link=f"/kk/hotline/contacts/{contact.pk}/",
    )
    return contact


@transaction.atomic
def link(
    *, user: User, contact: Contact, case_reference: str = "", report_number: str = ""
) -> Contact:
    """Link the contact to a case the user may see, or to an anonymous report of the portal
    (by its number) that the user's organisation triages."""
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators link its contacts"))
    fields = []
    if case_reference.strip():
        case = Case.objects.filter(reference=case_reference.strip().upper()).first()
        if case is None or not allowed("case.view", user, case):
            raise ValidationError(
                {"case_reference": [_("no case with this reference that you may see")]}
            )
        contact.case = case
        fields.append("case")
    if report_number.strip():
        report = (
            Report.objects.filter(number=int(report_number)).first()
            if report_number.strip().isdigit()
            else None
        )
        if report is None or not (
            report.assigned_organisation_id == user.organisation_id
            or allowed("report.triage", user)
        ):
            raise ValidationError(
                {"report_number": [_("no anonymous report with this number that you may see")]}
            )
        contact.report = report
        fields.append("report")
    if not fields:
        raise ValidationError({"case_reference": [_("give a case reference or a report number")]})
    _save(contact, user, AuditAction.HOTLINE_LINK, fields)
    return contact


@transaction.atomic
def link_screening(*, user: User, contact: Contact, screening: Any) -> Contact:
    if not allowed("hotline.edit", user, contact):
        raise _deny(_("only the hotline's operators link its contacts"))
    contact.screening = screening
    fields = ["screening"]
    if screening.case_id and not contact.case_id:
        contact.case_id = screening.case_id
        fields.append("case")
    _save(contact, user, AuditAction.HOTLINE_LINK, fields)
    return contact


def link_contact_screening(user: User, contact_id: str, screening: Any) -> None:
    """The screening form's hook: a screening opened from a contact links back to it (when the
    user may change that contact; anything else is ignored, the screening stands)."""
    try:
        contact = contact_for(user, contact_id)
    except (ValueError, ValidationError):
        return
    if contact is not None and allowed("hotline.edit", user, contact):
        link_screening(user=user, contact=contact, screening=screening)
