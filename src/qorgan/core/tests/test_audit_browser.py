"""The audit log page in Chromium: an administrator reads whether signed checkpoints anchor
the chain, on a phone and a desktop, in Kazakh and Russian."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from tests.conftest_browser import sign_in

from qorgan.core import audit
from qorgan.core import checkpoints as cp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set QORGAN_SCREENSHOTS to a folder to keep the screens.
SHOTS = Path(os.environ["QORGAN_SCREENSHOTS"]) if os.environ.get("QORGAN_SCREENSHOTS") else None


def test_the_administrator_reads_the_anchor_on_a_phone_and_a_desktop(
    page: Any, live_server: Any, make_user: Any, settings: Any, tmp_path: Path
) -> None:
    from qorgan.accounts.roles import Role

    key = cp.generate_private_key(tmp_path / "signer.key")
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "signer.key")
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.AUDIT_VERIFY_KEYS = [cp.public_key_text(key.public_key())]
    make_user(username="admin", role=Role.ADMINISTRATOR)
    for i in range(3):
        audit.record(actor=None, action="read", object_type="cases.Case", object_id=f"c{i}")
    call_command("audit_checkpoint", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
    expected = {
        "kk": "Дерекқордан тыс сақталған қол қойылған бақылау нүктелері",
        "ru": "Подписанные контрольные точки, хранящиеся вне базы данных",
    }
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "admin", language="kk")
    for language, text in expected.items():
        for width, height in ((390, 844), (1280, 900)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/{language}/audit/")
            status = page.locator("p[role=status]", has_text=text)
            assert status.is_visible()
            assert "notice" in (status.get_attribute("class") or "")
            assert page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            if SHOTS:
                page.screenshot(path=str(SHOTS / f"audit-{language}-{width}.png"))
