"""Screening requests for the offline engine's differential test and benchmark.

``vignettes()``: the cases of the engine's own tests (each SOP rule's case, its negation, on
each track). ``random_requests(count, seed)``: valid requests over every field of the
contract, including the spellings the parser normalizes (lower case, former region codes,
duplicates, omitted and null fields).
"""

from __future__ import annotations

import random
from typing import Any

from qorgan.directory.countries import alpha2_codes
from qorgan.directory.reference import SUBJECT_KIND_CODES, default_directory
from qorgan.knowledge.catalogue import default_catalogue
from qorgan.screening.engine import MAX_AGE

Request = dict[str, Any]


def vignettes() -> list[Request]:
    from qorgan.screening.tests.test_engine import NEGATIONS, RULE_CASES, TRACK_REQUEST, request

    made: list[Request] = []
    for track, overrides, _action, _line in RULE_CASES:
        made.append(request(**TRACK_REQUEST[track], **overrides))
        negated = {
            key: (NEGATIONS[key][value] if isinstance(NEGATIONS[key], dict) else NEGATIONS[key])
            for key, value in overrides.items()
        }
        made.append(request(**TRACK_REQUEST[track], **negated))
        made.append(request(**{**TRACK_REQUEST[track], **overrides, "signs": []}))
        made.append(
            request(**{**TRACK_REQUEST[track], **overrides, "accepts_help": None, "age": None})
        )
    made.append(request(signs=[], risk_groups=[], places=[]))
    made.append({"screened_by": "police"})
    made.append({"screened_by": "ngo", "reported_to_102": True, "signs": ["S01", "S01"]})
    return made


def _maybe(rng: random.Random, key: str, value: Any, into: Request, omit: float = 0.1) -> None:
    if rng.random() >= omit:
        into[key] = value


def random_requests(count: int, seed: int = 12) -> list[Request]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    catalogue = default_catalogue()
    elements = {
        "signs": [e.code for e in catalogue.of_kind("sign")],
        "risk_groups": [e.code for e in catalogue.of_kind("risk_group")],
        "places": [e.code for e in catalogue.of_kind("place")],
    }
    kinds = sorted(SUBJECT_KIND_CODES)
    countries = sorted(alpha2_codes())
    regions = sorted(default_directory().region_codes())  # current and former codes
    made: list[Request] = []
    for _ in range(count):
        data: Request = {"screened_by": rng.choice(kinds)}
        _maybe(rng, "reported_to_102", rng.random() < 0.4, data)
        abroad = rng.random() < 0.25
        if rng.random() < 0.1:
            _maybe(rng, "location", None, data, 0.5)
        else:
            location: Request = {}
            country = rng.choice(countries) if abroad else "KZ"
            if country != "KZ" or rng.random() < 0.9:
                location["country"] = rng.choice([country, country.lower(), f" {country} "])
            if country == "KZ":
                region = rng.choice([None, "", *regions])
                if isinstance(region, str) and region and rng.random() < 0.3:
                    region = rng.choice([region.lower(), region.removeprefix("KZ-")])
                _maybe(rng, "region", region, location, 0.2)
            else:
                _maybe(rng, "region", rng.choice([None, ""]), location, 0.5)
            data["location"] = location
        if rng.random() < 0.05:
            _maybe(rng, "person", None, data, 0.5)
        else:
            person: Request = {}
            _maybe(rng, "age", rng.choice([None, rng.randint(0, MAX_AGE), 17, 18]), person, 0.2)
            _maybe(rng, "minor", rng.choice([None, None, True, False]), person, 0.2)
            _maybe(rng, "sex", rng.choice(["female", "male", "unknown", None]), person, 0.1)
            citizenship = rng.choice(
                [
                    "KZ",
                    "kz",
                    "stateless",
                    "unknown",
                    None,
                    rng.choice(countries),
                    rng.choice(countries).lower(),
                ]
            )
            _maybe(rng, "citizenship", citizenship, person, 0.1)
            data["person"] = person
        for name, codes in elements.items():
            if rng.random() < 0.05:
                _maybe(rng, name, None, data, 0.5)
                continue
            chosen = rng.sample(codes, rng.choice([0, 0, 1, 1, 2, 3, 5, min(len(codes), 9)]))
            if chosen and rng.random() < 0.1:
                chosen.append(rng.choice(chosen))
            _maybe(rng, name, chosen, data)
        _maybe(rng, "physical_injuries", rng.random() < 0.3, data)
        _maybe(rng, "accepts_help", rng.choice([True, False, None]), data)
        made.append(data)
    return made
