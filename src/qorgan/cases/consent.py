"""Withdrawal of the person's consent, and what follows (issue 13 §2): referrals waiting for an
answer under it are withdrawn and accepted ones end, a handover waiting under it is cancelled, no disclosure to the
police is made under it any more, and the organisations it let in lose access to the case
(``permissions.participant_filter`` reads the consent every time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import ConsentRecord, Handover, HandoverStatus, Referral, ReferralEvent, ReferralStatus


@dataclass(frozen=True)
class Withdrawal:
    consent: ConsentRecord
    referrals_withdrawn: int
    handovers_cancelled: int
    organisations_out: tuple[str, ...]  # codes of the organisations that lost access


@transaction.atomic
def withdraw(*, user: User, consent: ConsentRecord, withdrawn_on: date) -> Withdrawal:
    if not allowed("case.withdraw_consent", user, consent.case):
        raise PermissionDenied(_("you cannot record this person's consent"))
    locked = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    consent.withdrawn_on = locked.withdrawn_on
    if consent.withdrawn_on:
        raise ValidationError({"withdrawn_on": [_("this consent was already withdrawn")]})
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": [_("cannot be in the future")]})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    # The organisations it let in (before their referrals end): they lose access to the case.
    out = tuple(
        sorted(
            set(
                Referral.objects.filter(
                    consent=consent, status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]
                ).values_list("to_organisation__code", flat=True)
            )
        )
    )
    pending = list(
        Referral.objects.select_for_update().filter(consent=consent, status=ReferralStatus.SENT)
    )
    # Referrals waiting for an answer are withdrawn; accepted ones end too (the receiver may no
    # longer work under this consent); completed ones stay in the history.
    ended = list(
        Referral.objects.select_for_update().filter(consent=consent, status=ReferralStatus.ACCEPTED)
    )
    for referral in pending + ended:
        referral.status = ReferralStatus.WITHDRAWN
        referral.save(update_fields=["status"])
        ReferralEvent.objects.create(
            referral=referral, action="withdrawn", by=user, note="consent withdrawn"
        )
    cancelled = Handover.objects.filter(consent=consent, status=HandoverStatus.REQUESTED).update(
        status=HandoverStatus.CANCELLED
    )
    audit.record(
        actor=user,
        action=AuditAction.CONSENT_WITHDRAW,
        object_type="cases.ConsentRecord",
        object_id=consent.pk,
        detail={
            "case": str(consent.case_id),
            "referrals_withdrawn": len(pending),
            "handovers_cancelled": cancelled,
            "access_ended": list(out),
        },
    )
    return Withdrawal(consent, len(pending), cancelled, out)
