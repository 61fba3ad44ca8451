"""Real Chromium (Debian's package) driven by Playwright: what a person sees."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_kazakh_then_russian_then_english(
    page: Any, live_server: Any, reference_data: None
) -> None:
    page.goto(live_server.url + "/")
    assert page.url.endswith("/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.get_by_role("link", name="Кіру").first.is_visible()

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Войти").first.is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_sign_in_and_search_the_catalogue(page: Any, live_server: Any, make_user: Any) -> None:
    make_user(username="officer")
    page.goto(live_server.url + "/kk/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "a-long-test-password")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/kk/")
    page.goto(live_server.url + "/kk/catalogue/")
    page.fill("#q", "егде жастағы")
    page.wait_for_function("document.querySelectorAll('#entries li').length === 1")
    assert page.locator("#entries li").first.get_attribute("id") == "R02"
