"""The site as a visitor meets it: the root, languages, the landing page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_root_goes_to_kazakh_whatever_the_browser_prefers(client: Any) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/kk/"


@pytest.mark.parametrize(
    ("language", "phrase"),
    [("kk", "Кіру"), ("ru", "Войти"), ("en", "Sign in")],
)
def test_sign_in_page_in_each_language(
    client: Any, reference_data: None, language: str, phrase: str
) -> None:
    response = client.get(f"/{language}/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert phrase in body


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_page_is_the_public_portal(client: Any, reference_data: None, language: str) -> None:
    body = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}">' in body
    assert 'href="tel:11616"' in body
    assert f'href="/{language}/accounts/login/"' in body


def test_language_switcher_links_to_the_same_page(staff_client: Any) -> None:
    body = staff_client.get("/kk/directory/regions/").content.decode()
    assert 'href="/ru/directory/regions/"' in body
    assert 'href="/en/directory/regions/"' in body


def test_unknown_page_is_a_404_not_a_crash(client: Any) -> None:
    assert client.get("/kk/no-such-page/").status_code in {302, 404}
    assert client.get("/xx/").status_code in {302, 404}


def test_openapi_schema_is_served(client: Any) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
