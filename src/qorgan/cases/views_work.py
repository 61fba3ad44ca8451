"""The case page's "Working the case" part (issue 13 §1–§2): who works it, assignments, handover,
approvals, notes, follow-ups, goal results, consent withdrawal. One POST view, one action per
name; every refusal is shown as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core.i18n import localized
from qorgan.directory.models import Organisation

from . import approvals, consent, followups, forms_work, notes, participation, selectors, workflow
from .models import (
    ApprovalStatus,
    Case,
    ConsentPurpose,
    Handover,
    HandoverStatus,
    ObjectiveStatus,
)


def _approval_targets(user: Any, case: Case) -> list[str]:
    return [
        t
        for t in workflow.targets_from(case.status, Role.SUPERVISOR)
        if approvals.needs_approval(t) and participation.may_move(user, case, t)
    ]


def status_choices(user: Any, case: Case, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The status form's moves: the organisation's part, and no decision that waits for approval
    unless the user is a supervisor (the others ask for approval)."""
    return [
        (target, label)
        for target, label in choices
        if participation.may_move(user, case, target)
        and (user.role == Role.SUPERVISOR or not approvals.needs_approval(target))
    ]


def context(user: Any, case: Case) -> dict[str, Any]:
    """What the "Working the case" part shows and offers; a few queries."""
    org_id = user.organisation_id
    workers = participation.case_workers(org_id)
    participants = participation.participants(case)
    referral_consents = [
        c for c in case.consents.all() if c.active and c.purpose == ConsentPurpose.REFERRAL
    ]
    handovers = list(
        case.handovers.select_related("from_organisation", "to_organisation").order_by(
            "-requested_at"
        )
    )
    waiting_handover = next((h for h in handovers if h.status == HandoverStatus.REQUESTED), None)
    pending = case.approvals.filter(status=ApprovalStatus.PENDING).select_related("requested_by")
    targets = _approval_targets(user, case)
    today = timezone.localdate()
    open_case = case.status != "closed"  # a closed case takes no new assignments, handovers, tasks
    return {
        "work": {
            "lead": case.organisation,
            "participants": participants,
            "assignments": list(
                case.assignments.filter(ended_at__isnull=True).select_related(
                    "user", "organisation"
                )
            ),
            "can_assign": open_case and allowed("case.assign", user, case),
            "assign_form": forms_work.AssignForm(workers=workers, prefix="assign"),
            "can_handover": open_case
            and allowed("case.handover", user, case)
            and bool(participants)
            and waiting_handover is None,
            "handover_form": forms_work.HandoverForm(
                organisations=[(o.code, localized(o, "name")) for o in participants],
                consents=[
                    (
                        str(c.pk),
                        f"{c.get_form_display()}, {c.given_on:%d.%m.%Y}"
                        + (f" → {localized(c.recipient, 'name')}" if c.recipient else ""),
                    )
                    for c in referral_consents
                ],
                prefix="handover",
            ),
            "handovers": handovers,
            "waiting_handover": waiting_handover,
            "can_answer_handover": waiting_handover is not None
            and allowed("handover.answer", user, waiting_handover),
            "approvals": list(pending),
            "approval_history": list(
                case.approvals.exclude(status=ApprovalStatus.PENDING).select_related("decided_by")[
                    :10
                ]
            ),
            "can_decide": user.role == Role.SUPERVISOR,
            "can_request_approval": allowed("case.request_approval", user, case)
            and bool(targets)
            and not pending.exists(),
            "approval_form": forms_work.ApprovalRequestForm(targets=targets, prefix="approval"),
            "notes": notes.read_notes(user=user, case=case),
            "note_form": forms_work.NoteForm(prefix="note"),
            "followups": list(case.followups.select_related("owner", "organisation")),
            "followup_form": forms_work.FollowUpForm(
                workers=workers, initial={"owner": user.get_username()}, prefix="followup"
            ),
            "open_goals": [o for o in case.objectives.all() if o.status == ObjectiveStatus.OPEN],
            "goal_form_initial": today,
            "active_consents": [c for c in case.consents.all() if c.active],
            "can_work": allowed("case.work", user, case),
            "can_plan": open_case and allowed("case.followup", user, case),
            "can_withdraw_consent": allowed("case.withdraw_consent", user, case),
            "today": today,
            "user_id": user.pk,
            "is_supervisor": user.role == Role.SUPERVISOR,
        }
    }


Handler = Callable[[Any, Case, HttpRequest], str]


def _id(request: HttpRequest) -> int:
    form = forms_work.IdForm(request.POST)
    if not form.is_valid():
        raise Http404
    return int(form.cleaned_data["id"])


def _reason(request: HttpRequest) -> str:
    return request.POST.get("reason", "")[:500]


def _assign(user: Any, case: Case, request: HttpRequest) -> str:
    form = forms_work.AssignForm(
        request.POST, workers=participation.case_workers(user.organisation_id), prefix="assign"
    )
    if not form.is_valid():
        raise ValidationError({"user": [_("choose a case worker of your organisation")]})
    worker = User.objects.get(
        username=form.cleaned_data["user"], organisation_id=user.organisation_id
    )
    participation.assign(user=user, case=case, worker=worker)
    return _("The case worker was assigned.")


def _unassign(user: Any, case: Case, request: HttpRequest) -> str:
    assignment = case.assignments.filter(pk=_id(request)).first()
    if assignment is None:
        raise Http404
    participation.unassign(user=user, assignment=assignment)
    return _("The assignment was ended.")


