"""Setting up the second factor on the phone that runs the authenticator (no QR to scan)."""

from __future__ import annotations

import base64
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django_otp.oath import totp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_setup_offers_the_otpauth_link_and_the_key_in_groups_of_four(
    make_user: Any, language: str
) -> None:
    make_user(username="officer")
    client = Client()
    client.post(
        f"/{language}/accounts/login/", {"username": "officer", "password": "a-long-test-password"}
    )
    page = client.get(f"/{language}/accounts/two-factor/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body  # the QR code stays, for a computer

    link = re.search(r'<a class="button" id="otpauth-link" href="([^"]+)"', body)
    assert link is not None
    url = urlparse(html.unescape(link.group(1)))
    assert url.scheme == "otpauth" and url.netloc == "totp"
    secret = parse_qs(url.query)["secret"][0]

    shown = re.search(r'<code id="totp-secret"[^>]*>([^<]+)</code>', body).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", shown), shown
    assert shown.replace(" ", "") == secret.rstrip("=")

    # What the app makes from the typed key (or from the link) is accepted: the factor is set.
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{totp(key):06d}"
    confirmed = client.post(f"/{language}/accounts/two-factor/", {"token": code})
    assert confirmed.status_code == 200
    assert client.get(f"/{language}/cases/").status_code == 200
