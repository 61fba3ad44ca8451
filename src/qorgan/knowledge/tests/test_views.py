"""The staff catalogue pages in each language."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_needs_sign_in(client: Any, reference_data: None) -> None:
    response = client.get("/kk/catalogue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/kk/accounts/login/")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "егде жастағы"), ("ru", "пожилого возраста"), ("en", "elderly")],
)
def test_catalogue_lists_entries_in_the_language(
    staff_client: Any, language: str, expected: str
) -> None:
    response = staff_client.get(f"/{language}/catalogue/", {"kind": "risk_group"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert "R02" in body
    assert expected.casefold() in body.casefold()
    assert "S01" not in body  # signs are another kind


def test_search_matches_kazakh_letters_in_any_case(staff_client: Any) -> None:
    response = staff_client.get("/kk/catalogue/", {"q": "ЕГДЕ"})
    body = response.content.decode()
    assert "R02" in body
    assert "S01" not in body


def test_htmx_search_returns_only_the_list(staff_client: Any) -> None:
    response = staff_client.get(
        "/ru/catalogue/", {"kind": "sign", "group": "minors"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "S26" in body and "S31" in body and "S25" not in body


def test_unknown_filters_are_ignored_not_errors(staff_client: Any) -> None:
    response = staff_client.get(
        "/en/catalogue/", {"kind": "nonsense", "group": "<script>", "q": "x" * 5000}
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_entry_page_shows_its_source_line(staff_client: Any) -> None:
    response = staff_client.get("/en/catalogue/entries/R02/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "002_6818977b591e9dac.txt" in body
    assert "line 411" in body
    assert "егде жастағы" in body


def test_unknown_entry_and_document_are_404(staff_client: Any) -> None:
    assert staff_client.get("/en/catalogue/entries/NOPE/").status_code == 404
    assert staff_client.get("/en/catalogue/sources/..%2Fsettings.py/").status_code == 404


def test_source_document_is_numbered(staff_client: Any) -> None:
    response = staff_client.get("/kk/catalogue/sources/002_6818977b591e9dac.txt/")
    body = response.content.decode()
    assert 'id="L411"' in body
    assert "егде жастағы" in body
