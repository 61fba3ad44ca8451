"""The directory pages: organisations by region, the duty matrix, regions."""

from __future__ import annotations

from typing import Any

import pytest

from qorgan.directory.models import Duty, Organisation, Region, SubjectKind
from qorgan.directory.selectors import help_organisations_for_region, resolve_region

pytestmark = pytest.mark.django_db


def test_loaded_counts(reference_data: None) -> None:
    assert SubjectKind.objects.count() == 14
    assert Region.objects.count() == 20
    assert Organisation.objects.filter(is_help_organisation=True).count() == 20
    assert Duty.objects.filter(kind__code="police").exists()


def test_resolve_region_accepts_former_codes(reference_data: None) -> None:
    assert resolve_region("KZ-ALA").code == "KZ-75"  # type: ignore[union-attr]
    assert resolve_region("kz-75").code == "KZ-75"  # type: ignore[union-attr]
    assert resolve_region("KZ-99") is None


def test_help_organisations_for_a_region_include_those_serving_it(reference_data: None) -> None:
    akmola = [o.code for o in help_organisations_for_region("KZ-11")]
    assert "ORG07" in akmola  # Astana organisation serving Akmola region too


def test_organisations_filtered_by_region(staff_client: Any) -> None:
    response = staff_client.get("/ru/directory/", {"region": "KZ-47"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ale43351@yandex.ru" in body  # Aktau, Mangystau
    assert "soyuzkz@rambler.ru" not in body  # Almaty
    assert 'href="tel:+77292545168"' in body


def test_duty_matrix_page(staff_client: Any) -> None:
    response = staff_client.get("/en/directory/subjects/")
    body = response.content.decode()
    assert response.status_code == 200
    for code in ("police", "ngo", "foreign_mission", "international_organization"):
        assert f'id="{code}"' in body


def test_regions_page_lists_iso_codes(staff_client: Any) -> None:
    body = staff_client.get("/kk/directory/regions/").content.decode()
    assert "KZ-62" in body and "KZ-79" in body


def test_organisation_page_and_unknown_code(staff_client: Any) -> None:
    assert staff_client.get("/kk/directory/organisations/ORG07/").status_code == 200
    assert staff_client.get("/kk/directory/organisations/ORG99/").status_code == 404
