"""API v1 for cases and referrals. Thin: parse, call a service or selector, answer.

Errors: 400 with field-keyed messages, 403 when the role may not, 404 for anything outside
the user's scope (indistinguishable from an unknown id), 409 when the case changed meanwhile;
each with its stable ``code`` (core/api_errors.py). The schema of every request and answer is
in ``api_schema.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgan.core.api_errors import FieldErrors, invalid
from qorgan.core.api_schema import BODY_ERRORS, errors
from qorgan.core.i18n import DEFAULT_LANGUAGE, localized
from qorgan.directory.models import Organisation

from . import api_schema as schema
from . import selectors, services
from .models import Case, CaseStatus, ConsentRecord, Referral


def _errors(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def answers(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn the services' exceptions into the API's answers."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except ValidationError as exc:
            raise FieldErrors(_errors(exc)) from None
        except services.ConcurrentEditError as exc:
            raise FieldErrors(
                {"version": [str(exc)]}, status.HTTP_409_CONFLICT, "version_conflict"
            ) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None

    return wrapper


def _date(data: dict[str, Any], field: str, required: bool = False) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("a date as YYYY-MM-DD is required")]})
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("a date as YYYY-MM-DD")]}) from None


def _version(data: dict[str, Any]) -> int:
    value = data.get("version")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            {
                "version": [
                    _("the version of the case you are changing (a whole number) is required")
                ]
            }
        )
    return value


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError({"request": [_("must be a JSON object")]})
    return data


def _case(request: Request, case_id: str, audited: bool = False) -> Case:
    case = (
        selectors.read_case(request.user, case_id)  # type: ignore[arg-type]
        if audited
        else selectors.cases_for(request.user).filter(pk=selectors.as_uuid(case_id)).first()  # type: ignore[arg-type]
    )
    if case is None:
        raise NotFound(_("no such case"))
    return case


def _referral(request: Request, referral_id: str) -> Referral:
    referral = selectors.referral_for(request.user, referral_id)  # type: ignore[arg-type]
    if referral is None:
        raise NotFound(_("no such referral"))
    return referral


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": str(case.pk),
        "reference": case.reference,
        "status": case.status,
        "organisation": case.organisation.code,
        "region": case.region.code if case.region else None,
        "version": case.version,
        "created_at": case.created_at.isoformat(),
        "person": {"surname": case.person.surname, "given_name": case.person.given_name},
    }


def case_json(case: Case) -> dict[str, Any]:
    person = case.person
    return {
        **case_summary(case),
        "person": {
            "surname": person.surname,
            "given_name": person.given_name,
            "patronymic": person.patronymic,
            "date_of_birth": person.date_of_birth,
            "iin": person.iin,
            "passport_number": person.passport_number,
            "phone": person.phone,
            "address": person.address,
            "sex": person.sex,
            "citizenship": person.citizenship,
            "age_group": person.age_group,
            "minor_presumed": person.minor_presumed,
            "legal_representative": person.legal_representative,
        },
        "exploitation_forms": case.exploitation_forms,
        "perpetrator_roles": case.perpetrator_roles,
        "identification": {
            "date": _iso(case.identification_date),
            "body": case.identification_body,
        },
        "erdr": {"number": case.erdr_number, "date": _iso(case.erdr_date)},
        "information_card_issued_on": _iso(case.information_card_issued_on),
        "closure_reason": case.closure_reason,
        "minors": {
            "guardianship_body": case.guardianship_body,
            "child_support_centre": case.child_support_centre.code
            if case.child_support_centre
            else None,
        },
        "status_history": [
            {
                "from": c.from_status,
                "to": c.to_status,
                "at": c.changed_at.isoformat(),
                "by": c.changed_by.get_username(),
            }
            for c in case.status_changes.select_related("changed_by")
        ],
        "consents": [consent_json(c) for c in case.consents.select_related("recipient")],
        "referrals": [
            referral_json(r)
            for r in case.referrals.select_related("from_organisation", "to_organisation")
        ],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def consent_json(consent: ConsentRecord) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "purpose": consent.purpose,
        "recipient": consent.recipient.code if consent.recipient else None,
        "form": consent.form,
        "given_on": consent.given_on.isoformat(),
        "withdrawn_on": _iso(consent.withdrawn_on),
    }


def referral_json(referral: Referral) -> dict[str, Any]:
    return {
        "id": str(referral.pk),
        "case": str(referral.case_id),
        "from": referral.from_organisation.code,
        "to": referral.to_organisation.code,
        "status": referral.status,
        "services": referral.services,
        "due_on": referral.due_on.isoformat(),
        "overdue": referral.status == "sent" and referral.due_on < timezone.localdate(),
        "consent": referral.consent_id,
        "override_reason": referral.override_reason,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "history": [
            {"action": e.action, "at": e.at.isoformat(), "by": e.by.get_username(), "note": e.note}
            for e in referral.events.all()
        ],
    }


PAGE_SIZE = 50
MAX_PAGE = 100_000  # beyond any register; keeps the offset a small number for every database
CASE_ERRORS = errors(403, 404)
CHANGE_ERRORS = errors(*BODY_ERRORS, 403, 404, 409)
CREATE_ERRORS = errors(*BODY_ERRORS, 403, 404)


class CaseListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=CaseStatus.values,
                required=False,
                description="only cases in this status",
            ),
            OpenApiParameter("page", int, description=f"1 to {MAX_PAGE}", required=False),
            OpenApiParameter("page_size", int, description="1 to 200 (50)", required=False),
        ],
        responses={200: schema.CaseListSerializer, **errors(400, 403)},
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status", "")
        try:
            page = max(1, int(request.query_params.get("page", "1")[:12]))
            size = min(200, max(1, int(request.query_params.get("page_size", str(PAGE_SIZE))[:12])))
        except ValueError:
            return invalid({"page": [_("page and page_size are whole numbers")]})
        if page > MAX_PAGE:
            return invalid({"page": [_("page is at most %(max)d") % {"max": MAX_PAGE}]})
        user: Any = request.user
        rows = selectors.case_summaries(
            user, status=status_filter, limit=size + 1, offset=(page - 1) * size
        )
        return Response({"page": page, "has_next": len(rows) > size, "results": rows[:size]})


class CaseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="cases_read", responses={200: schema.CaseSerializer, **CASE_ERRORS})
    def get(self, request: Request, case_id: str) -> Response:
        return Response(case_json(_case(request, case_id, audited=True)))


def _versioned_patch(request: Request, case_id: str, service: Callable[..., Any]) -> Response:
    """PATCH {version, fields…}: the service applies the fields to the version the client saw."""
    case = _case(request, case_id)
    data = dict(_object(request.data))
    version = _version(data)
    data.pop("version")
    service(user=request.user, case=case, expected_version=version, data=data)
    return Response(case_json(_case(request, case_id, audited=True)))


class CasePersonView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_person_update",
        request=schema.PersonUpdateSerializer,
        responses={200: schema.CaseSerializer, **CHANGE_ERRORS},
    )
    @answers
    def patch(self, request: Request, case_id: str) -> Response:
        return _versioned_patch(request, case_id, services.update_person)


class CaseDetailsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_details_update",
        request=schema.CaseDetailsUpdateSerializer,
        responses={200: schema.CaseSerializer, **CHANGE_ERRORS},
    )
    @answers
    def patch(self, request: Request, case_id: str) -> Response:
        return _versioned_patch(request, case_id, services.update_case_details)


class CaseTransitionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_transition",
        request=schema.CaseTransitionSerializer,
        responses={200: schema.CaseSerializer, **CHANGE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        services.change_status(
            user=request.user,  # type: ignore[arg-type]
            case=case,
            expected_version=_version(data),
            target=str(data.get("status", "")),
            reason=str(data.get("reason", "")),
            identification_date=_date(data, "identification_date"),
            identification_body=str(data.get("identification_body", "")),
            information_card_issued_on=_date(data, "information_card_issued_on"),
            closure_reason=str(data.get("closure_reason", "")),
        )
        return Response(case_json(_case(request, case_id, audited=True)))


class CaseMatchesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_matches",
        responses={200: schema.PossibleMatchListSerializer, **CASE_ERRORS},
    )
    @answers
    def get(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        matches = services.possible_matches(user=request.user, case=case)  # type: ignore[arg-type]
        return Response(
            {
                "results": [
                    {
                        "id": str(m.alert.pk),
                        "status": m.alert.status,
                        "message": "this person may already have a case at another organisation",
                        "matched_by": list(m.by),
                        "organisation": m.organisation.code if m.organisation else None,
                        "name": localized(m.organisation, "name", DEFAULT_LANGUAGE)
                        if m.organisation
                        else None,
                        "phones": [p["display"] for p in m.organisation.phones]
                        if m.organisation
                        else [],
                        "email": m.organisation.email if m.organisation else None,
                        "other_reference": m.other_reference or None,
                    }
                    for m in matches
                ]
            }
        )


class CaseConsentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_consent_record",
        request=schema.ConsentCreateSerializer,
        responses={201: schema.ConsentSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        recipient = None
        if data.get("recipient"):
            recipient = Organisation.objects.filter(code=data["recipient"]).first()
            if recipient is None:
                raise ValidationError({"recipient": [_("unknown organisation")]})
        consent = services.record_consent(
            user=request.user,  # type: ignore[arg-type]
            case=case,
            purpose=str(data.get("purpose", "")),
            form=str(data.get("form", "")),
            given_on=_date(data, "given_on", required=True),  # type: ignore[arg-type]
            recipient=recipient,
        )
        return Response(consent_json(consent), status=status.HTTP_201_CREATED)


class CaseReferralView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cases_referral_send",
        request=schema.ReferralCreateSerializer,
        responses={201: schema.ReferralSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        data = _object(request.data)
        to = Organisation.objects.filter(code=data.get("to") or "").first()
        if to is None:
            raise ValidationError({"to": [_("the code of the receiving organisation")]})
        consent = None
        if data.get("consent") is not None:
            consent = (
                case.consents.filter(pk=data["consent"]).first()
                if isinstance(data["consent"], int)
                else None
            )
            if consent is None:
                raise ValidationError({"consent": [_("no such consent record in this case")]})
        services_requested = data.get("services")
        if not isinstance(services_requested, list):
            raise ValidationError({"services": [_("a list of service codes")]})
        referral = services.send_referral(
            user=request.user,  # type: ignore[arg-type]
            case=case,
            to_organisation=to,
            services=[str(s) for s in services_requested],
            due_on=_date(data, "due_on", required=True),  # type: ignore[arg-type]
            note=str(data.get("note", "")),
            consent=consent,
            override_reason=str(data.get("override_reason", "")),
        )
        return Response(referral_json(referral), status=status.HTTP_201_CREATED)


class ReferralListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="referrals_list",
        responses={200: schema.ReferralListSerializer, **errors(403)},
    )
    def get(self, request: Request) -> Response:
        referrals = selectors.referral_inbox(request.user)  # type: ignore[arg-type]
        return Response({"results": [referral_json(r) for r in referrals]})


class ReferralActionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="referrals_action",
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=list(schema.REFERRAL_ACTIONS)
            )
        ],
        request=schema.ReferralActionSerializer,
        responses={200: schema.ReferralSerializer, **CREATE_ERRORS},
    )
    @answers
    def post(self, request: Request, referral_id: str, action: str) -> Response:
        referral = _referral(request, referral_id)
        data = _object(request.data)
        user: Any = request.user
        if action == "accept":
            referral = services.respond_to_referral(user=user, referral=referral, accept=True)
        elif action == "decline":
            referral = services.respond_to_referral(
                user=user, referral=referral, accept=False, reason=str(data.get("reason", ""))
            )
        elif action == "complete":
            referral = services.complete_referral(
                user=user, referral=referral, outcome=str(data.get("outcome", ""))
            )
        elif action == "withdraw":
            referral = services.withdraw_referral(
                user=user, referral=referral, reason=str(data.get("reason", ""))
            )
        else:
            raise NotFound(_("no such action"))
        return Response(referral_json(_referral(request, str(referral.pk))))
