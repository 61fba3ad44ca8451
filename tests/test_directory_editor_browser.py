"""In a browser, at desktop width: a directory editor signs in in Kazakh, goes to the admin
from the work page, changes a hotline's phones and finds the new number on the portal; an
administrator finds the admin's index and django-axes' lists in Kazakh and Russian."""

from __future__ import annotations

import os
from typing import Any

import pytest
from axes.models import AccessAttempt

from qorgan.accounts.roles import Role
from qorgan.knowledge.models import CatalogueEntry
from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("QORGAN_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_directory_editor_changes_a_hotlines_phones(
    page: Any, live_server: Any, make_user: Any
) -> None:
    make_user(username="editor", role=Role.DIRECTORY_EDITOR, organisation="ORG02")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "editor", language="kk")
    _shot(page, "editor-work-kk")
    # The work page offers the admin, and no screening of a person.
    assert page.locator('a[href="/kk/screening/new/"]').count() == 0
    page.locator("main a[href='/kk/admin/']").click()
    page.wait_for_url("**/kk/admin/")
    _shot(page, "editor-admin-index-kk")
    index = page.locator("#content").inner_text()
    assert "Ұйымдар" in index or "ұйым" in index.lower()
    assert "Пайдаланушылар" not in index  # users are not the editor's

    page.goto(f"{live_server.url}/kk/admin/directory/organisation/")
    _shot(page, "editor-organisations-kk")
    assert page.locator("#result_list tbody tr").count() == 20

    entry = CatalogueEntry.objects.get(code="mfa_duty_diplomat")
    page.goto(f"{live_server.url}/kk/admin/knowledge/catalogueentry/{entry.pk}/change/")
    phones = page.locator("textarea#id_phones")
    assert phones.input_value() == "+7 7172 72 01 11"
    phones.fill("+7 7172 72 05 19\n+7 7172 72 01 11")
    page.locator("textarea#id_reason").fill("Министрліктің хаты, 12.11.2026")
    _shot(page, "editor-hotline-form-kk")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/knowledge/catalogueentry/")
    _shot(page, "editor-hotline-saved-kk")
    # The list shows each entry's text on a line, in the page's language.
    page.goto(f"{live_server.url}/kk/admin/knowledge/catalogueentry/?q=mfa_duty")
    _shot(page, "editor-hotline-found-kk")
    row = page.locator("#result_list tr", has_text="mfa_duty_diplomat")
    assert "Кезекші дипломат" in row.locator("td.field-short_text").inner_text()

    page.goto(f"{live_server.url}/kk/hotlines/")
    assert page.locator('a[href="tel:+77172720519"]').count() >= 1
    _shot(page, "editor-portal-hotlines-kk")

    # A case page is not the editor's: refused, not shown.
    response = page.goto(f"{live_server.url}/kk/cases/")
    assert response is not None and response.status == 403


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_admin_index_and_sign_in_lists_speak_the_language(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    make_user(
        username="root",
        role=Role.ADMINISTRATOR,
        organisation="ORG02",
        is_staff=True,
        is_superuser=True,
    )
    AccessAttempt.objects.create(
        user_agent="Firefox",
        ip_address="10.0.0.1",
        username="someone",
        http_accept="*/*",
        path_info=f"/{language}/accounts/login/",
        failures_since_start=2,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "root", language=language)
    english = ("Access attempts", "Access failures", "Access logs", "Axes", "Attempt Time")
    for path, name in (
        ("/admin/", "index"),
        ("/admin/axes/accessattempt/", "axes-attempts"),
        ("/admin/axes/accessfailurelog/", "axes-failures"),
    ):
        page.goto(f"{live_server.url}/{language}{path}")
        text = page.locator("body").inner_text()
        assert not [word for word in english if word in text], (path, text[:2000])
        _shot(page, f"admin-{name}-{language}")
    page.goto(f"{live_server.url}/{language}/admin/axes/accessattempt/")
    status = page.locator("td.field-status").first.inner_text()
    assert status == {"kk": "Қалған әрекеттер: 3", "ru": "Осталось попыток: 3"}[language]
