"""The approval page in Chromium: a supervisor on a phone (390 × 844) and an administrator on a
desktop approve an access change, in Kazakh and Russian. Nothing scrolls sideways, no target is
under 44 × 44 px, nothing overlaps. QORGAN_SCREENSHOTS=folder keeps a screenshot of each page.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.conftest_browser import launch, sign_in
from tests.test_phone_layout import _check

from qorgan.accounts import services
from qorgan.accounts.models import ChangeKind, Decision, User, UserChangeRequest
from qorgan.accounts.roles import Role
from qorgan.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _request(make_user: Any, username: str, organisation: str) -> UserChangeRequest:
    admin = User.objects.filter(username="admin1").first() or make_user(
        username="admin1",
        role=Role.ADMINISTRATOR,
        organisation="",
        is_staff=True,
        is_superuser=True,
    )
    person = make_user(username=username, role=Role.CASE_MANAGER, organisation=organisation)
    person.first_name, person.last_name = "Айгерім", "Нұрланқызы-Сейтжанова"
    person.is_active = False
    person.save()
    return services.request_change(
        person,
        by=admin,
        kind=ChangeKind.CREATE,
        role=Role.CASE_MANAGER,
        organisation_changed=True,
        organisation_id=person.organisation_id,
        is_active=True,
    )


@pytest.mark.parametrize(
    ("language", "width", "height"), [("kk", 390, 844), ("ru", 390, 844), ("kk", 1280, 900)]
)
def test_a_supervisor_approves_an_access_change_on_the_page(
    live_server: Any, make_user: Any, language: str, width: int, height: int
) -> None:
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    shots = Path(os.environ["QORGAN_SCREENSHOTS"]) if os.environ.get("QORGAN_SCREENSHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    first = _request(make_user, "newmanager", "ORG02")
    _request(make_user, "othermanager", "ORG01")  # another organisation: not shown
    make_user(username="supervisor2", role=Role.SUPERVISOR, organisation="ORG02")
    problems: list[str] = []
    name = f"{language}_{width}"

    def check(page: Any, where: str) -> None:
        if width <= 390:  # the phone measures (sideways scrolling, 44 px targets, overlaps)
            _check(page, where, problems, shots)
        elif shots is not None:
            page.screenshot(path=str(shots / f"{where}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in(page, live_server.url, "supervisor2", language=language)
            # The work page says something waits, without a name.
            link = page.locator(f"main a[href='/{language}/accounts/approvals/']")
            assert link.count() == 1 and "1" in link.inner_text()
            link.click()
            page.wait_for_url(f"**/{language}/accounts/approvals/")
            body = page.locator("main").inner_text()
            assert "newmanager" in body and "othermanager" not in body
            assert page.locator("html").get_attribute("lang") == language
            check(page, f"{name}_approvals")
            # Refusing without a reason is not taken.
            page.locator(f"#change-{first.pk} button[value=refuse]").click()
            page.wait_for_url(f"**/{language}/accounts/approvals/")
            assert UserChangeRequest.objects.get(pk=first.pk).decision == Decision.PENDING
            page.locator(f"#change-{first.pk} button[value=approve]").click()
            page.wait_for_load_state()
            password = page.locator("code.one-time-password").inner_text()
            check(page, f"{name}_approved")
            context.close()
        finally:
            browser.close()
    person = User.objects.get(username="newmanager")
    assert person.is_active and person.check_password(password) and person.must_change_password
    assert AuditEvent.objects.filter(
        action="user_change_approved", actor_username="supervisor2", object_id=str(person.pk)
    ).exists()
    assert not problems, "\n".join(problems)
