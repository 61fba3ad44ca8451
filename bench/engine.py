"""Benchmark: screening engine evaluations per second (target ≥ 5,000/s).

Run: .venv/bin/python bench/engine.py [--count N]. Writes the figure into docs/benchmarks.md.
The requests vary over the three tracks, minors, injuries, refusals and element lists, and
include validation (``screen`` parses the JSON contract first, as every interface does).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from pathlib import Path
from typing import Any

from qorgan.knowledge.catalogue import default_catalogue
from qorgan.screening.engine import screen

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
KINDS = [
    "police",
    "ngo",
    "labour_social",
    "health_organization",
    "foreign_mission",
    "border_service",
]


def requests(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    catalogue = default_catalogue()
    signs = [e.code for e in catalogue.of_kind("sign")]
    groups = [e.code for e in catalogue.of_kind("risk_group")]
    places = [e.code for e in catalogue.of_kind("place")]
    made = []
    for _ in range(count):
        kind = rng.choice(KINDS)
        abroad = kind == "foreign_mission" and rng.random() < 0.8
        made.append(
            {
                "screened_by": kind,
                "reported_to_102": kind == "police" and rng.random() < 0.5,
                "location": {
                    "country": "TR" if abroad else "KZ",
                    "region": None if abroad else "KZ-75",
                },
                "person": {
                    "age": rng.choice([None, 9, 15, 17, 18, 25, 40]),
                    "minor": rng.choice([None, None, True, False]),
                    "sex": rng.choice(["female", "male", "unknown"]),
                    "citizenship": rng.choice(["KZ", "UZ", "stateless", "unknown"]),
                },
                "signs": rng.sample(signs, rng.randint(0, 4)),
                "risk_groups": rng.sample(groups, rng.randint(0, 3)),
                "places": rng.sample(places, rng.randint(0, 2)),
                "physical_injuries": rng.random() < 0.3,
                "accepts_help": rng.choice([True, False, None]),
            }
        )
    return made


def measure(count: int, rounds: int = 3) -> float:
    batch = requests(count)
    screen(batch[0])  # warm the caches (catalogue, texts), as a running server has them
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for item in batch:
            screen(item, language="kk")
        elapsed = time.perf_counter() - started
        best = max(best, count / elapsed)
    return best


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    rate = measure(args.count)
    verdict = "meets" if rate >= 5000 else "MISSES"
    body = (
        "## Screening engine\n\n"
        f"`python bench/engine.py --count {args.count}`: {rate:,.0f} evaluations per second "
        f"(best of 3 rounds over {args.count:,} varied requests, validation included; "
        f"target ≥ 5,000/s: {verdict}).\n\n"
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}."
    )
    write_section("engine", body)
    print(json.dumps({"evaluations_per_second": round(rate), "target": 5000}))


if __name__ == "__main__":
    main()
