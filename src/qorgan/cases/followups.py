"""Follow-ups (a dated task on a case with its owner, done or not done) and the results of the
support plan's goals (achieved or not, with a date and a note)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import Case, FollowUp, FollowUpStatus, ObjectiveStatus, SupportObjective


@transaction.atomic
def add_followup(
    *, user: User, case: Case, task: str, due_on: date, owner: User | None = None
) -> FollowUp:
    if not allowed("case.followup", user, case):
        raise PermissionDenied(_("you cannot plan follow-ups in this case"))
    owner = owner or user
    errors: dict[str, list[str]] = {}
    if not task.strip():
        errors["task"] = [_("say what is to be done")]
    if owner.organisation_id != user.organisation_id or not owner.is_active:
        errors["owner"] = [_("the owner is a colleague of your organisation")]
    if case.status == "closed":
        errors["case"] = [_("the case is closed")]
    if errors:
        raise ValidationError(errors)
    followup = FollowUp.objects.create(
        case=case,
        organisation_id=user.organisation_id,
        owner=owner,
        task=task.strip()[:500],
        due_on=due_on,
        created_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.FOLLOWUP_ADD,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["task"],
        detail={"owner": owner.username, "due_on": due_on.isoformat()},
    )
    return followup


@transaction.atomic
def close_followup(*, user: User, followup: FollowUp, done: bool) -> FollowUp:
    if not allowed("followup.close", user, followup):
        raise PermissionDenied(_("only its owner or a supervisor closes a follow-up"))
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status != FollowUpStatus.OPEN:
        raise ValidationError({"status": [_("this follow-up is already closed")]})
    followup.status = FollowUpStatus.DONE if done else FollowUpStatus.NOT_DONE
    followup.closed_at = timezone.now()
    followup.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=user,
        action=AuditAction.FOLLOWUP_CLOSE,
        object_type="cases.Case",
        object_id=followup.case_id,
        detail={"status": followup.status},
    )
    return followup


def due_followups(today: date) -> list[FollowUp]:
    """Open follow-ups due today or overdue and not reminded today."""
    return list(
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on__lte=today)
        .exclude(reminded_on=today)
        .select_related("case", "organisation")
    )


@transaction.atomic
def set_goal_result(
    *, user: User, objective: SupportObjective, achieved: bool, on: date, note: str = ""
) -> SupportObjective:
    """Mark a support-plan goal achieved or not achieved, with the date and a note."""
    if not allowed("case.work", user, objective.case):
        raise PermissionDenied(_("you cannot plan support in this case"))
    if on > timezone.localdate():
        raise ValidationError({"on": [_("cannot be in the future")]})
    if not achieved and not note.strip():
        raise ValidationError({"note": [_("say why the goal was not achieved")]})
    objective.status = ObjectiveStatus.ACHIEVED if achieved else ObjectiveStatus.NOT_ACHIEVED
    objective.resolved_on = on
    objective.resolution_note = note.strip()[:500]
    objective.save(update_fields=["status", "resolved_on", "resolution_note"])
    audit.record(
        actor=user,
        action=AuditAction.OBJECTIVE_STATUS,
        object_type="cases.Case",
        object_id=objective.case_id,
        fields=["resolution_note"],
        detail={"status": objective.status},
    )
    return objective
