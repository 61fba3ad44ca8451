"""API v1 for screenings: evaluate without storing; store, read, tick the plan."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from qorgan.cases.selectors import as_uuid
from qorgan.core import clients
from qorgan.core.api_errors import invalid
from qorgan.core.api_schema import BODY_ERRORS, errors
from qorgan.knowledge.catalogue import LANGUAGES

from . import selectors, services
from .contract import request_schema, result_schema
from .engine import ScreeningInputError, screen
from .models import PlanStep, Screening

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    enum=list(LANGUAGES),
    description="language of the texts (default kk)",
)
EXAMPLE_REQUEST = {
    "screened_by": "police",
    "reported_to_102": True,
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
    "signs": ["S01", "S28"],
    "risk_groups": ["R17"],
    "places": [],
    "physical_injuries": True,
    "accepts_help": True,
}
# Made from the engine's dataclasses: the API documents exactly what the engine reads and returns.
REQUEST_SCHEMA = request_schema()
RESULT_SCHEMA = result_schema()


def _language(request: Request) -> str:
    language = request.query_params.get("lang", "kk")
    if language not in LANGUAGES:
        raise serializers.ValidationError(
            {
                "lang": [
                    _("unknown language %(language)r; use one of %(choices)s")
                    % {"language": language, "choices": ", ".join(LANGUAGES)}
                ]
            }
        )
    return language


def _invalid(exc: ScreeningInputError) -> Response:
    return invalid(exc.as_field_dict())


# The answers' schemas (the views build the answers with _step_json and _screening_json).
class ScreeningStoreRequestSerializer(type(REQUEST_SCHEMA)):  # type: ignore[misc]
    consent_to_referral = serializers.BooleanField(
        required=False, help_text="The person consents to referral (recorded on the case)."
    )
    client_uuid = serializers.UUIDField(
        required=False,
        help_text="The offline app's identifier: a screening sent again is not stored twice.",
    )


class PlanStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    code = serializers.CharField(help_text="The action's code in the catalogue.")
    urgency = serializers.CharField()
    done = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(allow_null=True, help_text="Username.")


class ScreeningCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()


class StoredScreeningSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    organisation = serializers.CharField(help_text="Code of the organisation.")
    case = ScreeningCaseSerializer(allow_null=True, help_text="The case it opened, or null.")
    consent_to_referral = serializers.BooleanField()
    request = type(REQUEST_SCHEMA)()
    result = type(RESULT_SCHEMA)()
    plan = PlanStepSerializer(many=True)


class ScreeningSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    assessment = serializers.CharField()
    case = serializers.CharField(allow_null=True, help_text="Reference of its case, or null.")
    steps_done = serializers.IntegerField()
    steps = serializers.IntegerField()


class ScreeningListSerializer(serializers.Serializer):
    results = ScreeningSummarySerializer(many=True)


class PlanStepUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class EvaluationThrottle(AnonRateThrottle):
    """Per client: the address through trusted proxies only (``X-Forwarded-For`` from anyone
    else is ignored), kept in the cache as a keyed hash (``core.clients``)."""

    rate = "120/min"

    def get_ident(self, request: Request) -> str:
        return clients.client_key(request, "evaluate")


class EvaluateView(APIView):
    """Evaluate a screening without storing anything."""

    permission_classes = [AllowAny]
    throttle_classes = [EvaluationThrottle]

    @extend_schema(
        operation_id="screenings_evaluate",
        parameters=[LANG_PARAMETER],
        request=REQUEST_SCHEMA,
        responses={200: RESULT_SCHEMA, **errors(*BODY_ERRORS, 403, 429)},
        examples=[
            OpenApiExample(
                "Police, 102 report, girl with injuries", value=EXAMPLE_REQUEST, request_only=True
            )
        ],
        description="The assessment and the SOP's action plan for one person (SPEC §4). Stores nothing.",
    )
    def post(self, request: Request) -> Response:
        language = _language(request)
        try:
            return Response(screen(request.data, language=language).as_dict())
        except ScreeningInputError as exc:
            return _invalid(exc)


def _step_json(step: PlanStep) -> dict[str, Any]:
    return {
        "position": step.position,
        "code": step.action,
        "urgency": step.urgency,
        "done": step.done,
        "done_at": step.done_at.isoformat() if step.done_at else None,
        "done_by": step.done_by.get_username() if step.done_by else None,
    }


def _screening_json(screening: Screening) -> dict[str, Any]:
    return {
        "id": str(screening.id),
        "created_at": screening.created_at.isoformat(),
        "organisation": screening.organisation.code,
        "case": {"id": str(screening.case.id), "reference": screening.case.reference}
        if screening.case
        else None,
        "consent_to_referral": screening.consent_to_referral,
        "request": screening.request,
        "result": screening.result,
        "plan": [_step_json(step) for step in screening.steps.all()],
    }


class ScreeningListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="screenings_store",
        parameters=[LANG_PARAMETER],
        request=ScreeningStoreRequestSerializer,
        responses={
            201: StoredScreeningSerializer,
            200: OpenApiResponse(
                StoredScreeningSerializer,
                description="Stored before with this client_uuid by the same user.",
            ),
            **errors(*BODY_ERRORS, 403, 409),
        },
        description=(
            "Store a screening for the user's organisation (screened_by defaults to its kind). "
            "A screening with signs opens a case. Optional `consent_to_referral` (boolean)."
        ),
    )
    def post(self, request: Request) -> Response:
        language = _language(request)
        data = request.data
        consent = False
        if isinstance(data, dict) and "consent_to_referral" in data:
            data = dict(data)
            consent = data.pop("consent_to_referral")
            if not isinstance(consent, bool):
                return invalid({"consent_to_referral": [_("must be true or false")]})
        # The offline app's identifier (docs/offline.md): a screening sent again is not stored twice.
        client_uuid = None
        if isinstance(data, dict) and "client_uuid" in data:
            data = dict(data)
            client_uuid = as_uuid(data.pop("client_uuid"))
            if client_uuid is None:
                return invalid({"client_uuid": [_("must be a UUID")]})
            if (repeat := self._sent_before(request, client_uuid)) is not None:
                return repeat
        try:
            stored = services.store_screening(
                user=request.user,  # type: ignore[arg-type]
                data=data,
                language=language,
                consent_to_referral=consent,
                client_uuid=client_uuid,
            )
        except ScreeningInputError as exc:
            return _invalid(exc)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except IntegrityError:  # the same client_uuid stored meanwhile by a parallel request
            if client_uuid is not None and (repeat := self._sent_before(request, client_uuid)):
                return repeat
            raise
        stored = selectors.screening_for(request.user, stored.id, audited=False)  # type: ignore[arg-type,assignment]
        return Response(_screening_json(stored), status=status.HTTP_201_CREATED)

    @staticmethod
    def _sent_before(request: Request, client_uuid: uuid.UUID) -> Response | None:
        """The screening already stored with this client_uuid: 200 with it for its own user,
        409 for anyone else (nothing about it is shown)."""
        existing = Screening.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            return None
        if existing.screened_by_user_id != request.user.pk:
            return invalid(
                {"client_uuid": [_("already used by another screening")]},
                status.HTTP_409_CONFLICT,
                "already_used",
            )
        mine = selectors.screening_for(request.user, existing.id, audited=False)  # type: ignore[arg-type]
        return Response(_screening_json(mine), status=status.HTTP_200_OK)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="screenings_list", responses={200: ScreeningListSerializer, **errors(403)}
    )
    def get(self, request: Request) -> Response:
        items = selectors.screenings_for(request.user)[:100]  # type: ignore[arg-type]
        return Response(
            {
                "results": [
                    {
                        "id": str(s.id),
                        "created_at": s.created_at.isoformat(),
                        "assessment": s.assessment,
                        "case": s.case.reference if s.case else None,
                        "steps_done": sum(step.done for step in s.steps.all()),
                        "steps": len(s.steps.all()),
                    }
                    for s in items
                ]
            }
        )


class ScreeningDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="screenings_read",
        responses={200: StoredScreeningSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, screening_id: str) -> Response:
        screening = selectors.screening_for(request.user, screening_id)  # type: ignore[arg-type]
        if screening is None:
            raise NotFound(_("no such screening"))
        return Response(_screening_json(screening))


class PlanStepView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="screenings_plan_step",
        request=PlanStepUpdateSerializer,
        responses={200: PlanStepSerializer, **errors(*BODY_ERRORS, 403, 404)},
    )
    def post(self, request: Request, screening_id: str, position: int) -> Response:
        screening = selectors.screening_for(request.user, screening_id, audited=False)  # type: ignore[arg-type]
        step = screening.steps.filter(position=position).first() if screening else None
        if step is None:
            raise NotFound(_("no such step"))
        done = request.data.get("done") if isinstance(request.data, dict) else None
        if not isinstance(done, bool):
            return invalid({"done": [_("must be true or false")]})
        step = services.tick_plan_step(user=request.user, step=step, done=done)  # type: ignore[arg-type]
        return Response(_step_json(step))
