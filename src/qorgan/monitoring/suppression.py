"""Small-cell suppression for every statistical output (pure, no Django).

A count greater than zero and smaller than the threshold is withheld (shown as "<5"). When a
breakdown is published with its total, one withheld cell could be recovered by subtraction;
so when exactly one cell is withheld, the next smallest non-zero cell is withheld too
(complementary suppression). Zero stays zero: nobody can be recognised in an empty cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")


@dataclass(frozen=True)
class Cell:
    value: int | None  # None: withheld

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def display(self, threshold: int) -> str:
        return f"<{threshold}" if self.value is None else str(self.value)


def suppress(counts: Mapping[K, int], threshold: int) -> dict[K, Cell]:
    withheld = {key for key, count in counts.items() if 0 < count < threshold}
    if len(withheld) == 1:
        candidates = sorted(
            (count, str(key), key)
            for key, count in counts.items()
            if count > 0 and key not in withheld
        )
        if candidates:
            withheld.add(candidates[0][2])
    return {key: Cell(None if key in withheld else count) for key, count in counts.items()}


def suppress_total(total: int, threshold: int) -> Cell:
    return Cell(None if 0 < total < threshold else total)
