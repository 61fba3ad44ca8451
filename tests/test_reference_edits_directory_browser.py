"""An administrator edits a help organisation's phones in the admin, on a phone and on a
computer, in Kazakh and Russian (issue 15 §2): the phones are lines of text, a bad number is
named in the error, the directory page shows the numbers and where the edit came from."""

from __future__ import annotations

import os
from typing import Any

import pytest

from qorgan.accounts.roles import Role
from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("QORGAN_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize(("language", "width"), [("kk", 390), ("ru", 1280)])
def test_phones_edited_in_the_admin(
    page: Any, live_server: Any, make_user: Any, language: str, width: int
) -> None:
    from qorgan.directory.models import Organisation

    make_user(
        username="admin1",
        role=Role.ADMINISTRATOR,
        organisation="ORG02",
        is_staff=True,
        is_superuser=True,
    )
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server.url, "admin1", language=language)
    org = Organisation.objects.get(code="ORG01")
    page.goto(f"{live_server.url}/{language}/admin/directory/organisation/{org.pk}/change/")
    phones = page.locator("textarea#id_phones")
    assert phones.input_value() == "+7 727 3764037"
    _shot(page, f"admin-phones-{language}-{width}")

    phones.fill("+7 701 555 00 00\n555-12")
    page.locator("input[name=_save]").click()
    error = page.locator(".errorlist").first
    assert "«555-12»" in error.inner_text()
    _shot(page, f"admin-phones-error-{language}-{width}")
    if SHOTS:
        page.locator(".field-phones").screenshot(
            path=os.path.join(SHOTS, f"admin-phones-field-{language}-{width}.png")
        )

    page.locator("textarea#id_phones").fill("+7 701 555 00 00\n8 727 376 40 37")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/directory/organisation/")
    page.goto(f"{live_server.url}/{language}/directory/organisations/ORG01/")
    assert page.locator('a[href="tel:+77015550000"]').count() == 1
    assert page.locator('a[href="tel:+77273764037"]').count() == 1
    assert "Родник" in page.locator("dl.facts").inner_text()
    _no_sideways_scroll(page)
    _shot(page, f"directory-detail-{language}-{width}")
