"""The offline app on the server side: who gets it, what it serves, and the idempotent store
(a screening sent twice with the same client_uuid is stored once)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from qorgan.accounts.roles import Role
from qorgan.screening.models import Screening
from qorgan.screening.offline_data import engine_data

pytestmark = pytest.mark.django_db

REQUEST: dict[str, Any] = {
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
    "signs": ["S01"],
    "accepts_help": True,
}


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user(username="ngo-worker", organisation="ORG01")


def test_same_client_uuid_is_stored_once(worker: Any) -> None:
    api = APIClient()
    api.force_authenticate(worker)
    client_uuid = str(uuid.uuid4())
    body = {**REQUEST, "client_uuid": client_uuid, "consent_to_referral": True}
    first = api.post("/api/v1/screenings/?lang=ru", body, format="json")
    assert first.status_code == 201, first.json()
    again = api.post("/api/v1/screenings/?lang=ru", body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Screening.objects.count() == 1
    stored = Screening.objects.get()
    assert str(stored.client_uuid) == client_uuid
    assert stored.consent_to_referral is True
    assert stored.case is not None


def test_client_uuid_of_another_user_is_a_conflict(worker: Any, make_user: Any) -> None:
    other = make_user(username="other-worker", organisation="ORG01")
    api = APIClient()
    client_uuid = str(uuid.uuid4())
    api.force_authenticate(worker)
    assert (
        api.post(
            "/api/v1/screenings/", {**REQUEST, "client_uuid": client_uuid}, format="json"
        ).status_code
        == 201
    )
    api.force_authenticate(other)
    response = api.post(
        "/api/v1/screenings/", {**REQUEST, "client_uuid": client_uuid}, format="json"
    )
    assert response.status_code == 409
    assert "id" not in response.json()
    assert Screening.objects.count() == 1


def test_malformed_client_uuid_is_refused(worker: Any) -> None:
    api = APIClient()
    api.force_authenticate(worker)
    response = api.post("/api/v1/screenings/", {**REQUEST, "client_uuid": "x"}, format="json")
    assert response.status_code == 400
    assert "client_uuid" in response.json()
    assert Screening.objects.count() == 0


def test_without_client_uuid_each_post_is_a_screening(worker: Any) -> None:
    api = APIClient()
    api.force_authenticate(worker)
    for _ in range(2):
        assert api.post("/api/v1/screenings/", REQUEST, format="json").status_code == 201
    assert Screening.objects.count() == 2


def test_shell_for_frontline_users_only(client: Any, worker: Any, make_user: Any) -> None:
    response = client.get("/ru/screening/offline/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user(username="coordinator", role=Role.COORDINATOR, organisation=""))
    assert client.get("/ru/screening/offline/").status_code == 403
    assert client.get("/ru/screening/offline/data.json").status_code == 403
    client.force_login(worker)
    page = client.get("/ru/screening/offline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="manifest"' in html and "offline-config" in html
    assert "csrfmiddlewaretoken" not in html  # nothing in the page that is not for everyone
    assert worker.username not in html


def test_engine_data_with_etag(client: Any, worker: Any) -> None:
    client.force_login(worker)
    response = client.get("/kk/screening/offline/data.json")
    assert response.status_code == 200
    assert response.json()["version"] == engine_data("kk")["version"]
    etag = response["ETag"]
    assert client.get("/kk/screening/offline/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/ru/screening/offline/data.json").json()["language"] == "ru"


def test_service_worker_keeps_only_the_app(client: Any) -> None:
    response = client.get("/ru/screening/offline/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    config = body.splitlines()[0]
    assert '"shell": "/ru/screening/offline/"' in config
    assert "/api/" not in config and "/cases/" not in config
    manifest = client.get("/ru/screening/offline/manifest.webmanifest").json()
    assert manifest["scope"] == "/ru/screening/offline/"
    assert manifest["start_url"] == "/ru/screening/offline/"


def test_whoami_needs_a_session(client: Any, worker: Any, make_user: Any) -> None:
    assert client.get("/kk/screening/offline/whoami/").status_code == 403
    client.force_login(worker)
    owner = client.get("/kk/screening/offline/whoami/").json()["owner"]
    assert len(owner) == 32
    client.force_login(make_user(username="second", organisation="ORG01"))
    assert client.get("/kk/screening/offline/whoami/").json()["owner"] != owner
