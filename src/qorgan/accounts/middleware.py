"""Send a user who signed in with a one-time password to the password change page first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


class RequirePasswordChangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
        ):
            allowed = {
                reverse("accounts:password_change"),
                reverse("accounts:logout"),
                reverse("accounts:two_factor"),
            }
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A signed-in user who has not confirmed a second factor in this session goes to the
    two-factor page first (set it up, or enter a code). The API answers 403 instead."""

    ALLOWED_NAMES = ("accounts:two_factor", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_TWO_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
        ):
            allowed = {reverse(name) for name in self.ALLOWED_NAMES}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "two-factor sign-in is required"}, status=403)
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:two_factor")
        return self.get_response(request)
