"""API v1 for working a case across organisations (issue 13 §1–§2): notes, follow-ups,
assignments, handover, approvals, goal results, consent withdrawal. Same conventions as
``api.py`` (400 field-keyed, 403 role, 404 outside the user's scope, stable ``code``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgan.accounts.models import User
from qorgan.core.api_schema import BODY_ERRORS, errors
from qorgan.directory.models import Organisation

from . import approvals, consent, followups, notes, participation, selectors
from .api import _case, _date, _object, answers, consent_json
from .api_schema import ConsentSerializer
from .models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    CaseStatus,
    FollowUp,
    FollowUpStatus,
    Handover,
    HandoverStatus,
    ObjectiveStatus,
)

CASE_ERRORS = errors(403, 404)
CREATE_ERRORS = errors(*BODY_ERRORS, 403, 404)

# --- Schemas -------------------------------------------------------------------------------------


class CaseNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="Code of the writer's organisation.")
    written_by = serializers.CharField()
    written_at = serializers.DateTimeField()
    text = serializers.CharField()


class CaseNoteListSerializer(serializers.Serializer):
    results = CaseNoteSerializer(many=True)


class CaseNoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="At most 4000 characters; stored encrypted.")


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.UUIDField()
    owner = serializers.CharField()
    task = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)


class FollowUpCreateSerializer(serializers.Serializer):
    task = serializers.CharField()
    due_on = serializers.DateField()
    owner = serializers.CharField(
        required=False, help_text="Username of a colleague; the caller by default."
    )


class FollowUpCloseSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class CaseAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField()
    organisation = serializers.CharField()
    active = serializers.BooleanField()


class CaseAssignmentCreateSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="Username of a case worker of your organisation.")


class HandoverSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.UUIDField()
    from_organisation = serializers.CharField()
    to_organisation = serializers.CharField()
    status = serializers.ChoiceField(choices=HandoverStatus.choices)


class HandoverCreateSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Code of a participating organisation.")
    consent = serializers.IntegerField(help_text="The person's consent to referral to it.")
    note = serializers.CharField(required=False, allow_blank=True)


class HandoverAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True)


class CaseApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ApprovalKind.choices)
    target = serializers.ChoiceField(choices=CaseStatus.choices)
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    reason = serializers.CharField(allow_blank=True)


class CaseApprovalCreateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=CaseStatus.choices,
        help_text="identified, not_identified (with the decision's date and body) or closed "
        "(with the reason): the decisions that wait for a supervisor.",
    )
    identification_date = serializers.DateField(required=False)
    identification_body = serializers.CharField(required=False, allow_blank=True)
    closure_reason = serializers.CharField(required=False, allow_blank=True)


class ApprovalDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Needed to send back."
    )


class GoalResultSerializer(serializers.Serializer):
    achieved = serializers.BooleanField()
    on = serializers.DateField()
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Needed if not achieved."
    )


class GoalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ObjectiveStatus.choices)
    resolved_on = serializers.DateField(allow_null=True)


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField()


# --- Helpers -------------------------------------------------------------------------------------


def _bool(data: dict[str, Any], field: str) -> bool:
    value = data.get(field)
    if not isinstance(value, bool):
        raise ValidationError({field: [_("true or false")]})
    return value


def _followup_json(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "case": str(f.case_id),
        "owner": f.owner.username,
        "task": f.task,
        "due_on": f.due_on.isoformat(),
        "status": f.status,
    }


def _handover_json(h: Handover) -> dict[str, Any]:
    return {
        "id": h.pk,
        "case": str(h.case_id),
        "from_organisation": h.from_organisation.code,
        "to_organisation": h.to_organisation.code,
        "status": h.status,
    }


def _approval_json(a: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case": str(a.case_id),
        "kind": a.kind,
        "target": a.target,
        "status": a.status,
        "reason": a.reason,
    }


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else -1


# --- Views ---------------------------------------------------------------------------------------


class CaseNotesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_notes_list", responses={200: CaseNoteListSerializer, **CASE_ERRORS}
    )
    @answers
    def get(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        found = notes.read_notes(user=request.user, case=case)  # type: ignore[arg-type]
        return Response(
            {
                "results": [
                    {
                        "id": n.pk,
                        "organisation": n.organisation.code,
                        "written_by": n.written_by.username,
                        "written_at": n.written_at.isoformat(),
                        "text": n.text,
                    }
                    for n in found
                ]
            }
        )

    @extend_schema(
        operation_id="cases_note_add",
        request=CaseNoteCreateSerializer,
        responses={201: CaseNoteSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        n = notes.add_note(user=request.user, case=case, text=str(data.get("text", "")))  # type: ignore[arg-type]
        body = {
            "id": n.pk,
            "organisation": n.organisation.code,
            "written_by": n.written_by.username,
            "written_at": n.written_at.isoformat(),
            "text": n.text,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class CaseFollowUpsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_followup_add",
        request=FollowUpCreateSerializer,
        responses={201: FollowUpSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        user: Any = request.user
        case = _case(request, case_id)
        data = _object(request.data)
        owner = user
        if data.get("owner"):
            owner = User.objects.filter(
                username=str(data["owner"]), organisation_id=user.organisation_id
            ).first()
            if owner is None:
                raise ValidationError(
                    {"owner": [_("the owner is a colleague of your organisation")]}
                )
        f = followups.add_followup(
            user=user,
            case=case,
            task=str(data.get("task", "")),
            due_on=_date(data, "due_on", required=True),  # type: ignore[arg-type]
            owner=owner,
        )
        return Response(_followup_json(f), status=status.HTTP_201_CREATED)


class FollowUpCloseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="followups_close",
        request=FollowUpCloseSerializer,
        responses={200: FollowUpSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, followup_id: str) -> Response:
        user: Any = request.user
        f = (
            FollowUp.objects.filter(
                pk=_int(followup_id), case__in=selectors.cases_for(user).values("pk")
            )
            .select_related("owner")
            .first()
        )
        if f is None:
            raise NotFound(_("no such follow-up"))
        f = followups.close_followup(
            user=user, followup=f, done=_bool(_object(request.data), "done")
        )
        return Response(_followup_json(f))


class CaseAssignmentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_assign",
        request=CaseAssignmentCreateSerializer,
        responses={201: CaseAssignmentSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        user: Any = request.user
        case = _case(request, case_id)
        data = _object(request.data)
        worker = User.objects.filter(
            username=str(data.get("user", "")), organisation_id=user.organisation_id
        ).first()
        if worker is None:
            raise ValidationError({"user": [_("choose a case worker of your organisation")]})
        a = participation.assign(user=user, case=case, worker=worker)
        body = {
            "id": a.pk,
            "user": worker.username,
            "organisation": user.organisation.code,
            "active": a.ended_at is None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class CaseHandoverView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_handover_request",
        request=HandoverCreateSerializer,
        responses={201: HandoverSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        to = Organisation.objects.filter(code=str(data.get("to") or "")).first()
        if to is None:
            raise ValidationError({"to": [_("the code of the receiving organisation")]})
        given = data.get("consent")
        record = (
            case.consents.filter(pk=given).first()
            if isinstance(given, int) and not isinstance(given, bool)
            else None
        )
        if record is None:
            raise ValidationError({"consent": [_("no such consent record in this case")]})
        h = participation.request_handover(
            user=request.user,  # type: ignore[arg-type]
            case=case,
            to_organisation=to,
            consent=record,
            note=str(data.get("note", "")),
        )
        return Response(_handover_json(h), status=status.HTTP_201_CREATED)


class HandoverAnswerView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="handovers_answer",
        request=HandoverAnswerSerializer,
        responses={200: HandoverSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, handover_id: str) -> Response:
        user: Any = request.user
        h = None
        if selectors.allowed("screening.create", user):  # the roles that work with persons
            h = (
                Handover.objects.filter(pk=_int(handover_id))
                .filter(
                    Q(to_organisation_id=user.organisation_id)
                    | Q(from_organisation_id=user.organisation_id)
                )
                .select_related("from_organisation", "to_organisation", "consent")
                .first()
            )
        if h is None:
            raise NotFound(_("no such handover"))
        data = _object(request.data)
        h = participation.answer_handover(
            user=user, handover=h, accept=_bool(data, "accept"), reason=str(data.get("reason", ""))
        )
        return Response(_handover_json(h))


class CaseApprovalsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_approval_request",
        request=CaseApprovalCreateSerializer,
        responses={201: CaseApprovalSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        a = approvals.request_approval(
            user=request.user,  # type: ignore[arg-type]
            case=case,
            target=str(data.get("status", "")),
            identification_date=_date(data, "identification_date"),
            identification_body=str(data.get("identification_body", "")),
            closure_reason=str(data.get("closure_reason", "")),
        )
        return Response(_approval_json(a), status=status.HTTP_201_CREATED)


class ApprovalDecideView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="approvals_decide",
        request=ApprovalDecisionSerializer,
        responses={200: CaseApprovalSerializer, **errors(*BODY_ERRORS, 403, 404, 409)},
    )
    @answers
    def post(self, request: Request, approval_id: str) -> Response:
        user: Any = request.user
        a = ApprovalRequest.objects.filter(
            pk=_int(approval_id), case__in=selectors.cases_for(user).values("pk")
        ).first()
        if a is None:
            raise NotFound(_("no such request"))
        data = _object(request.data)
        a = approvals.decide(
            user=user,
            approval=a,
            approve=_bool(data, "approve"),
            reason=str(data.get("reason", "")),
        )
        return Response(_approval_json(a))


class GoalResultView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_goal_result",
        request=GoalResultSerializer,
        responses={200: GoalSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str, goal_id: str) -> Response:
        case = _case(request, case_id)
        goal = case.objectives.filter(pk=_int(goal_id)).first()
        if goal is None:
            raise NotFound(_("no such goal"))
        data = _object(request.data)
        goal = followups.set_goal_result(
            user=request.user,  # type: ignore[arg-type]
            objective=goal,
            achieved=_bool(data, "achieved"),
            on=_date(data, "on", required=True),  # type: ignore[arg-type]
            note=str(data.get("note", "")),
        )
        return Response(
            {
                "id": goal.pk,
                "status": goal.status,
                "resolved_on": goal.resolved_on.isoformat() if goal.resolved_on else None,
            }
        )


class ConsentWithdrawView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_consent_withdraw",
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str, consent_id: str) -> Response:
        case = _case(request, case_id)
        record = case.consents.filter(pk=_int(consent_id)).select_related("recipient").first()
        if record is None:
            raise NotFound(_("no such consent record in this case"))
        data = _object(request.data)
        done = consent.withdraw(
            user=request.user,  # type: ignore[arg-type]
            consent=record,
            withdrawn_on=_date(data, "withdrawn_on", required=True),  # type: ignore[arg-type]
        )
        return Response(consent_json(done.consent))
