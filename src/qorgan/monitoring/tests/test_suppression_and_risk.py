"""The pure parts: suppression of small cells, the risk index, k-anonymity."""

from __future__ import annotations

import pytest

from qorgan.monitoring import risk
from qorgan.monitoring.suppression import suppress, suppress_total


def values(counts: dict[str, int], threshold: int = 5) -> dict[str, int | None]:
    return {k: c.value for k, c in suppress(counts, threshold).items()}


def test_small_cells_are_withheld_zero_stays() -> None:
    assert values({"a": 0, "b": 3, "c": 10, "d": 4}) == {"a": 0, "b": None, "c": 10, "d": None}


def test_a_lone_small_cell_takes_the_next_smallest_with_it() -> None:
    """Otherwise the total minus the others would give it away."""
    assert values({"a": 0, "b": 3, "c": 10, "d": 7}) == {"a": 0, "b": None, "c": 10, "d": None}


def test_nothing_small_nothing_withheld() -> None:
    assert values({"a": 5, "b": 50}) == {"a": 5, "b": 50}


def test_total_is_withheld_when_small() -> None:
    assert (
        suppress_total(4, 5).value is None
        and suppress_total(0, 5).value == 0
        and suppress_total(5, 5).value == 5
    )


def test_risk_index_by_hand() -> None:
    data = {
        "A": {"cases": 10, "reports": 4, "quota_use": 1.2, "activities": 0},
        "B": {"cases": 0, "reports": 0, "quota_use": 0.5, "activities": 10},
        "C": {"cases": 5, "reports": 2, "quota_use": 0.85, "activities": 5},
    }
    result = {r.region: r for r in risk.compute(data)}
    # A: highest on every component, least prevention: 100. B: lowest everywhere, most prevention: 0.
    assert result["A"].index == 100.0
    assert result["B"].index == 0.0
    assert result["C"].index == 50.0
    cases = next(c for c in result["C"].components if c.name == "cases")
    assert (cases.raw, cases.scaled, cases.weight, cases.contribution) == (5.0, 0.5, 0.4, 20.0)


def test_risk_index_equal_regions_score_zero() -> None:
    data = {"A": {"cases": 3}, "B": {"cases": 3}}
    assert all(r.index == 0 for r in risk.compute(data))
    with pytest.raises(ValueError):
        risk.compute(data, weights=(("cases", 0.0, True),))


# The open-data releases (k-anonymity by generalisation, DP-synthetic) are tested in
# test_opendata.py.
