"""The open-data release, like CTDC's: no single victim can be recognised in it (pure, no Django).

Releases follow a fixed grid: one release per calendar quarter that has ended, built once and
kept (``OpenDataRelease``), so that the same quarter always gives the same file and two
releases never cover overlapping sets of cases; a year is the four files of its quarters.
Two kinds of file, each from the quarter's cases reduced to a few attributes (region, sex,
age group, citizenship, forms of exploitation, status):

- ``k_anonymous``: every attribute has a generalisation hierarchy (region → macro-region →
  Kazakhstan; age group → minor/adult → any; citizenship → country group → Kazakhstan/foreign
  → any; status → status group → any; sex → any; forms → any). ``choose_generalisation``
  searches the whole lattice of combinations of levels and takes the most detailed one (the
  finest partition) that keeps at least ``1 - max_suppressed`` of the records in classes of
  k or more; the records of smaller classes are then left out (suppressed). Every
  released record shares all its values with at least k - 1 others of the same quarter.
- ``synthetic``: records drawn by pac-synth's differentially private aggregate-seeded
  synthesizer (ε per release, tracked per quarter against a total budget): no record is a real
  case. Empty values the synthesizer leaves are filled from the synthetic records' own values
  (post-processing, which costs no privacy), so no column holds a value its source never has;
  ``fidelity`` gives the total variation distance between source and synthetic records for
  every column and every pair of columns, published beside the file.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import pacsynth

COLUMNS: tuple[str, ...] = (
    "quarter",
    "region",
    "sex",
    "age_group",
    "citizenship",
    "exploitation_forms",
    "status",
)
ATTRIBUTES = COLUMNS[1:]  # the quasi-identifiers; the quarter is the release's own period
ANY = "*"

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
# Kazakhstan's five economic macro-regions (ISO 3166-2:KZ codes of 2024).
MACRO_REGIONS = {
    "KZ-15": "west",
    "KZ-23": "west",
    "KZ-27": "west",
    "KZ-47": "west",
    "KZ-11": "north",
    "KZ-39": "north",
    "KZ-55": "north",
    "KZ-59": "north",
    "KZ-71": "north",
    "KZ-35": "central",
    "KZ-62": "central",
    "KZ-10": "east",
    "KZ-63": "east",
    "KZ-19": "south",
    "KZ-31": "south",
    "KZ-33": "south",
    "KZ-43": "south",
    "KZ-61": "south",
    "KZ-75": "south",
    "KZ-79": "south",
}
CENTRAL_ASIA = {"UZ", "KG", "TJ", "TM"}
MINORS = {"0-13", "14-17"}


def _region(level: int, value: str) -> str:
    if value == "unknown" or level == 0:
        return value
    return MACRO_REGIONS.get(value, "unknown") if level == 1 else "KZ"


def _sex(level: int, value: str) -> str:
    return value if level == 0 else ANY


def _age(level: int, value: str) -> str:
    if level == 0:
        return value
    if level == 1:
        return value if value == "unknown" else ("minor" if value in MINORS else "adult")
    return ANY


def _citizenship(level: int, value: str) -> str:
    if level == 0 or (value in ("KZ", "unknown") and level < 3):
        return value
    if level == 1:
        if value == "stateless":
            return value
        return "central_asia" if value in CENTRAL_ASIA else "other_foreign"
    if level == 2:
        return "foreign"  # stateless persons too: not citizens of Kazakhstan
    return ANY


def _forms(level: int, value: str) -> str:
    return value if level == 0 else ANY


def _status(level: int, value: str) -> str:
    if level == 0:
        return value
    return STATUS_GROUPS.get(value, value) if level == 1 else ANY


@dataclass(frozen=True)
class Hierarchy:
    name: str
    levels: int  # the number of levels, the source's own being level 0
    generalise: Callable[[int, str], str]


HIERARCHIES: tuple[Hierarchy, ...] = (
    Hierarchy("region", 3, _region),
    Hierarchy("sex", 2, _sex),
    Hierarchy("age_group", 3, _age),
    Hierarchy("citizenship", 4, _citizenship),
    Hierarchy("exploitation_forms", 2, _forms),
    Hierarchy("status", 3, _status),
)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter written ``2026Q1``."""
    year, number = int(quarter[:4]), int(quarter[5])
    start = date(year, 3 * number - 2, 1)
    end = date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarters_between(start: date, end: date) -> list[str]:
    """The quarters that ``start``..``end`` touches, in order."""
    quarters, day = [], date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while day <= end:
        quarters.append(quarter_of(day))
        day = date.fromordinal(quarter_bounds(quarter_of(day))[1].toordinal() + 1)
    return quarters


