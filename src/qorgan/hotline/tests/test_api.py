"""Telephony and chat systems create contacts through the API (/api/v1/hotline/contacts/)."""

from __future__ import annotations

from typing import Any

from qorgan.hotline.models import Contact
from qorgan.notifications.models import Notification

from .conftest import CRISIS

URL = "/api/v1/hotline/contacts/"


def test_a_chat_system_creates_contacts(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    body = {**CRISIS, "hotline": "korgau", "channel": "chat", "external_id": "chat-4711"}
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["reference"].startswith("H-") and created["waiting"] is True
    assert created["region"] == "KZ-71" and created["signs"] == ["S02", "S12"]
    assert "account" not in created  # the caller's words are not sent back
    contact = Contact.objects.get(pk=created["id"])
    assert contact.account == CRISIS["account"] and contact.channel == "chat"
    assert (
        Notification.objects.filter(reference=contact.reference, kind="hotline_crisis").count() == 2
    )
    # Retrying the same chat is refused, not counted twice.
    again = client.post(URL, body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "invalid"
    assert "external_id" in again.json()
    info = client.post(
        URL,
        {"hotline": "korgau", "channel": "phone", "language": "kk", "contact_type": "information"},
        content_type="application/json",
    )
    assert info.status_code == 201 and info.json()["caller_relation"] == "unknown"
    listed = client.get(URL).json()["results"]
    assert listed[0]["reference"] == created["reference"]
    assert len(listed) == 2
    read = client.get(f"{URL}{created['id']}/")
    assert read.status_code == 200 and read.json()["reference"] == created["reference"]


def test_api_errors(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    bad = client.post(
        URL,
        {"hotline": "korgau", "channel": "fax", "language": "kk", "contact_type": "tip"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "channel" in bad.json() and bad.json()["code"] == "invalid"
    signs = client.post(
        URL,
        {**CRISIS, "hotline": "korgau", "signs": ["S99X"]},
        content_type="application/json",
    )
    assert signs.status_code == 400 and "signs" in signs.json()
    client.force_login(desk["stranger"])
    other = client.post(URL, {**CRISIS, "hotline": "korgau"}, content_type="application/json")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    client.logout()
    assert (
        client.post(
            URL, {**CRISIS, "hotline": "korgau"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Contact.objects.count() == 0


def test_contacts_are_in_the_openapi_schema(client: Any, desk: dict[str, Any]) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/hotline/contacts/"]["post"]
    assert post["operationId"] == "hotline_contacts_create"
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"hotline", "channel", "contact_type", "signs", "external_id"} <= set(properties)
