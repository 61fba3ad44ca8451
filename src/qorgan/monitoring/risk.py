"""The regional risk index (002 L392–398): transparent, recomputed per period (pure, no Django).

The SOP says risk assessment follows the joint order of the Interior Ministry (No 849) and the
Labour Ministry (No 410) of 2024 (002 L394); that order's method is not among Qorgan's
sources, so this index is a transparent proxy built from the data Qorgan holds, each
component shown with its weight and its data, and the weights configurable. See
docs/risk-index.md.

For each region and component, the raw value is scaled to 0..1 across regions (min-max; all
equal → 0), multiplied by its weight; the index is the sum × 100 (0 = lowest risk among the
regions, 100 = highest on every component).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# (component, weight, higher raw value means higher risk?)
DEFAULT_WEIGHTS: tuple[tuple[str, float, bool], ...] = (
    ("cases", 0.40, True),  # potential victims detected in the region
    ("reports", 0.20, True),  # the public's anonymous reports about the region
    ("quota_use", 0.25, True),  # foreign workers attracted ÷ quota (labour-migration pressure)
    ("activities", 0.15, False),  # prevention work recorded: more work, less risk
)


@dataclass(frozen=True)
class Component:
    name: str
    weight: float
    raw: float
    scaled: float
    contribution: float


@dataclass(frozen=True)
class RegionRisk:
    region: str
    index: float
    components: tuple[Component, ...]


def compute(
    data: Mapping[str, Mapping[str, float]],
    weights: tuple[tuple[str, float, bool], ...] = DEFAULT_WEIGHTS,
) -> list[RegionRisk]:
    total_weight = sum(w for _, w, _ in weights)
    if total_weight <= 0:
        raise ValueError("the weights must add up to more than zero")
    ranges: dict[str, tuple[float, float]] = {}
    for name, _, _ in weights:
        values = [float(row.get(name, 0.0)) for row in data.values()]
        ranges[name] = (min(values, default=0.0), max(values, default=0.0))
    result = []
    for region, row in data.items():
        components = []
        for name, weight, higher_is_riskier in weights:
            low, high = ranges[name]
            raw = float(row.get(name, 0.0))
            scaled = 0.0 if high == low else (raw - low) / (high - low)
            if not higher_is_riskier:
                scaled = 1.0 - scaled if high != low else 0.0
            share = weight / total_weight
            components.append(
                Component(name, share, raw, round(scaled, 4), round(scaled * share * 100, 2))
            )
        result.append(
            RegionRisk(region, round(sum(c.contribution for c in components), 1), tuple(components))
        )
    return sorted(result, key=lambda r: (-r.index, r.region))
