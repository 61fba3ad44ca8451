"""Supervisor approval of the identification decision and of the closure (request → approve, or
send back with a reason), and what must be finished before a case closes.

The SOP names the identification decision (002 L577) and the end of assistance, not who signs
them inside an organisation: the approval is the system's four-eyes control, as in the
case-management systems of the field. A supervisor's own move is its own approval.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.notifications.models import NotificationKind
from qorgan.notifications.services import notify

from . import workflow
from .models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Case,
    FollowUpStatus,
    ObjectiveStatus,
    ReferralStatus,
)
from .participation import check_move
from .service_base import _transition_message

APPROVAL_KIND = {
    workflow.IDENTIFIED: ApprovalKind.IDENTIFICATION,
    workflow.NOT_IDENTIFIED: ApprovalKind.IDENTIFICATION,
    workflow.CLOSED: ApprovalKind.CLOSURE,
}


def needs_approval(target: str) -> bool:
    return target in APPROVAL_KIND


def check_direct_move(user: User, target: str) -> None:
    """A decision that needs approval is made directly only by a supervisor."""
    if needs_approval(target) and user.role != Role.SUPERVISOR:
        raise ValidationError(
            {
                "status": [
                    _(
                        "this decision needs a supervisor's approval: ask for it with “Ask a supervisor to approve”"
                    )
                ]
            }
        )


def closure_blockers(case: Case) -> list[str]:
    """What is still open, one line each, in the user's language; empty when the case may close."""
    blockers: list[str] = []
    for referral in case.referrals.filter(
        status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED]
    ).select_related("to_organisation"):
        blockers.append(
            _("the referral to %(organisation)s is %(status)s")
            % {
                "organisation": referral.to_organisation.name,
                "status": str(ReferralStatus(referral.status).label).lower(),
            }
        )
    for followup in case.followups.filter(status=FollowUpStatus.OPEN).select_related("owner"):
        blockers.append(
            _("the follow-up due on %(date)s (%(owner)s) is open")
            % {
                "date": followup.due_on.strftime("%d.%m.%Y"),
                "owner": followup.owner.get_full_name() or followup.owner.username,
            }
        )
    for objective in case.objectives.filter(status=ObjectiveStatus.OPEN):
        blockers.append(
            _("the support-plan goal “%(goal)s” is not marked achieved or not achieved")
            % {"goal": objective.objective[:80]}
        )
    return blockers


def check_closable(case: Case) -> None:
    blockers = closure_blockers(case)
    if blockers:
        raise ValidationError(
            {
                "status": [
                    _("the case cannot be closed yet: %(open)s") % {"open": "; ".join(blockers)}
                ]
            }
        )


@transaction.atomic
def request_approval(
    *,
    user: User,
    case: Case,
    target: str,
    identification_date: date | None = None,
    identification_body: str = "",
    closure_reason: str = "",
) -> ApprovalRequest:
    """A case manager asks a supervisor of their organisation to approve a decision."""
    if not allowed("case.request_approval", user, case):
        raise PermissionDenied(_("only a case manager or supervisor working the case asks"))
    if not needs_approval(target):
        raise ValidationError(
            {"status": [_("only the identification decision and the closure are approved")]}
        )
    check_move(user, case, target)
    given = {
        "identification_date": identification_date,
        "identification_body": identification_body.strip(),
        "closure_reason": closure_reason.strip(),
    }
    # The move must be possible from here (the supervisor makes it on approval).
    try:
        workflow.check(case.status, target, Role.SUPERVISOR, given)
    except workflow.TransitionError as exc:
        raise ValidationError({"status": [_transition_message(exc)]}) from None
    if target == workflow.CLOSED:
        check_closable(case)
    if case.approvals.filter(status=ApprovalStatus.PENDING).exists():
        raise ValidationError(
            {"status": [_("a decision on this case is already waiting for approval")]}
        )
    approval = ApprovalRequest.objects.create(
        case=case,
        organisation_id=user.organisation_id,
        kind=APPROVAL_KIND[target],
        target=target,
        identification_date=identification_date,
        identification_body=identification_body.strip()[:300],
        closure_reason=closure_reason.strip()[:300],
        requested_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.APPROVAL_REQUEST,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"kind": approval.kind, "to": target},
    )

    notify(
        organisations=[user.organisation],
        kind=NotificationKind.APPROVAL_REQUESTED,
        reference=case.reference,
        link=f"/kk/cases/{case.pk}/",
    )
    return approval


@transaction.atomic
def decide(
    *, user: User, approval: ApprovalRequest, approve: bool, reason: str = ""
) -> ApprovalRequest:
    """Approve (the move is made, as the supervisor) or send back with a reason."""
    from .case_edits import change_status  # noqa: PLC0415 - cycle: case_edits imports approvals (its approval rules)

    if not allowed("approval.decide", user, approval):
        raise PermissionDenied(_("only a supervisor of the organisation that asked decides"))
    approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError({"approval": [_("this request was already decided")]})
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("say why the decision is sent back")]})
    if approve:
        case = Case.objects.get(pk=approval.case_id)
        change_status(
            user=user,
            case=case,
            expected_version=case.version,
            target=approval.target,
            reason=reason,
            identification_date=approval.identification_date,
            identification_body=approval.identification_body,
            closure_reason=approval.closure_reason,
            approval=approval,
        )
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.SENT_BACK
    approval.decided_by = user
    approval.decided_at = timezone.now()
    approval.reason = reason.strip()[:500]
    approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit.record(
        actor=user,
        action=AuditAction.APPROVAL_APPROVE if approve else AuditAction.APPROVAL_SEND_BACK,
        object_type="cases.Case",
        object_id=approval.case_id,
        detail={"kind": approval.kind, "to": approval.target},
    )
    return approval
