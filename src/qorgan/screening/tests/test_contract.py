"""One contract: the API's OpenAPI schemas are the engine's dataclasses, field for field."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from qorgan.screening import engine
from qorgan.screening.engine import (
    Action,
    Evidence,
    EvidenceSet,
    FormBasis,
    Location,
    Note,
    Person,
    ScreeningRequest,
    ScreeningResult,
    SourceRef,
)

REQUEST = {
    "screened_by": "police",
    "reported_to_102": True,
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "UZ"},
    "signs": ["S12", "S17", "S28"],
    "risk_groups": ["R15"],
    "places": ["P02"],
    "physical_injuries": True,
    "accepts_help": True,
}


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:
        return _resolve(schema, node["allOf"][0])
    return node


def _names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def _evaluate_operation(openapi: dict[str, Any]) -> dict[str, Any]:
    for path in openapi["paths"].values():
        for operation in path.values():
            if (
                isinstance(operation, dict)
                and operation.get("operationId") == "screenings_evaluate"
            ):
                return operation
    raise AssertionError("no screenings_evaluate operation")


def test_the_response_schema_is_the_result_dataclass(openapi: dict[str, Any]) -> None:
    operation = _evaluate_operation(openapi)
    response = _resolve(
        openapi, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert list(response["properties"]) == _names(ScreeningResult)
    assert set(response["required"]) == set(_names(ScreeningResult))
    props = response["properties"]
    evidence = _resolve(openapi, props["evidence"])
    assert list(evidence["properties"]) == _names(EvidenceSet)
    item = _resolve(openapi, evidence["properties"]["signs"]["items"])
    assert list(item["properties"]) == _names(Evidence)
    assert list(_resolve(openapi, item["properties"]["source"])["properties"]) == _names(SourceRef)
    action = _resolve(openapi, props["actions"]["items"])
    assert list(action["properties"]) == _names(Action)
    assert _resolve(openapi, action["properties"]["urgency"])["enum"] == [
        "immediate",
        "urgent",
        "routine",
    ]
    assert list(_resolve(openapi, props["exploitation_basis"]["items"])["properties"]) == _names(
        FormBasis
    )
    assert list(_resolve(openapi, props["notes"]["items"])["properties"]) == _names(Note)
    assert _resolve(openapi, props["assessment"])["enum"] == list(engine.ASSESSMENTS)


def test_the_request_schema_is_the_request_dataclass(openapi: dict[str, Any]) -> None:
    operation = _evaluate_operation(openapi)
    request = _resolve(openapi, operation["requestBody"]["content"]["application/json"]["schema"])
    assert list(request["properties"]) == _names(ScreeningRequest)
    assert request["required"] == ["screened_by"]
    props = request["properties"]
    assert list(_resolve(openapi, props["person"])["properties"]) == _names(Person)
    assert list(_resolve(openapi, props["location"])["properties"]) == _names(Location)
    assert set(_names(ScreeningRequest)) == engine.REQUEST_FIELDS
    assert props["accepts_help"].get("nullable") is True


def test_as_dict_is_the_json_contract_and_round_trips() -> None:
    result = engine.screen(REQUEST, language="ru")
    data = result.as_dict()
    assert list(data) == _names(ScreeningResult)
    assert list(data["evidence"]) == ["signs", "risk_groups", "places"]
    assert set(data["actions"][0]) == {"code", "urgency", "text", "source"}
    assert set(data["actions"][0]["source"]) == {"document", "line"}
    assert set(data["exploitation_basis"][0]) == {"form", "text", "evidence"}
    assert isinstance(data["exploitation_forms"], list)
    assert json.loads(json.dumps(data)) == data  # plain JSON: lists, not tuples
    assert ScreeningResult.from_dict(data) == result
    assert ScreeningResult.from_dict(json.loads(json.dumps(data))).as_dict() == data


def test_the_result_is_frozen() -> None:
    result = engine.screen(REQUEST)
    with pytest.raises(FrozenInstanceError):
        result.assessment = "no_indication"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        result.actions[0].text = "x"  # type: ignore[misc]


def test_the_request_round_trips_in_the_contract_shape() -> None:
    parsed = engine.parse_request(REQUEST)
    assert parsed.as_dict() == REQUEST
    assert engine.parse_request(parsed.as_dict()) == parsed


def test_api_cli_and_engine_agree(client: Any) -> None:
    from io import StringIO

    from qorgan.screening.cli import run

    out = StringIO()
    assert run(["--lang", "ru"], stdin=StringIO(json.dumps(REQUEST)), stdout=out) == 0
    response = client.post(
        "/api/v1/screenings/evaluate/?lang=ru", data=REQUEST, content_type="application/json"
    )
    assert response.status_code == 200
    expected = engine.screen(REQUEST, language="ru").as_dict()
    assert json.loads(out.getvalue()) == expected == response.json()


def test_action_for_is_the_evaluated_step_without_evaluating() -> None:
    result = engine.screen(REQUEST, language="kk")
    for action in result.actions:
        assert engine.action_for(result.track, action.code, "kk") == action
    assert engine.action_for("police", "no_such_step") is None
