"""The screening API: evaluate, store, read, tick; errors field-keyed; scoped to the organisation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from qorgan.accounts.roles import Role
from qorgan.cases.models import Case
from qorgan.screening.models import PlanStep, Screening

pytestmark = pytest.mark.django_db

REQUEST: dict[str, Any] = {
    "screened_by": "ngo",
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
    "signs": ["S01"],
    "risk_groups": [],
    "places": [],
    "physical_injuries": True,
    "accepts_help": True,
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user(username="ngo-worker", organisation="ORG01")


def test_evaluate_needs_no_account_and_stores_nothing(api: APIClient, reference_data: None) -> None:
    response = api.post("/api/v1/screenings/evaluate/?lang=ru", REQUEST, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["assessment"] == "potential_victim"
    assert [a["code"] for a in body["actions"]] == [
        "notify_police",
        "call_ambulance",
        "refer_special_social_services",
        "notify_guardianship_authority",
    ]
    assert Screening.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({**REQUEST, "signs": ["S99"]}, {"signs": ["signs[0]: unknown sign code 'S99'"]}),
        (
            {**REQUEST, "person": {"age": "old"}},
            {"person": {"age": ["must be a whole number from 0 to 130, or null"]}},
        ),
        ({**REQUEST, "screened_by": "army"}, {"screened_by": ["unknown subject kind 'army'"]}),
        ([1, 2], {"request": ["must be a JSON object"]}),
    ],
)
def test_evaluate_invalid_input_is_400_keyed_by_field(
    api: APIClient, reference_data: None, payload: Any, expected: dict[str, Any]
) -> None:
    response = api.post("/api/v1/screenings/evaluate/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {**expected, "code": "invalid"}  # the stable code (docs/api.md)


def test_evaluate_malformed_json_is_400(api: APIClient, reference_data: None) -> None:
    response = api.post(
        "/api/v1/screenings/evaluate/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_evaluate_unknown_language_is_400(api: APIClient, reference_data: None) -> None:
    response = api.post("/api/v1/screenings/evaluate/?lang=fr", REQUEST, format="json")
    assert response.status_code == 400
    assert "lang" in response.json()


def test_store_needs_an_account(api: APIClient, reference_data: None) -> None:
    response = api.post("/api/v1/screenings/", REQUEST, format="json")
    assert response.status_code in (401, 403)
    assert Screening.objects.count() == 0


def test_store_attaches_to_the_organisation_opens_a_case_and_encrypts(
    api: APIClient, worker: Any
) -> None:
    api.force_authenticate(worker)
    response = api.post(
        "/api/v1/screenings/", {**REQUEST, "consent_to_referral": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    screening = Screening.objects.get(pk=body["id"])
    assert screening.organisation.code == "ORG01"
    assert screening.screened_by_user == worker
    assert screening.consent_to_referral is True
    assert body["case"]["reference"] == Case.objects.get().reference
    assert [step["code"] for step in body["plan"]] == [a["code"] for a in body["result"]["actions"]]
    # The person's data is not in the database in clear text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT request, result FROM screening_screening")
        raw_request, raw_result = cursor.fetchone()
    assert "female" not in raw_request and "KZ-75" not in raw_request
    assert "notify_police" not in raw_result
    assert raw_request.startswith("gAAAA")  # a Fernet token


def test_store_without_signs_opens_no_case(api: APIClient, worker: Any) -> None:
    api.force_authenticate(worker)
    response = api.post(
        "/api/v1/screenings/", {**REQUEST, "signs": [], "risk_groups": ["R08"]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["case"] is None
    assert Case.objects.count() == 0


def test_store_takes_the_subject_kind_from_the_organisation(api: APIClient, worker: Any) -> None:
    api.force_authenticate(worker)
    payload = {k: v for k, v in REQUEST.items() if k != "screened_by"}
    assert api.post("/api/v1/screenings/", payload, format="json").status_code == 201
    response = api.post("/api/v1/screenings/", {**REQUEST, "screened_by": "police"}, format="json")
    assert response.status_code == 400
    assert "screened_by" in response.json()


def test_invalid_store_keeps_nothing(api: APIClient, worker: Any) -> None:
    api.force_authenticate(worker)
    response = api.post("/api/v1/screenings/", {**REQUEST, "places": ["P99"]}, format="json")
    assert response.status_code == 400
    assert Screening.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR])
def test_roles_without_person_work_cannot_store(api: APIClient, make_user: Any, role: str) -> None:
    api.force_authenticate(make_user(username=f"u-{role}", role=role))
    assert api.post("/api/v1/screenings/", REQUEST, format="json").status_code == 403


def test_another_organisation_cannot_read_or_tick(
    api: APIClient, worker: Any, make_user: Any
) -> None:
    api.force_authenticate(worker)
    screening_id = api.post("/api/v1/screenings/", REQUEST, format="json").json()["id"]
    other = make_user(username="other", organisation="ORG02")
    api.force_authenticate(other)
    assert api.get(f"/api/v1/screenings/{screening_id}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/screenings/{screening_id}/steps/1/", {"done": True}, format="json"
        ).status_code
        == 404
    )
    assert api.get("/api/v1/screenings/").json()["results"] == []
    assert api.get(f"/api/v1/screenings/{uuid.uuid4()}/").status_code == 404
    assert api.get("/api/v1/screenings/not-a-uuid/").status_code == 404


def test_tick_a_step(api: APIClient, worker: Any) -> None:
    api.force_authenticate(worker)
    screening_id = api.post("/api/v1/screenings/", REQUEST, format="json").json()["id"]
    response = api.post(
        f"/api/v1/screenings/{screening_id}/steps/1/", {"done": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["done"] is True and response.json()["done_by"] == "ngo-worker"
    step = PlanStep.objects.get(screening_id=screening_id, position=1)
    assert step.done and step.done_by == worker and step.done_at
    assert (
        api.post(
            f"/api/v1/screenings/{screening_id}/steps/1/", {"done": "yes"}, format="json"
        ).status_code
        == 400
    )
    assert (
        api.post(
            f"/api/v1/screenings/{screening_id}/steps/99/", {"done": True}, format="json"
        ).status_code
        == 404
    )


def test_openapi_schema_lists_the_screening_endpoints(api: APIClient) -> None:
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/screenings/evaluate/" in paths
    assert "/api/v1/screenings/" in paths