def _handover(user: Any, case: Case, request: HttpRequest) -> str:
    to = Organisation.objects.filter(code=request.POST.get("handover-to", "")).first()
    record = case.consents.filter(pk=request.POST.get("handover-consent") or 0).first()
    if to is None or record is None:
        raise ValidationError(
            {"handover": [_("Choose the organisation and the person's consent.")]}
        )
    participation.request_handover(
        user=user,
        case=case,
        to_organisation=to,
        consent=record,
        note=request.POST.get("handover-note", ""),
    )
    return _("The handover was asked for: the receiving organisation's supervisor answers.")


def _handover_answer(accept: bool) -> Handler:
    def handler(user: Any, case: Case, request: HttpRequest) -> str:
        handover = Handover.objects.filter(case=case, pk=_id(request)).first()
        if handover is None:
            raise Http404
        participation.answer_handover(
            user=user, handover=handover, accept=accept, reason=_reason(request)
        )
        return (
            _("The handover was accepted: your organisation now leads the case.")
            if accept
            else _("The handover was declined.")
        )

    return handler


def _approval_request(user: Any, case: Case, request: HttpRequest) -> str:
    form = forms_work.ApprovalRequestForm(
        request.POST, targets=_approval_targets(user, case), prefix="approval"
    )
    if not form.is_valid():
        raise ValidationError({"status": [_("Choose the decision.")]})
    d = form.cleaned_data
    approvals.request_approval(
        user=user,
        case=case,
        target=d["status"],
        identification_date=d["identification_date"],
        identification_body=d["identification_body"],
        closure_reason=d["closure_reason"],
    )
    return _("A supervisor of your organisation was asked to approve.")


def _decide(approve: bool) -> Handler:
    def handler(user: Any, case: Case, request: HttpRequest) -> str:
        approval = case.approvals.filter(pk=_id(request)).first()
        if approval is None:
            raise Http404
        approvals.decide(user=user, approval=approval, approve=approve, reason=_reason(request))
        return _("Approved: the decision is made.") if approve else _("Sent back with your reason.")

    return handler


def _note(user: Any, case: Case, request: HttpRequest) -> str:
    form = forms_work.NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        raise ValidationError({"text": [_("write the note")]})
    notes.add_note(user=user, case=case, text=form.cleaned_data["text"])
    return _("The note was saved, encrypted.")


def _followup(user: Any, case: Case, request: HttpRequest) -> str:
    form = forms_work.FollowUpForm(
        request.POST, workers=participation.case_workers(user.organisation_id), prefix="followup"
    )
    if not form.is_valid():
        raise ValidationError(form.errors)
    d = form.cleaned_data
    owner = User.objects.get(username=d["owner"], organisation_id=user.organisation_id)
    followups.add_followup(user=user, case=case, task=d["task"], due_on=d["due_on"], owner=owner)
    return _("The follow-up was planned.")


def _followup_close(done: bool) -> Handler:
    def handler(user: Any, case: Case, request: HttpRequest) -> str:
        followup = case.followups.filter(pk=_id(request)).first()
        if followup is None:
            raise Http404
        followups.close_followup(user=user, followup=followup, done=done)
        return _("The follow-up was closed.")

    return handler


def _goal(achieved: bool) -> Handler:
    def handler(user: Any, case: Case, request: HttpRequest) -> str:
        form = forms_work.GoalResultForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors)
        goal = case.objectives.filter(pk=form.cleaned_data["id"]).first()
        if goal is None:
            raise Http404
        followups.set_goal_result(
            user=user,
            objective=goal,
            achieved=achieved,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
        return _("The goal's result was recorded.")

    return handler


def _withdraw(user: Any, case: Case, request: HttpRequest) -> str:
    form = forms_work.WithdrawConsentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors)
    record = case.consents.filter(pk=form.cleaned_data["id"]).first()
    if record is None:
        raise Http404
    done = consent.withdraw(
        user=user, consent=record, withdrawn_on=form.cleaned_data["withdrawn_on"]
    )
    return _(
        "The consent was withdrawn: %(referrals)d referral(s) waiting for an answer were withdrawn; organisations that lost access: %(count)d."
    ) % {"referrals": done.referrals_withdrawn, "count": len(done.organisations_out)}


ACTIONS: dict[str, Handler] = {
    "assign": _assign,
    "unassign": _unassign,
    "handover": _handover,
    "handover-accept": _handover_answer(True),
    "handover-decline": _handover_answer(False),
    "approval": _approval_request,
    "approve": _decide(True),
    "send-back": _decide(False),
    "note": _note,
    "followup": _followup,
    "followup-done": _followup_close(True),
    "followup-not-done": _followup_close(False),
    "goal-achieved": _goal(True),
    "goal-not-achieved": _goal(False),
    "withdraw-consent": _withdraw,
}


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return " ".join(exc.messages)


@require_POST
def work_action(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    user: Any = request.user
    case = selectors.cases_for(user).filter(pk=selectors.as_uuid(case_id)).first()
    if case is None or action not in ACTIONS:
        raise Http404
    try:
        messages.success(request, ACTIONS[action](user, case, request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    if not selectors.cases_for(user).filter(pk=case.pk).exists():
        return redirect("cases:list")  # the user's organisation no longer sees the case
    # To the top of the case page, where the message (done, or what refused it) is shown.
    return redirect(reverse("cases:detail", kwargs={"case_id": case.pk}))
