"""A conflicting edit of a case (someone saved in between) shows both versions per field and
saves what the user chooses against the current version; nothing is overwritten silently."""

from __future__ import annotations

from typing import Any

import pytest

from qorgan.cases import services
from qorgan.cases.models import Case
from qorgan.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user: Any) -> Case:
    user = make_user(username="opener", organisation="ORG01")
    made = services.open_case(organisation=Organisation.objects.get(code="ORG01"), by=user)
    return services.update_person(
        user=user,
        case=made,
        expected_version=made.version,
        data={"surname": "Ахметова", "phone": "+7 700 000 00 00"},
    )


def person_post(version: int, **fields: str) -> dict[str, str]:
    return {"person-version": str(version), **{f"person-{k}": v for k, v in fields.items()}}


def test_stale_person_edit_shows_both_versions(client: Any, case: Case) -> None:
    stale = case.version
    services.update_person(
        user=case.created_by, case=case, expected_version=stale, data={"surname": "Ахметова-Ким"}
    )
    client.force_login(case.created_by)
    url = f"/ru/cases/{case.pk}/person/"
    response = client.post(url, person_post(stale, surname="Ахметова", phone="+7 701 111 11 11"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ахметова-Ким" in html and "+7 701 111 11 11" in html
    assert 'name="choose-person-surname"' in html and 'name="choose-person-phone"' in html
    assert 'name="choose-person-given_name"' not in html  # the same on both sides
    person = Case.objects.get(pk=case.pk).person
    assert person.surname == "Ахметова-Ким" and person.phone == "+7 700 000 00 00"

    current = Case.objects.get(pk=case.pk).version
    resolution = {
        "resolve": "1",
        "person-version": str(current),
        "mine-person-surname": "Ахметова",
        "theirs-person-surname": "Ахметова-Ким",
        "choose-person-surname": "theirs",
        "mine-person-phone": "+7 701 111 11 11",
        "theirs-person-phone": "+7 700 000 00 00",
        "choose-person-phone": "mine",
    }
    # A field that differs with no choice is not taken for granted.
    missing = {k: v for k, v in resolution.items() if k != "choose-person-phone"}
    assert client.post(url, missing).status_code == 409
    assert Case.objects.get(pk=case.pk).person.phone == "+7 700 000 00 00"

    assert client.post(url, resolution).status_code == 302
    person = Case.objects.get(pk=case.pk).person
    assert person.surname == "Ахметова-Ким"
    assert person.phone == "+7 701 111 11 11"
    assert Case.objects.get(pk=case.pk).version == current + 1


def test_stale_details_edit_shows_both_versions(client: Any, case: Case) -> None:
    stale = case.version
    services.update_case_details(
        user=case.created_by,
        case=case,
        expected_version=stale,
        data={"erdr_number": "123", "exploitation_forms": ["forced_labour"]},
    )
    client.force_login(case.created_by)
    response = client.post(
        f"/kk/cases/{case.pk}/details/",
        {"details-version": str(stale), "details-erdr_number": "456"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'name="choose-details-erdr_number"' in html
    assert 'name="choose-details-exploitation_forms"' in html
    assert Case.objects.get(pk=case.pk).erdr_number == "123"


def test_a_current_edit_saves_directly(client: Any, case: Case) -> None:
    client.force_login(case.created_by)
    response = client.post(
        f"/ru/cases/{case.pk}/person/", person_post(case.version, surname="Новая")
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).person.surname == "Новая"
