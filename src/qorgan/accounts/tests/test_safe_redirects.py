"""After the second factor, ``next`` is followed only to a path on this site (issue 16, finding 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qorgan.accounts import two_factor

from .test_accounts import current_code


def _signed_in_with_password(make_user: Any) -> tuple[Client, Any]:
    user = make_user(username="officer")
    device = two_factor.pending_totp(user)
    confirmed = two_factor.confirm_totp(user, current_code(device))
    assert confirmed is not None
    browser = Client()
    browser.post("/en/accounts/login/", {"username": "officer", "password": "a-long-test-password"})
    return browser, confirmed.backup_codes[0]  # the TOTP code of now was used to confirm


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http:/evil.example/",
        "javascript:alert(1)",
        "java\nscript:alert(1)",
    ],
)
def test_next_to_another_site_or_scheme_goes_to_the_work_page(make_user: Any, target: str) -> None:
    browser, code = _signed_in_with_password(make_user)
    response = browser.post("/en/accounts/two-factor/?" + _query(target), {"token": code})
    assert response.status_code == 302
    assert response["Location"] == "/en/work/"


def test_next_on_this_site_is_followed(make_user: Any) -> None:
    browser, code = _signed_in_with_password(make_user)
    response = browser.post(
        "/en/accounts/two-factor/?next=/en/cases/%3Fstatus%3Dopen", {"token": code}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/cases/?status=open"


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
