"""The offline app's engine (static/qorgan/offline/engine.js, run by node) gives exactly the
Python engine's result: on the engine tests' cases and on 10,000 random valid requests in each
language, the whole result is compared (assessment, forms and their evidence, steps in order
with texts and lines, notes, evidence). The browser's engine reads the same rules table: its
data is built from screening/rules.py by screening/offline_data.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qorgan.knowledge.catalogue import LANGUAGES
from qorgan.screening import rules
from qorgan.screening.engine import screen
from qorgan.screening.offline_data import engine_data, engine_data_json

from .offline.requests import random_requests, vignettes

ROOT = Path(__file__).resolve().parents[1]
BATCH = ROOT / "tests" / "offline" / "batch.mjs"
RANDOM_COUNT = 10_000


def as_json(result: Any) -> Any:
    """The result as the API gives it (``as_dict()`` once the engine returns a dataclass)."""
    if hasattr(result, "as_dict"):
        result = result.as_dict()
    return json.loads(json.dumps(result))


def node_screen(tmp_path: Path, batch: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (20 or later) is needed to run the browser's engine: install nodejs")
    data = {}
    for language in LANGUAGES:
        path = tmp_path / f"engine-{language}.json"
        path.write_bytes(engine_data_json(language))
        data[language] = str(path)
    inp, out = tmp_path / "in.json", tmp_path / "out.json"
    inp.write_text(json.dumps({"data": data, "requests": batch}), encoding="utf-8")
    subprocess.run(
        [node, "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", str(BATCH), str(inp), str(out)],
        check=True,
        timeout=600,
    )
    return list(json.loads(out.read_text(encoding="utf-8"))["results"])


def compare(tmp_path: Path, requests: list[dict[str, Any]]) -> int:
    batch = [(LANGUAGES[i % len(LANGUAGES)], request) for i, request in enumerate(requests)]
    expected = [as_json(screen(request, language=language)) for language, request in batch]
    got = node_screen(tmp_path, batch)
    assert len(got) == len(expected)
    differ = [i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
    if differ:
        i = differ[0]
        pytest.fail(
            f"{len(differ)} of {len(batch)} results differ; first: request {batch[i]}\n"
            f"python: {json.dumps(expected[i], ensure_ascii=False)}\n"
            f"node:   {json.dumps(got[i], ensure_ascii=False)}"
        )
    return len(batch)


def test_vignettes_give_identical_results(tmp_path: Path) -> None:
    requests = vignettes()
    assert len(requests) > 100
    assert compare(tmp_path, requests) == len(requests)


def test_random_valid_requests_give_identical_results(tmp_path: Path) -> None:
    requests = random_requests(RANDOM_COUNT)
    results = [screen(r, language="en") for r in requests[:2000]]
    # The sample covers every track, assessment, rule and note (else the comparison is weak).
    seen = {(a["code"], as_json(r)["track"]) for r in results for a in as_json(r)["actions"]} | {
        ("note", n["code"]) for r in results for n in as_json(r)["notes"]
    }
    assert {(rule.action, rule.track.value) for rule in rules.RULES} <= seen
    assert {("note", code) for code, _ in rules.NOTES} <= seen
    assert compare(tmp_path, requests) == RANDOM_COUNT


def test_invalid_requests_are_refused_by_both(tmp_path: Path) -> None:
    bad = [
        {},
        {"screened_by": "nobody"},
        {"screened_by": "ngo", "signs": ["NOPE"]},
        {"screened_by": "ngo", "person": {"age": 200}},
        {"screened_by": "ngo", "location": {"country": "TR", "region": "KZ-75"}},
        {"screened_by": "ngo", "accepts_help": "yes", "extra": 1},
    ]
    got = node_screen(tmp_path, [("en", r) for r in bad])
    for request, result in zip(bad, got, strict=True):
        with pytest.raises(ValueError):
            screen(request, language="en")
        assert "error" in result, request


def test_engine_data_reads_the_rules_table() -> None:
    data = engine_data("ru")
    assert [r["when"] for r in data["rules"]] == [rule.when.as_json() for rule in rules.RULES]
    assert [n["code"] for n in data["notes"]] == [code for code, _ in rules.NOTES]
    assert data["rules"][0]["action"]["code"] == rules.RULES[0].action
    assert engine_data("kk")["version"] != data["version"]
