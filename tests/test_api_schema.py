"""The OpenAPI schema types everything (issue 16, "a typed API"), advertises JSON only and
describes the session's CSRF header; every error answer carries a stable code.

Counted on the live schema (/api/v1/schema/): an untyped answer or request body is a schema
that says nothing about its fields (``{}``, a bare ``object``, ``additionalProperties: {}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from qorgan.accounts.roles import Role
from qorgan.core.api_errors import CODES

UNSAFE = {"post", "put", "patch", "delete"}
BODY = {"screened_by": "police"}


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def untyped(node: Any, components: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Places in a schema that do not say what they hold."""
    if not isinstance(node, dict):
        return [where]
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return untyped(components[name], components, name, seen)
    found: list[str] = []
    for combinator in ("oneOf", "anyOf", "allOf"):
        for n, part in enumerate(node.get(combinator, [])):
            found += untyped(part, components, f"{where}.{combinator}[{n}]", seen)
    if any(c in node for c in ("oneOf", "anyOf", "allOf")) or "enum" in node:
        return found
    kind = node.get("type")
    if kind is None:
        return [*found, where]
    if kind == "array":
        return found + untyped(node.get("items"), components, f"{where}[]", seen)
    if kind == "object":
        properties = node.get("properties") or {}
        extra = node.get("additionalProperties")
        if not properties and not isinstance(extra, dict):
            return [*found, where]
        if isinstance(extra, dict):
            if not extra:
                found.append(f"{where}.*")
            else:
                found += untyped(extra, components, f"{where}.*", seen)
        for name, prop in properties.items():
            found += untyped(prop, components, f"{where}.{name}", seen)
    return found


