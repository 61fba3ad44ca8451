"""The API's errors: a translated message for people and a stable ``code`` for programs.

Two shapes (docs/api.md):

- ``{"detail": "<message>", "code": "<code>"}``: everything that is not about particular
  fields (not signed in, no such case, not JSON, too large, too many requests, ...);
- ``{"<field>": ["<message>", ...], ..., "code": "<code>"}``: what is wrong with which field,
  nested like the request where the request is nested (``{"person": {"age": [...]}}``).

The messages follow the client's ``Accept-Language`` and may change wording; the codes never
change meaning. ``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` points at :func:`exception_handler`,
so DRF's own errors (authentication, CSRF, parsing, throttling, media type) carry codes too.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Every code the API answers with, and what it means. Stable: a code is never reused for
# something else; new ones may be added (clients should treat an unknown code like its status).
CODES: dict[str, str] = {
    "invalid": "400: one or more fields are not valid; the field-keyed messages say which and why",
    "invalid_json": "400: the body is not JSON the API reads (syntax, nesting, size of numbers, "
    "lone surrogates)",
    "not_authenticated": "403: not signed in (or the session has ended)",
    "authentication_failed": "403: the session could not be used",
    "csrf_failed": "403: an unsafe method without the X-CSRFToken header matching the csrftoken "
    "cookie (or without a matching Origin/Referer over HTTPS)",
    "permission_denied": "403: signed in, but the role or organisation may not do this",
    "not_found": "404: no such object, or it is outside what the user may see "
    "(the two are not told apart)",
    "method_not_allowed": "405: the endpoint does not answer this HTTP method",
    "not_acceptable": "406: the Accept header asks for something other than JSON",
    "version_conflict": "409: the case changed since the client read it; read it again",
    "already_used": "409: the client_uuid belongs to another user's screening",
    "request_too_large": "413: the body is larger than the limit (refused before it is read)",
    "unsupported_media_type": "415: the body is not application/json",
    "throttled": "429: too many requests from this client; wait Retry-After seconds",
}

# Field name given to the messages of a field literally called "code" (the key "code" is the
# error code itself).
CODE_FIELD = "non_field_errors"


def with_code(errors: Any, code: str = "invalid") -> dict[str, Any]:
    """Field-keyed errors with their stable code beside them."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
    result = dict(errors)
    if "code" in result:
        clash = result.pop("code")
        messages = clash if isinstance(clash, list) else [clash]
        result.setdefault(CODE_FIELD, [])
        result[CODE_FIELD] = [*result[CODE_FIELD], *(f"code: {m}" for m in messages)]
    result["code"] = code
    return result


def invalid(
    errors: dict[str, Any], status_code: int = status.HTTP_400_BAD_REQUEST, code: str = "invalid"
) -> Response:
    """A field-keyed error answer (400 by default)."""
    return Response(with_code(errors, code), status=status_code)


class FieldErrors(exceptions.APIException):
    """Raised by a view: field-keyed messages with a status and a code (``invalid``, 400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self,
        errors: dict[str, Any],
        status_code: int = status.HTTP_400_BAD_REQUEST,
        code: str = "invalid",
    ) -> None:
        super().__init__(errors, code)
        self.status_code = status_code
        self.error_code = code


def _code(exc: Exception) -> str:
    if isinstance(exc, exceptions.ParseError):
        return "invalid_json"
    if isinstance(exc, exceptions.PermissionDenied) and str(getattr(exc, "detail", "")).startswith(
        "CSRF Failed"
    ):
        return "csrf_failed"
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(codes, str) and codes in CODES:
        return codes
    return str(getattr(exc, "default_code", "error"))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then every error answer gets its ``code``."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, FieldErrors):
        response.data = with_code(data, exc.error_code)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = with_code(data, "invalid")
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]), "code": _code(exc)}
    return response
