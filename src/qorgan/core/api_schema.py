"""What the OpenAPI schema says about errors and sign-in, shared by every API view.

- ``ApiError`` (``{"detail", "code"}``) and ``FieldErrors`` (field-keyed messages and
  ``code``): the two error shapes of ``core.api_errors``, as schema components;
- :func:`errors`: the documented error answers of an operation, by status;
- the session scheme: the ``sessionid`` cookie, and the ``X-CSRFToken`` header that Django
  requires with it on every unsafe method (POST, PATCH, PUT, DELETE).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .api_errors import CODES


def _codes(*codes: str) -> str:
    return "; ".join(f"`{code}`" for code in codes)


class ApiErrorSerializer(serializers.Serializer):
    """An error that is not about particular fields."""

    detail = serializers.CharField(help_text="What went wrong, in the client's language.")
    code = serializers.CharField(
        help_text="Stable machine-readable code (docs/api.md lists them): "
        + _codes(*(code for code in CODES if code not in {"invalid", "version_conflict"}))
    )


class FieldErrorsSerializer(serializers.Serializer):
    """Messages keyed by field (see the extension below for the schema)."""

    code = serializers.CharField()


_MESSAGES = build_array_type(build_basic_type(OpenApiTypes.STR))


class FieldErrorsScheme(OpenApiSerializerExtension):
    """``{"<field>": ["message", ...], "<object>": {"<field>": [...]}, "code": "invalid"}``."""

    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        return "FieldErrors"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (
                "What is wrong with which field: each key is a field of the request (a query "
                "parameter, or `non_field_errors`) with its messages in the client's "
                "language; a nested object of the request has its errors nested the same way. "
                "A field named `code` has its messages under `non_field_errors`."
            ),
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable machine-readable code: "
                    + _codes("invalid", "version_conflict", "already_used"),
                }
            },
            "required": ["code"],
            "additionalProperties": {
                "oneOf": [
                    _MESSAGES,
                    {"type": "object", "additionalProperties": _MESSAGES},
                ]
            },
        }


def _bad_request() -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="BadRequest",
        serializers=[ApiErrorSerializer, FieldErrorsSerializer],
        resource_type_field_name=None,
        many=False,
    )


_DESCRIPTIONS = {
    400: "Not valid: field-keyed messages (`invalid`), or a body that is not JSON the API "
    "reads (`invalid_json`).",
    403: "Not signed in (`not_authenticated`), no CSRF token on an unsafe method "
    "(`csrf_failed`), or the role or organisation may not (`permission_denied`).",
    404: "No such object, or outside what the user may see (`not_found`).",
    409: "Changed meanwhile (`version_conflict`) or an identifier already used "
    "(`already_used`): field-keyed messages.",
    413: "The body is larger than the limit (`request_too_large`).",
    415: "The body is not `application/json` (`unsupported_media_type`).",
    429: "Too many requests from this client (`throttled`); the `Retry-After` header says "
    "when to try again.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error answers for these statuses."""
    shapes: dict[int, Any] = {
        400: _bad_request(),
        409: FieldErrorsSerializer,
    }
    return {
        code: OpenApiResponse(shapes.get(code, ApiErrorSerializer), description=_DESCRIPTIONS[code])
        for code in statuses
    }


# An operation that reads a JSON body can also answer these.
BODY_ERRORS = (400, 413, 415)


class SessionWithCsrfScheme(OpenApiAuthenticationExtension):
    """Session sign-in: the cookie on every request, the CSRF header on unsafe ones."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = ["cookieAuth", "csrfToken"]
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.SESSION_COOKIE_NAME,
                "description": (
                    "The session of a user signed in through the pages (password and second "
                    "factor): /{language}/accounts/login/ then /{language}/accounts/two-factor/."
                ),
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRFToken",
                "description": (
                    f"Required with the session on POST, PATCH, PUT and DELETE: the value of "
                    f"the `{settings.CSRF_COOKIE_NAME}` cookie. Over HTTPS, Django also checks "
                    "that `Origin` (or `Referer`) is this site or a trusted origin."
                ),
            },
        ]

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]]:
        if auto_schema.method in SAFE_METHODS:
            return {"cookieAuth": []}
        return {"cookieAuth": [], "csrfToken": []}
