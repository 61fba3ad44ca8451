"""Request plumbing: where a request came from goes into the audit context (address and
path); rolling session expiry; security headers."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .audit import audit_context
from .clients import client_address


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(
            remote_addr=client_address(request),  # through trusted proxies only
            route=f"{request.method} {request.path}",
        ):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no-store on every page shown to a signed-in user
    (those pages carry personal data or may)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class SessionRefreshMiddleware:
    """Rolling session expiry without a database write on every request: a session in use is
    saved again (its expiry moved to ``SESSION_COOKIE_AGE`` from now) at most once every
    ``SESSION_REFRESH_SECONDS``. Sits just inside ``SessionMiddleware``, which does the save."""

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session, or just signed out
        now = int(time.time())
        if (
            session.modified
            or now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS
        ):
            session[self.KEY] = now
        return response
