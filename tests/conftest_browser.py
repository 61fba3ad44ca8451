"""Launching Debian's Chromium for Playwright (never ``playwright install``)."""

from __future__ import annotations

import shutil
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def sign_in(
    page: Any,
    base_url: str,
    username: str,
    password: str = "a-long-test-password",
    language: str = "kk",
) -> None:
    """Sign in through the pages, second factor included (the user's authenticator is made
    here and its current code computed, as the phone app would)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgan.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.fill(
        "#token",
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}",
    )
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/work/")