def source_record(
    *,
    region: str | None,
    sex: str,
    age_group: str,
    citizenship: str,
    forms: Sequence[str],
    status: str,
) -> tuple[str, ...]:
    """One case as a source record: its attributes at their most detailed level; no identifier,
    no date. Values the case does not have are "unknown", as the case records them."""
    return (
        region or "unknown",
        sex or "unknown",
        age_group or "unknown",
        citizenship or "unknown",
        "+".join(sorted(set(forms))) if forms else "unknown",
        status,
    )


Node = tuple[int, ...]


def generalised(record: tuple[str, ...], node: Node) -> tuple[str, ...]:
    return tuple(
        h.generalise(level, v) for h, level, v in zip(HIERARCHIES, node, record, strict=True)
    )


def _roll_up(
    counts: Counter[tuple[str, ...]], attribute: int, level: int
) -> Counter[tuple[str, ...]]:
    """Class sizes one level up the hierarchy of one attribute, from those of the node below."""
    generalise = HIERARCHIES[attribute].generalise
    mapping = {v: generalise(level, v) for v in {c[attribute] for c in counts}}
    up: Counter[tuple[str, ...]] = Counter()
    for cls, n in counts.items():
        up[(*cls[:attribute], mapping[cls[attribute]], *cls[attribute + 1 :])] += n
    return up


def lattice(
    records: Iterable[tuple[str, ...]] | Counter[tuple[str, ...]],
) -> Iterator[tuple[Node, Counter[tuple[str, ...]]]]:
    """Every node of the generalisation lattice with its class sizes, layer by layer (each node
    rolled up from one below it, so only two layers are held at a time)."""
    bottom: Node = tuple(0 for _ in HIERARCHIES)
    layer = {bottom: records if isinstance(records, Counter) else Counter(records)}
    while layer:
        yield from sorted(layer.items())
        above: dict[Node, Counter[tuple[str, ...]]] = {}
        for node, counts in sorted(layer.items()):
            for i, h in enumerate(HIERARCHIES):
                if node[i] + 1 < h.levels:
                    up = (*node[:i], node[i] + 1, *node[i + 1 :])
                    if up not in above:
                        # Hierarchies nest: level l + 1 of a value is level l + 1 of its level l.
                        above[up] = _roll_up(counts, i, node[i] + 1)
        layer = above


def choose_generalisation(
    records: Iterable[tuple[str, ...]] | Counter[tuple[str, ...]],
    k: int,
    max_suppressed: float = 0.1,
) -> tuple[Node, int]:
    """The node of the generalisation lattice, searched whole, that keeps at least
    ``1 - max_suppressed`` of the records in classes of k or more and among those releases the
    most classes (the finest partition: the smallest average class size, C_AVG); then the most
    records, then the first in a fixed order, so the choice is reproducible. Returns the node
    and how many records it keeps. Generalising never loses records (classes only merge), so
    the top node keeps them all whenever there are k of them."""
    counts = records if isinstance(records, Counter) else Counter(records)
    need = (1 - max_suppressed) * sum(counts.values())
    best: tuple[int, int, Node] | None = None
    top: Node = tuple(h.levels - 1 for h in HIERARCHIES)
    for node, classes in lattice(counts):
        big = [n for n in classes.values() if n >= k]
        kept = sum(big)
        if kept >= need and kept and (best is None or (len(big), kept) > best[:2]):
            best = (len(big), kept, node)
    if best is None:  # fewer than k records: nothing can be released
        return top, 0
    return best[2], best[1]


@dataclass(frozen=True)
class Release:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    withheld: int
    k: int
    node: Node


