"""A user's work, for the home page: referrals waiting for their organisation's answer, cases
assigned to them, their follow-ups due or overdue, and (supervisors) approvals and handovers
waiting. Five queries at most, no personal data (case references only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from qorgan.accounts.roles import Role

from .models import (
    ApprovalRequest,
    ApprovalStatus,
    Assignment,
    FollowUp,
    FollowUpStatus,
    Handover,
    HandoverStatus,
    Referral,
    ReferralStatus,
)

LIMIT = 20
PERSON_ROLES = (Role.FRONTLINE_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR)


@dataclass
class Work:
    referrals: list[Referral] = field(default_factory=list)
    assigned: list[Assignment] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    approvals: list[ApprovalRequest] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.referrals or self.assigned or self.followups or self.approvals or self.handovers
        )


def work_for(user: Any) -> Work:
    work = Work()
    if getattr(user, "role", None) not in PERSON_ROLES or not user.organisation_id:
        return work
    today = timezone.localdate()
    if user.role in (Role.CASE_MANAGER, Role.SUPERVISOR):
        work.referrals = list(
            Referral.objects.filter(
                to_organisation_id=user.organisation_id, status=ReferralStatus.SENT
            )
            .select_related("case", "from_organisation")
            .order_by("due_on")[:LIMIT]
        )
    work.assigned = list(
        Assignment.objects.filter(user=user, ended_at__isnull=True)
        .exclude(case__status="closed")
        .select_related("case")
        .order_by("-assigned_at")[:LIMIT]
    )
    work.followups = list(
        FollowUp.objects.filter(owner=user, status=FollowUpStatus.OPEN, due_on__lte=today)
        .select_related("case")
        .order_by("due_on")[:LIMIT]
    )
    if user.role == Role.SUPERVISOR:
        work.approvals = list(
            ApprovalRequest.objects.filter(
                organisation_id=user.organisation_id, status=ApprovalStatus.PENDING
            )
            .select_related("case")
            .order_by("requested_at")[:LIMIT]
        )
        work.handovers = list(
            Handover.objects.filter(
                to_organisation_id=user.organisation_id, status=HandoverStatus.REQUESTED
            )
            .select_related("case")
            .order_by("requested_at")[:LIMIT]
        )
    return work
