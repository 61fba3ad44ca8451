"""Bad input gets a 400 (or exit 2) naming the problem, never a 500 or a traceback
(issue 16, finding 6): deep nesting, huge numbers, lone surrogates, huge page numbers,
oversized uploads."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from qorgan.accounts.roles import Role
from qorgan.core import safejson

NESTED = "[" * 100_000 + "]" * 100_000
HUGE_NUMBER = '{"person": {"age": ' + "9" * 5000 + "}}"
SURROGATE = '{"screened_by": "police", "signs": ["\\ud800"]}'


@pytest.fixture
def officer_client(make_user: Any) -> Client:
    user = make_user(username="officer", role=Role.FRONTLINE_WORKER, organisation="ORG01")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case_id(make_user: Any) -> str:
    from qorgan.accounts.models import User
    from qorgan.cases.services import open_case

    user = User.objects.filter(username="officer").first() or make_user(
        username="officer", role=Role.FRONTLINE_WORKER, organisation="ORG01"
    )
    return str(open_case(organisation=user.organisation, by=user).id)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "words"),
    [
        (NESTED, "nested deeper than"),
        (HUGE_NUMBER, "digits"),
        ('{"a": NaN}', "not a JSON number"),
        ("{", "not valid JSON"),
    ],
)
def test_the_anonymous_evaluation_refuses_bad_json_with_400(
    body: str, words: str, reference_data: None
) -> None:
    response = Client().post("/api/v1/screenings/evaluate/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert words in response.json()["detail"]


@pytest.mark.django_db
def test_a_lone_surrogate_is_refused_naming_the_field(officer_client: Client) -> None:
    response = officer_client.post(
        "/api/v1/screenings/", SURROGATE, content_type="application/json"
    )
    assert response.status_code == 400
    assert "signs[0]" in response.json()["detail"]
    assert "surrogate" in response.json()["detail"]


@pytest.mark.django_db
def test_a_person_patch_with_a_surrogate_or_deep_nesting_is_400(
    make_user: Any, case_id: str
) -> None:
    from qorgan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="officer"))
    for body, words in [
        ('{"version": 1, "given_name": "A\\udc00"}', "given_name"),
        (NESTED, "nested deeper than"),
    ]:
        response = client.patch(
            f"/api/v1/cases/{case_id}/person/", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content[:300]
        assert words in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["9" * 30, "99999999999999", "100001", "9" * 5000])
def test_a_huge_page_number_is_400(officer_client: Client, page: str) -> None:
    response = officer_client.get("/api/v1/cases/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()


@pytest.mark.django_db
def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_read(
    officer_client: Client, case_id: str, settings: Any
) -> None:
    """A 200 MB upload: 413 from its Content-Length; the body is never read."""

    class NeverRead(io.BytesIO):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the body was read")

    response = officer_client.generic(
        "POST",
        f"/en/cases/{case_id}/attachment/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": NeverRead()},
    )
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


def test_a_file_over_the_limit_is_stopped_while_it_streams(settings: Any) -> None:
    """A body without a true length: the file is counted as it arrives and reading stops."""
    from django.http.multipartparser import MultiPartParser
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from qorgan.core.uploads import LimitedUploadHandler

    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    body = encode_multipart(
        BOUNDARY, {"name": "scan", "file": io.BytesIO(b"%PDF-1.4\n" + b"x" * 4_000_000)}
    )

    class Counting(io.BytesIO):
        consumed = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            Counting.consumed += len(chunk)
            return chunk

    class Request:
        upload_too_large = False

    request = Request()
    stream = Counting(body)
    handlers = [LimitedUploadHandler(request)]
    from django.core.files.uploadhandler import MemoryFileUploadHandler

    handlers.append(MemoryFileUploadHandler(request))
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    _post, files = MultiPartParser(
        {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))},
        stream,
        handlers,
    ).parse()
    assert request.upload_too_large is True
    assert "file" not in files
    assert Counting.consumed < len(body) // 4  # stopped early, not read whole


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        (NESTED, "nested deeper than"),
        (HUGE_NUMBER, "digits"),
        (SURROGATE, "signs[0]"),
        ("{" * 10, "not valid JSON"),
    ],
)
def test_the_cli_exits_2_with_one_line(stdin: str, words: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qorgan.cli", "screen"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr[-500:]
    assert result.stderr.count("\n") == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_safejson_reads_what_json_reads() -> None:
    data = {"a": [1, 2.5, None, True, "қазақша \u2028"], "b": {"c": -3}}
    assert safejson.loads(json.dumps(data)) == data
    assert safejson.loads(json.dumps(data, ensure_ascii=False).encode()) == data
