"""API v1 for the hotline desk: telephony and chat systems (or a desk of their own) create
contacts; operators list and read them. Thin: the serializers type and parse, the services
validate and write (their field-keyed messages are the 400s, core/api_errors.py).

An integration signs in like any user (session, second factor) as an operator of the hotline.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from qorgan.core.api_errors import FieldErrors
from qorgan.core.api_schema import BODY_ERRORS, errors

from . import selectors, services
from .models import LANGUAGES, Action, CallerRelation, Channel, Contact, ContactType, Outcome


def _codes(items: Any) -> list[str]:
    return [code for code, _label in items]


class ContactCreateSerializer(serializers.Serializer):
    """One contact as a telephony or chat system reports it (codes, not labels)."""

    hotline = serializers.CharField(help_text="Code of the hotline the contact reached.")
    channel = serializers.ChoiceField(choices=Channel.values)
    language = serializers.ChoiceField(choices=_codes(LANGUAGES))
    contact_type = serializers.ChoiceField(
        choices=ContactType.values, help_text="`crisis` alerts the supervisor and the police."
    )
    caller_relation = serializers.ChoiceField(
        choices=CallerRelation.values, required=False, default=CallerRelation.UNKNOWN
    )
    region = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ISO 3166-2:KZ code, or empty."
    )
    account = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="What happened, in the caller's words (stored encrypted).",
    )
    signs = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Codes of the catalogue's signs heard (S01…).",
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=Action.values), required=False, default=list
    )
    follow_up = serializers.BooleanField(required=False, default=False)
    follow_up_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    caller_agreed_to_contact = serializers.BooleanField(required=False, default=False)
    caller_contact = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Only with caller_agreed_to_contact (stored encrypted).",
    )
    received_at = serializers.DateTimeField(
        required=False, help_text="When the contact began (default: now)."
    )
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="The call's or chat's id in the sending system; a second contact with the "
        "same id on the same hotline is refused (safe to retry).",
    )


class ContactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="The contact's reference (H-…).")
    hotline = serializers.CharField(help_text="Code of the hotline.")
    received_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Channel.values)
    language = serializers.ChoiceField(choices=_codes(LANGUAGES))
    contact_type = serializers.ChoiceField(choices=ContactType.values)
    caller_relation = serializers.ChoiceField(choices=CallerRelation.values)
    region = serializers.CharField(allow_null=True, help_text="ISO 3166-2:KZ code, or null.")
    signs = serializers.ListField(child=serializers.CharField())
    actions = serializers.ListField(child=serializers.ChoiceField(choices=Action.values))
    follow_up_open = serializers.BooleanField()
    waiting = serializers.BooleanField(help_text="A crisis nobody has taken yet.")
    outcome = serializers.ChoiceField(choices=Outcome.values)
    case = serializers.CharField(allow_null=True, help_text="Reference of the linked case.")
    external_id = serializers.CharField(allow_blank=True)


class ContactListSerializer(serializers.Serializer):
    results = ContactSerializer(many=True)


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": str(contact.pk),
        "reference": contact.reference,
        "hotline": contact.hotline.code,
        "received_at": contact.received_at.isoformat(),
        "channel": contact.channel,
        "language": contact.language,
        "contact_type": contact.contact_type,
        "caller_relation": contact.caller_relation,
        "region": contact.region.code if contact.region else None,
        "signs": list(contact.signs),
        "actions": list(contact.actions),
        "follow_up_open": contact.follow_up_open,
        "waiting": contact.waiting,
        "outcome": contact.outcome,
        "case": contact.case.reference if contact.case else None,
        "external_id": contact.external_id,
    }


def _messages(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


class ContactListView(APIView):
    """The contacts of the hotlines the user answers (crises waiting first); create one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="hotline_contacts_list",
        parameters=[OpenApiParameter("hotline", str, required=False, description="one hotline")],
        responses={200: ContactListSerializer, **errors(403)},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        hotline = None
        code = request.query_params.get("hotline", "")
        if code:
            hotline = selectors.hotlines_of(user).filter(code=code).first()
            if hotline is None:
                raise NotFound()
        contacts = selectors.desk(user, hotline, limit=200)
        return Response({"results": [contact_json(c) for c in contacts]})

    @extend_schema(
        operation_id="hotline_contacts_create",
        request=ContactCreateSerializer,
        responses={201: ContactSerializer, **errors(*BODY_ERRORS, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        user: Any = request.user
        body = ContactCreateSerializer(data=request.data)
        if not body.is_valid():
            raise FieldErrors(body.errors)
        data = dict(body.validated_data)
        hotline = selectors.hotlines_of(user).filter(code=data.pop("hotline")).first()
        if hotline is None:
            raise NotFound()
        try:
            contact = services.log_contact(user=user, hotline=hotline, data=data)
        except ValidationError as exc:
            raise FieldErrors(_messages(exc)) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        return Response(contact_json(contact), status=201)


class ContactDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="hotline_contacts_read",
        responses={200: ContactSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, contact_id: str) -> Response:
        try:
            contact = selectors.contact_for(request.user, contact_id)
        except (ValueError, ValidationError):
            contact = None
        if contact is None:
            raise NotFound()
        return Response(contact_json(contact))
