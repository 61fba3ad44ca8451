"""Sign-in, sign-out and password change: Django's views with Qorgan's templates."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from . import two_factor as tf


def safe_next(request: HttpRequest, default: str = "work") -> str:
    """The ``next`` of the request when it is a path on this site, else ``default``'s URL.

    A ``next`` to another host (``https://evil.example/``, ``//evil.example/``), another scheme
    (``javascript:``) or with control characters is ignored: no open redirect after sign-in.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("work")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        user: Any = self.request.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response


def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator (first sign-in), or enter a code (every sign-in)."""
    user: Any = request.user
    if user.is_verified():
        return redirect("work")
    error = ""
    if tf.confirmed_totp(user) is None:
        device = tf.pending_totp(user)
        if request.method == "POST":
            confirmed = tf.confirm_totp(user, request.POST.get("token", ""))
            if confirmed is not None:
                otp_login(request, confirmed.device)
                return render(
                    request, "accounts/backup_codes.html", {"codes": confirmed.backup_codes}
                )
            error = _("This code is not right. Check the time on your phone and try again.")
        qr = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=str(_("QR code for the authenticator app"))
        )
        readable = base64.b32encode(device.bin_key).decode().rstrip("=")
        grouped = " ".join(readable[i : i + 4] for i in range(0, len(readable), 4))
        return render(
            request,
            "accounts/two_factor_setup.html",
            # On the phone that runs the authenticator the QR code cannot be scanned: the
            # otpauth:// link opens the app there, and the key reads in groups of four.
            {"qr": qr, "secret": grouped, "otpauth": device.config_url, "error": error},
        )
    if request.method == "POST":
        device = tf.verify(user, request.POST.get("token", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(safe_next(request))
        error = _("This code is not right. Try again, or use one of your backup codes.")
    return render(request, "accounts/two_factor_verify.html", {"error": error})
