"""Disclosure control for every statistical output: the only place where small cells are
decided and labelled (issue 14 §2, §4). See docs/monitoring.md, "Protection of the figures".

1. **Cell-key perturbation** (the method of statistical offices' table builders, e.g. the
   ABS TableBuilder): every case has a permanent random record key (``rollup.KEY_MODULUS``);
   a cell's key is the sum of its records' keys modulo that, scaled to [0, 1). A fixed table
   maps (cell key, true count) to a small noise. The same set of persons always gets the same
   key, so the same noise: asking twice, or asking for the same cell through another output,
   gives the same number, and differencing two outputs yields noise, not people.
2. **Small cells**: a true count of persons below the threshold (zero included, so that an
   empty cell does not tell what the few others are) is shown as "<5"; the
   perturbation never brings a count at or above the threshold below it, so "<5" always
   means the true count is below it.
3. **Complementary suppression**: when a breakdown published with its total has exactly one
   small cell, the next smallest cell is hidden too ("hidden"), so that nothing can be
   subtracted from the total.

Pure: no Django model; ``Cell.display`` formats in the active language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.utils import formats
from django.utils.translation import gettext

K = TypeVar("K")
KEY_MODULUS = 2**31
SMALL = "small"
HIDDEN = "hidden"

# The perturbation table: for a true count v at or above the threshold, the noise is a whole
# number from -NOISE_SPAN to +NOISE_SPAN, equally likely, among those that keep the count at
# or above the threshold (so "<5" stays truthful): zero-mean, variance 4, from threshold + 3
# up; slightly positive just above the threshold. A cell key in [0, 1) picks the noise by
# cumulative probability. ±3 rather than the ±2 of some table builders: with ±2 an attacker
# comparing two tables that differ by one person names that person's category about 15
# points more often than the best guess; with ±3 about 8 (docs/monitoring.md).
NOISE_SPAN = 3


def noise_row(value: int, threshold: int) -> tuple[tuple[int, float], ...]:
    noises = [n for n in range(-NOISE_SPAN, NOISE_SPAN + 1) if value + n >= threshold]
    return tuple((n, 1 / len(noises)) for n in noises)


def perturb(value: int, key: float, threshold: int) -> int:
    """The published count for a true ``value`` >= ``threshold`` with cell key ``key``."""
    row = noise_row(value, threshold)
    return value + row[min(int(key * len(row)), len(row) - 1)][0]


def cell_key(keysum: int) -> float:
    return (keysum % KEY_MODULUS) / KEY_MODULUS


@dataclass(frozen=True)
class Cell:
    """A published cell: ``value`` is the (perturbed) count, or None when withheld; ``reason``
    says why (``SMALL``: the true count is below the threshold; ``HIDDEN``: withheld to
    protect another cell)."""

    value: int | None
    reason: str = ""
    threshold: int = 5

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def display(self, threshold: int | None = None) -> str:
        """The text of the cell in every output, in the active language."""
        if self.value is None:
            if self.reason == HIDDEN:
                return gettext("hidden")
            return f"<{threshold or self.threshold}"
        return str(formats.number_format(self.value, force_grouping=True))


def protect(value: int, keysum: int | None, threshold: int) -> Cell:
    """One cell: withheld below the threshold, perturbed above (when it has a key). Counts
    without keys (things, not persons) keep their zeros."""
    if threshold <= 0 or (value == 0 and keysum is None):
        return Cell(value, "", threshold)
    if value < threshold:
        return Cell(None, SMALL, threshold)
    if keysum is None:
        return Cell(value, "", threshold)
    return Cell(perturb(value, cell_key(keysum), threshold), "", threshold)


def suppress(
    counts: Mapping[K, int],
    threshold: int,
    keys: Mapping[K, int] | None = None,
    complementary: bool = True,
) -> dict[K, Cell]:
    """A breakdown: every cell protected; with exactly one small cell, the next smallest
    published one is hidden too (``complementary``: for breakdowns whose cells add up to a
    published total). Without ``keys`` no noise is added (counts of things, not of
    persons)."""
    result = {
        key: protect(count, None if keys is None else keys.get(key, 0), threshold)
        for key, count in counts.items()
    }
    small = [key for key, cell in result.items() if cell.reason == SMALL]
    if complementary and len(small) == 1 and threshold > 0:
        candidates = sorted(
            (count, str(key), key)
            for key, count in counts.items()
            if result[key].value is not None and count > 0
        )
        if candidates:
            partner = candidates[0][2]
            result[partner] = Cell(None, HIDDEN, threshold)
    return result


def suppress_total(total: int, threshold: int, keysum: int | None = None) -> Cell:
    return protect(total, keysum, threshold)