def k_anonymous(
    quarter: str, records: Sequence[tuple[str, ...]], k: int, max_suppressed: float = 0.1
) -> Release:
    """The quarter's k-anonymous release: records generalised by the chosen node, those of
    classes smaller than k left out, sorted (the order says nothing of the cases')."""
    if k < 2:
        raise ValueError("k must be at least 2")
    counts = Counter(records)
    node, _kept_count = choose_generalisation(counts, k, max_suppressed)
    classes: Counter[tuple[str, ...]] = Counter()
    for record, n in counts.items():
        classes[generalised(record, node)] += n
    rows = sorted((quarter, *cls) for cls, n in classes.items() if n >= k for _ in range(n))
    return Release(columns=COLUMNS, rows=rows, withheld=len(records) - len(rows), k=k, node=node)


def smallest_class(release_rows: Iterable[tuple[str, ...]]) -> int:
    """How many released records share the least-shared combination (≥ k when safe)."""
    counts = Counter(release_rows)
    return min(counts.values(), default=0)


MIN_SYNTHETIC_RECORDS = 1000


def synthetic(
    quarter: str,
    records: Sequence[tuple[str, ...]],
    *,
    epsilon: float = 1.0,
    reporting_length: int = 2,
) -> list[tuple[str, ...]]:
    """Differentially private synthetic records (pac-synth, reporting length 2: the counts of
    single values and of pairs), with no value their source lacks.
    Returns [] below ``MIN_SYNTHETIC_RECORDS``: with fewer cases the noise that protects them
    leaves nothing useful (and the synthesizer may fail on a negative noisy count)."""
    if len(records) < MIN_SYNTHETIC_RECORDS:
        return []
    raw = [list(ATTRIBUTES)] + [list(r) for r in records]
    dataset = pacsynth.Dataset(raw, None, None, None, None, None)
    parameters = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(reporting_length)
        .epsilon(epsilon)
        # Single values and pairs, most of ε on the shortest: at a few thousand cases longer
        # combinations drown in noise and leave whole columns empty (measured: docs).
        .accuracy_mode(pacsynth.AccuracyMode.prioritize_short_combinations())
        .build()
    )
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(parameters)
    try:
        synthesizer.fit(dataset)
        sampled = synthesizer.sample(None)
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return []
    header, rows = sampled[0], sampled[1:]
    order = [header.index(c) for c in ATTRIBUTES]
    allowed = [{r[i] for r in records} for i in range(len(ATTRIBUTES))]
    drawn = [[row[j] for j in order] for row in rows]
    return [(quarter, *r) for r in fill_empty(drawn, allowed, seed=quarter)]


def fill_empty(
    rows: list[list[str]], allowed: Sequence[set[str]], *, seed: str
) -> list[tuple[str, ...]]:
    """Fill the values the synthesizer left empty (or that are not among the source's values):
    each drawn from the synthetic records that have that value and agree with the row on all
    its other known values, or else from all the synthetic records that have it. Only the
    synthetic output is read (post-processing: no privacy spent, no value invented)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible post-processing, not a secret)
    width = len(allowed)
    drawn = [[v if v in allowed[i] else "" for i, v in enumerate(row)] for row in rows]
    by_column = [[row[i] for row in drawn if row[i]] for i in range(width)]
    if not all(by_column):
        return []
    filled = []
    for row in drawn:
        values = list(row)
        known = [j for j in range(width) if row[j]]
        for i in range(width):
            if values[i]:
                continue
            matches = [c[i] for c in drawn if c[i] and all(c[j] == row[j] for j in known)]
            values[i] = rng.choice(matches or by_column[i])
        filled.append(tuple(values))
    return filled


def total_variation(
    source: Sequence[tuple[str, ...]], synthetic_rows: Sequence[tuple[str, ...]]
) -> list[tuple[str, float]]:
    """Total variation distance (½ Σ |p − q|) between the source and synthetic distributions of
    every attribute and every pair of attributes: 0 is identical, 1 disjoint."""
    result = []
    width = len(ATTRIBUTES)
    for columns in [(i,) for i in range(width)] + list(itertools.combinations(range(width), 2)):
        p = Counter(tuple(r[i] for i in columns) for r in source)
        q = Counter(tuple(r[i] for i in columns) for r in synthetic_rows)
        n, m = max(sum(p.values()), 1), max(sum(q.values()), 1)
        tvd = sum(abs(p[key] / n - q[key] / m) for key in set(p) | set(q)) / 2
        result.append(("+".join(ATTRIBUTES[i] for i in columns), round(tvd, 4)))
    return result
