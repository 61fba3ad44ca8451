"""The open-data release, like CTDC's: no single victim can be recognised in it.

Two files, both built from cases reduced to a few generalised attributes (year, region,
sex, age group, citizenship group, first form of exploitation, status group):

- ``k_anonymous``: a record is released only if at least k cases (default 10) share all its
  attributes; the others are left out (suppression), never generalised further in place.
- ``synthetic``: records drawn by pac-synth's differentially private aggregate-seeded
  synthesizer (ε = 1.0 by default, reporting length 3): no record is a real case, and the
  presence or absence of any one case changes the output's probabilities by at most e^ε.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLUMNS: tuple[str, ...] = (
    "year",
    "region",
    "sex",
    "age_group",
    "citizenship",
    "exploitation_form",
    "status",
)
STATUS_GROUPS = {
    "detected": "detected",
    "referred": "detected",
    "identified": "identified",
    "assisted": "identified",
    "returned": "identified",
    "reintegrated": "identified",
    "not_identified": "not_identified",
    "refused_help": "refused_help",
    "information_card_issued": "refused_help",
    "closed": "closed",
}


def generalise(
    *,
    year: int,
    region: str | None,
    sex: str,
    age_group: str,
    citizenship: str,
    forms: Sequence[str],
    status: str,
) -> tuple[str, ...]:
    """One case as a release record: only generalised attributes, no identifier, no date."""
    if citizenship not in ("KZ", "stateless", "unknown"):
        citizenship = "foreign"
    age = (
        "minor"
        if age_group in ("0-13", "14-17")
        else ("adult" if age_group != "unknown" else "unknown")
    )
    return (
        str(year),
        region or "unknown",
        sex,
        age,
        citizenship,
        sorted(forms)[0] if forms else "unknown",
        STATUS_GROUPS.get(status, "detected"),
    )


@dataclass(frozen=True)
class Release:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    withheld: int
    k: int


def k_anonymous(records: Iterable[tuple[str, ...]], k: int) -> Release:
    """Release the records whose whole combination of attributes is shared by at least k cases."""
    if k < 2:
        raise ValueError("k must be at least 2")
    records = list(records)
    classes = Counter(records)
    released = sorted(r for r in records if classes[r] >= k)
    return Release(columns=COLUMNS, rows=released, withheld=len(records) - len(released), k=k)


def smallest_class(
    release_rows: Iterable[tuple[str, ...]], source: Iterable[tuple[str, ...]]
) -> int:
    """How many source cases match the least-shared released record (≥ k when the release is safe)."""
    counts = Counter(source)
    released = set(release_rows)
    return min((counts[row] for row in released), default=0)


MIN_SYNTHETIC_RECORDS = 1000


def synthetic(
    records: Sequence[tuple[str, ...]],
    *,
    epsilon: float = 1.0,
    reporting_length: int = 3,
    seed_records: int | None = None,
) -> list[tuple[str, ...]]:
    """Differentially private synthetic records (pac-synth). Returns [] below
    ``MIN_SYNTHETIC_RECORDS``: with fewer cases the noise that protects them leaves nothing
    useful (and the synthesizer may fail on a negative noisy count)."""
    import pacsynth

    if len(records) < MIN_SYNTHETIC_RECORDS:
        return []
    raw = [list(COLUMNS)] + [list(r) for r in records]
    dataset = pacsynth.Dataset(raw, None, None, None, None, None)
    parameters = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(reporting_length)
        .epsilon(epsilon)
        .build()
    )
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(parameters)
    try:
        synthesizer.fit(dataset)
        sampled = synthesizer.sample(seed_records)
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return []
    header, rows = sampled[0], sampled[1:]
    order = [header.index(c) for c in COLUMNS]
    return [tuple(row[i] or "unknown" for i in order) for row in rows]
