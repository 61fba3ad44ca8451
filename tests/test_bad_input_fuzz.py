"""Fuzzing the shapes that crashed before (issue 16, finding 6): deep nesting, huge numbers,
lone surrogates, odd bytes. The API never answers 5xx; ``qorgan screen`` always exits 0 or 2
with at most one line on standard error."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qorgan.accounts.roles import Role
from qorgan.screening.cli import run

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.text(alphabet=st.one_of(st.characters(), SURROGATES), max_size=20)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=False),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["screened_by", "signs", "person", "location", "accepts_help", "risk_groups", "places"]
)


def _nested(depth: int, kind: str) -> str:
    return (
        ("[" if kind == "list" else '{"a":') * depth
        + "1"
        + ("]" if kind == "list" else "}") * depth
    )


@st.composite
def bodies(draw: Any) -> str:
    shape = draw(st.sampled_from(["request", "nested", "number", "surrogate", "bytes"]))
    if shape == "nested":
        return _nested(draw(st.integers(30, 5000)), draw(st.sampled_from(["list", "dict"])))
    if shape == "number":
        return '{"person": {"age": ' + "9" * draw(st.integers(20, 6000)) + "}}"
    if shape == "surrogate":
        return '{"screened_by": "police", "signs": ["\\ud8' + draw(st.sampled_from("0abf")) + '0"]}'
    if shape == "bytes":
        return draw(st.text(max_size=60))
    request = draw(st.dictionaries(FIELDS, VALUES, max_size=5))
    return json.dumps(request, ensure_ascii=True)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies())
def test_the_api_never_answers_5xx(body: str, reference_data: None) -> None:
    client = Client()
    for path in ("/api/v1/screenings/evaluate/",):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code < 500, (body[:200], response.content[:300])


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies())
def test_signed_in_endpoints_never_answer_5xx(body: str, make_user: Any) -> None:
    from qorgan.accounts.models import User
    from qorgan.cases.services import open_case

    user = User.objects.filter(username="fuzz").first() or make_user(
        username="fuzz", role=Role.FRONTLINE_WORKER, organisation="ORG01"
    )
    case = open_case(organisation=user.organisation, by=user)
    client = Client()
    client.force_login(user)
    for method, path in (
        ("post", "/api/v1/screenings/"),
        ("patch", f"/api/v1/cases/{case.pk}/person/"),
        ("patch", f"/api/v1/cases/{case.pk}/details/"),
        ("post", f"/api/v1/cases/{case.pk}/consents/"),
    ):
        response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code < 500, (path, body[:200], response.content[:300])
    pages = client.get("/api/v1/cases/", {"page": body[:40]})
    assert pages.status_code < 500


@settings(max_examples=200, deadline=None)
@given(body=bodies())
def test_the_cli_always_exits_0_or_2_with_one_line(body: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--lang", "ru"], stdin=io.StringIO(body), stdout=out, stderr=err)
    assert code in (0, 2), err.getvalue()
    if code == 2:
        assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