def test_every_request_and_answer_is_typed(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    gaps: list[str] = []
    bodies = answers = 0
    for path, method, operation in operations(schema):
        label = f"{method.upper()} {path}"
        if method in UNSAFE:
            body = operation.get("requestBody")
            if body is None:
                gaps.append(f"{label}: no request body")
            else:
                bodies += 1
                for media, content in body["content"].items():
                    gaps += untyped(content.get("schema"), components, f"{label} {media}", set())
        for status, answer in operation["responses"].items():
            answers += 1
            content = answer.get("content")
            if not content:
                gaps.append(f"{label} {status}: no content")
                continue
            for media, item in content.items():
                gaps += untyped(item.get("schema"), components, f"{label} {status} {media}", set())
    assert gaps == []
    # 10 bodies before issue 13 (the hotline's contacts: issue 17); issue 13 adds the case work's
    # (notes, follow-ups, assignment, handover, approvals, goal result, consent withdrawal) and 4
    # for incidents, person links and duplicates; each answers its success and its errors.
    assert bodies == 24
    assert answers >= 70


def test_only_json_is_advertised(schema: dict[str, Any]) -> None:
    media = {
        media
        for _path, _method, operation in operations(schema)
        for part in [operation.get("requestBody", {}), *operation["responses"].values()]
        for media in part.get("content", {})
    }
    assert media == {"application/json"}


def test_every_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    """Signed-in operations answer 403; those with an id 404; those with a body 400, 413, 415;
    errors are ApiError or FieldErrors."""
    for path, method, operation in operations(schema):
        statuses = set(operation["responses"])
        assert "403" in statuses, (method, path)
        if "{" in path and "evaluate" not in path:
            assert "404" in statuses, (method, path)
        if method in UNSAFE:
            assert {"400", "413", "415"} <= statuses, (method, path)
        for status, answer in operation["responses"].items():
            if status.startswith("4"):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[-1] in {"ApiError", "FieldErrors", "BadRequest"}
    bad_request = schema["components"]["schemas"]["BadRequest"]["oneOf"]
    assert [s["$ref"].rsplit("/", 1)[-1] for s in bad_request] == ["ApiError", "FieldErrors"]
    field_errors = schema["components"]["schemas"]["FieldErrors"]
    assert field_errors["required"] == ["code"]


def test_the_session_and_its_csrf_header_are_described(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["cookieAuth"] == {**schemes["cookieAuth"], "in": "cookie", "name": "sessionid"}
    assert schemes["csrfToken"] == {**schemes["csrfToken"], "in": "header", "name": "X-CSRFToken"}
    for path, method, operation in operations(schema):
        requirements = operation["security"]
        if method in UNSAFE:
            assert {"cookieAuth": [], "csrfToken": []} in requirements, (method, path)
        else:
            assert requirements == [{"cookieAuth": []}], (method, path)
    evaluate = schema["paths"]["/api/v1/screenings/evaluate/"]["post"]
    assert {} in evaluate["security"]  # anonymous, without a session and so without CSRF


# --- The codes, asked of the running application --------------------------------------------


@pytest.fixture
def signed_in(make_user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(username="supervisor", role=Role.SUPERVISOR))
    return client


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert code in CODES
    return body


@pytest.mark.django_db
def test_drfs_own_errors_carry_codes(signed_in: Client) -> None:
    anonymous = Client()
    body = _error(anonymous.get("/api/v1/cases/"), 403, "not_authenticated")
    assert set(body) == {"detail", "code"}
    body = _error(
        signed_in.post("/api/v1/screenings/", {}, content_type="application/json"),
        403,
        "csrf_failed",
    )
    assert "CSRF" in body["detail"]
    token = signed_in.get("/en/work/").cookies["csrftoken"].value
    csrf = {"HTTP_X_CSRFTOKEN": token}
    body = _error(
        signed_in.post("/api/v1/screenings/", {"signs": ["S01"]}, **csrf),  # a form, not JSON
        415,
        "unsupported_media_type",
    )
    body = _error(
        signed_in.post("/api/v1/screenings/", "{", content_type="application/json", **csrf),
        400,
        "invalid_json",
    )
    _error(signed_in.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/"), 404, "not_found")
    _error(signed_in.delete("/api/v1/cases/", **csrf), 405, "method_not_allowed")
    body = _error(signed_in.get("/api/v1/cases/", {"page": "x"}), 400, "invalid")
    assert list(body["page"])
    body = _error(
        signed_in.post(
            "/api/v1/screenings/",
            {"consent_to_referral": "yes"},
            content_type="application/json",
            **csrf,
        ),
        400,
        "invalid",
    )
    assert set(body) == {"consent_to_referral", "code"}
    response = signed_in.post(
        "/api/v1/screenings/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        **csrf,
    )
    _error(response, 413, "request_too_large")


@pytest.mark.django_db
def test_throttled_evaluation_has_a_code(reference_data: None) -> None:
    from qorgan.screening.api import EvaluationThrottle

    EvaluationThrottle.rate = "1/min"
    EvaluationThrottle.num_requests, EvaluationThrottle.duration = 1, 60
    try:
        client = Client(REMOTE_ADDR="192.0.2.77")
        first = client.post("/api/v1/screenings/evaluate/", BODY, content_type="application/json")
        second = client.post("/api/v1/screenings/evaluate/", BODY, content_type="application/json")
    finally:
        EvaluationThrottle.rate = "120/min"
        EvaluationThrottle.num_requests, EvaluationThrottle.duration = 120, 60
    assert first.status_code == 200
    _error(second, 429, "throttled")
    assert second["Retry-After"]


@pytest.mark.django_db
def test_field_errors_keep_their_shape_and_a_field_called_code_does_not_hide_the_code(
    signed_in: Client,
) -> None:
    from qorgan.accounts.models import User
    from qorgan.cases.services import open_case

    user = User.objects.get(username="supervisor")
    case = open_case(organisation=user.organisation, by=user)
    token = signed_in.get("/en/work/").cookies["csrftoken"].value
    response = signed_in.patch(
        f"/api/v1/cases/{case.pk}/person/",
        {"version": case.version, "code": "x", "iin": "1"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = _error(response, 400, "invalid")
    assert body["iin"] == ["an IIN has 12 digits and a valid check digit"]
    assert body["non_field_errors"] == ["code: unknown field"]
    response = signed_in.patch(
        f"/api/v1/cases/{case.pk}/person/",
        {"version": case.version + 5, "phone": "1"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    body = _error(response, 409, "version_conflict")
    assert set(body) == {"version", "code"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"a": 1, "a.b": 2}, {"a": ["unknown field"], "a.b": ["unknown field"]}),
        (
            {"location": 5, "location.x": 1},
            {
                "location": {
                    "x": ["unknown field"],
                    "non_field_errors": ["must be an object with country and region"],
                }
            },
        ),
    ],
)
def test_field_errors_of_a_field_and_its_parts_are_both_kept(
    reference_data: None, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    """Found by the fuzz test: keys "x" and "x.y" both wrong made a 500."""
    response = Client().post(
        "/api/v1/screenings/evaluate/", {**BODY, **body}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {**expected, "code": "invalid"}
