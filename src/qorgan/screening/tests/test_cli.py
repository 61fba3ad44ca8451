"""``qorgan screen`` as a person runs it: JSON in, JSON out, exit codes of the contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

QORGAN = str(Path(sys.executable).with_name("qorgan"))

REQUEST = {
    "screened_by": "police",
    "reported_to_102": True,
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
    "signs": ["S01", "S28"],
    "risk_groups": ["R17"],
    "places": [],
    "physical_injuries": True,
    "accepts_help": True,
}


def run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [QORGAN, "screen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_result_on_stdout_exit_0(language: str) -> None:
    result = run(json.dumps(REQUEST), "--lang", language)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["assessment"] == "potential_victim"
    assert data["exploitation_forms"] == ["forced_labour"]
    assert [a["code"] for a in data["actions"]][:2] == [
        "dispatch_investigative_team",
        "call_ambulance",
    ]
    assert result.stderr == ""


def test_default_language_is_kazakh() -> None:
    data = json.loads(run(json.dumps(REQUEST)).stdout)
    assert data["actions"][0]["text"].startswith("102 НӨМІРІНЕ ХАБАРЛАМА ТҮСКЕН КЕЗДЕ")


@pytest.mark.parametrize(
    ("stdin", "args", "expected"),
    [
        ('{"screened_by": "ngo", "signs": ["S99"]}', (), "signs[0]: unknown sign code 'S99'"),
        ('{"signs": []}', (), "screened_by: is required"),
        ("not json", (), "request: not valid JSON"),
        ("", (), "request: not valid JSON"),
        ("[1, 2]", (), "request: must be a JSON object"),
        ('{"screened_by": "ngo"}', ("--lang", "de"), "--lang: unknown language 'de'"),
        ('{"screened_by": "ngo"}', ("--colour",), "unrecognized arguments"),
    ],
)
def test_invalid_input_exit_2_one_line_naming_the_field(
    stdin: str, args: tuple[str, ...], expected: str
) -> None:
    result = run(stdin, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
