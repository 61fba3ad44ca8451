"""Referrals between organisations: send, answer, complete, withdraw."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.directory.models import Organisation
from qorgan.notifications.models import NotificationKind
from qorgan.notifications.services import notify

from .models import (
    Case,
    CaseStatus,
    ConsentPurpose,
    ConsentRecord,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceType,
    StatusChange,
)
from .service_base import _deny, _require

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
