"""API v1 for incidents and duplicate alerts (issue 13 §3). Thin, like ``cases/api.py``: the
services check the rules; out of scope is 404, like an id that does not exist."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgan.core.api_schema import BODY_ERRORS, errors
from qorgan.core.i18n import one_of
from qorgan.directory.models import Region

from . import duplicates, incidents
from .api import _case, _object, answers
from .api_schema import _choice, _nullable_text, _text
from .models import DuplicateAlert, DuplicateStatus, Incident, IncidentKind, PersonRelation

DUPLICATE_ACTIONS = ("ask", "agree", "decline", "same", "different")
READ_ERRORS = errors(403, 404)
WRITE_ERRORS = errors(*BODY_ERRORS, 403, 404)


# --- Schema ---------------------------------------------------------------------------------


class IncidentCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.CharField()


class IncidentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    kind = _choice(IncidentKind)
    summary = _text()
    people_reported = serializers.IntegerField()
    region = _nullable_text("ISO 3166-2:KZ code of the region, or null.")
    source_report = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    cases = IncidentCaseSerializer(many=True, help_text="The linked cases the user may see.")


class IncidentListSerializer(serializers.Serializer):
    results = IncidentSerializer(many=True)


class IncidentCreateSerializer(serializers.Serializer):
    kind = _choice(IncidentKind)
    summary = _text(required=False, max_length=2000)
    people_reported = serializers.IntegerField(required=False, min_value=0)
    region = _text("ISO 3166-2:KZ code.", required=False)


class IncidentPersonSerializer(serializers.Serializer):
    """Without ``case``: a new case is opened for the person; with it: that case is linked."""

    case = serializers.UUIDField(required=False)


class PersonLinkCreateSerializer(serializers.Serializer):
    other = serializers.UUIDField(help_text="The other case.")
    relation = _choice(PersonRelation, help_text="The case's person <relation> the other's.")


class PersonLinkSerializer(serializers.Serializer):
    relation = serializers.CharField(help_text="In the user's language.")
    other = IncidentCaseSerializer()


class PersonLinkListSerializer(serializers.Serializer):
    results = PersonLinkSerializer(many=True)


class DuplicateRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = _choice(DuplicateStatus)
    matched_by = serializers.ListField(child=serializers.CharField())
    asking_organisation = serializers.CharField(help_text="Code of the organisation that asks.")
    case = serializers.CharField(help_text="Reference of your organisation's case.")


class DuplicateRequestListSerializer(serializers.Serializer):
    results = DuplicateRequestSerializer(many=True)


class DuplicateActionSerializer(serializers.Serializer):
    """ask (the case's organisation, unnamed other); agree or decline (the other
    organisation's supervisor); same or different (either side, once agreed)."""

    action = _choice(list(DUPLICATE_ACTIONS))


class DuplicateStateSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = _choice(DuplicateStatus)
    organisation = _nullable_text("The other organisation's code, once it agreed.")


# --- Views ----------------------------------------------------------------------------------


def incident_json(user: Any, incident: Incident) -> dict[str, Any]:
    return {
        "id": str(incident.pk),
        "reference": incident.reference,
        "kind": incident.kind,
        "summary": incident.summary,
        "people_reported": incident.people_reported,
        "region": incident.region.code if incident.region else None,
        "source_report": incident.source_report,
        "created_at": incident.created_at.isoformat(),
        "cases": [
            {"id": str(c.pk), "reference": c.reference, "status": c.status}
            for c in incidents.visible_cases(user, incident)
        ],
    }


def _incident(request: Request, incident_id: str) -> Incident:
    incident = incidents.incident_for(request.user, incident_id)
    if incident is None:
        raise NotFound(_("no such incident"))
    return incident


class IncidentListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="incidents_list", responses={200: IncidentListSerializer, **errors(403)}
    )
    def get(self, request: Request) -> Response:
        found = incidents.incidents_for(request.user)[:200]
        return Response({"results": [incident_json(request.user, i) for i in found]})

    @extend_schema(
        operation_id="incidents_create",
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, **WRITE_ERRORS},
    )
    @answers
    def post(self, request: Request) -> Response:
        data = _object(request.data)
        region = Region.objects.filter(code=str(data.get("region") or "")).first()
        people = data.get("people_reported", 0)
        incident = incidents.open_incident(
            user=request.user,
            kind=str(data.get("kind", "")),
            summary=str(data.get("summary") or ""),
            people_reported=people if isinstance(people, int) else -1,
            region=region,
        )
        return Response(incident_json(request.user, incident), status=status.HTTP_201_CREATED)


class IncidentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="incidents_read", responses={200: IncidentSerializer, **READ_ERRORS}
    )
    def get(self, request: Request, incident_id: str) -> Response:
        return Response(incident_json(request.user, _incident(request, incident_id)))


class IncidentPersonView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="incidents_person_add",
        request=IncidentPersonSerializer,
        responses={201: IncidentSerializer, **WRITE_ERRORS},
    )
    @answers
    def post(self, request: Request, incident_id: str) -> Response:
        incident = _incident(request, incident_id)
        data = _object(request.data)
        case = _case(request, str(data["case"])) if data.get("case") else None
        incidents.add_person(user=request.user, incident=incident, case=case)
        return Response(incident_json(request.user, incident), status=status.HTTP_201_CREATED)


class PersonLinkView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_links_list", responses={200: PersonLinkListSerializer, **READ_ERRORS}
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        return Response({"results": _links(request, case)})

    @extend_schema(
        operation_id="cases_links_create",
        request=PersonLinkCreateSerializer,
        responses={201: PersonLinkListSerializer, **WRITE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        other = _case(request, str(data.get("other", "")))
        incidents.link_persons(
            user=request.user, case=case, other=other, relation=str(data.get("relation", ""))
        )
        return Response({"results": _links(request, case)}, status=status.HTTP_201_CREATED)


def _links(request: Request, case: Any) -> list[dict[str, Any]]:
    return [
        {
            "relation": words,
            "other": {"id": str(o.pk), "reference": o.reference, "status": o.status},
        }
        for words, o in incidents.links_of(request.user, case)
    ]


class DuplicateRequestListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="duplicates_requests",
        responses={200: DuplicateRequestListSerializer, **errors(403)},
    )
    def get(self, request: Request) -> Response:
        found = duplicates.requests_for(request.user)[:200]
        return Response(
            {
                "results": [
                    {
                        "id": str(a.pk),
                        "status": a.status,
                        "matched_by": list(a.matched_by),
                        "asking_organisation": a.case.organisation.code,
                        "case": a.other.reference,
                    }
                    for a in found
                ]
            }
        )


class DuplicateActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="duplicates_action",
        request=DuplicateActionSerializer,
        responses={200: DuplicateStateSerializer, **WRITE_ERRORS},
    )
    @answers
    def post(self, request: Request, alert_id: str) -> Response:
        action = str(_object(request.data).get("action", ""))
        alert = duplicates.alert_for(request.user, alert_id)
        if alert is None:
            raise NotFound(_("no such possible match"))
        user: Any = request.user
        if action == "ask":
            alert = duplicates.request_coordination(user=user, alert=alert)
        elif action in ("agree", "decline"):
            alert = duplicates.answer_coordination(user=user, alert=alert, agree=action == "agree")
        elif action in ("same", "different"):
            alert = duplicates.resolve(user=user, alert=alert, same_person=action == "same")
        else:
            raise ValidationError({"action": [one_of(DUPLICATE_ACTIONS)]})
        return Response(state_json(user, alert))


def state_json(user: Any, alert: DuplicateAlert) -> dict[str, Any]:
    """The asking side learns the other organisation only once it agreed; the asked side
    already knows who asks."""
    if alert.case.organisation_id == user.organisation_id:
        other = alert.other.organisation.code if alert.revealed else None
    else:
        other = alert.case.organisation.code
    return {"id": str(alert.pk), "status": alert.status, "organisation": other}
