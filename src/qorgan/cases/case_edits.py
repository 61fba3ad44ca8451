"""A case's status, its details and the person's consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import one_of
from qorgan.directory.models import Organisation, Region
from qorgan.knowledge.catalogue import default_catalogue

from . import approvals, participation, workflow
from .consent import withdraw
from .models import (
    Case,
    ConsentForm,
    ConsentPurpose,
    ConsentRecord,
    StatusChange,
)
from .service_base import (
    PERPETRATOR_ROLES,
    _bump_version,
    _date_or_error,
    _require,
    _transition_message,
)


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
    return withdraw(user=user, consent=consent, withdrawn_on=withdrawn_on).consent
