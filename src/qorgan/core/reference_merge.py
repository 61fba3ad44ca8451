"""Three-way merge of reference data (catalogue, directory) on a new shipped version.

For each field of each record: the value shipped in the previous version, the value shipped
now, and the value in the database (possibly edited locally). Only what changed upstream is
applied; a local edit is never overwritten; where both changed differently, the local value
stays and the conflict is reported for a person to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # nobody changed it
    UPSTREAM = "upstream"  # changed only in the shipped data: applied
    LOCAL = "local"  # changed only locally: kept
    SAME = "same"  # changed in both to the same value
    CONFLICT = "conflict"  # changed in both differently: local kept, reported


@dataclass(frozen=True)
class Conflict:
    record: str  # e.g. "organisation ORG05" or "catalogue S12"
    field: str
    shipped_before: Any
    shipped_now: Any
    local: Any


@dataclass
class MergeReport:
    applied: list[tuple[str, str]] = field(default_factory=list)  # (record, field)
    kept_local: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def extend(self, other: MergeReport) -> None:
        self.applied += other.applied
        self.kept_local += other.kept_local
        self.conflicts += other.conflicts
        self.added += other.added
        self.retired += other.retired


def merge_value(shipped_before: Any, shipped_now: Any, local: Any) -> tuple[Any, Outcome]:
    """The value to keep and what happened. ``shipped_before`` is None for a record (or field)
    the previous version did not ship: then the database value counts as shipped before."""
    if shipped_before is None:
        shipped_before = local
    if local == shipped_before:
        if shipped_now == shipped_before:
            return local, Outcome.UNCHANGED
        return shipped_now, Outcome.UPSTREAM
    if shipped_now == shipped_before:
        return local, Outcome.LOCAL
    if shipped_now == local:
        return local, Outcome.SAME
    return local, Outcome.CONFLICT


def merge_record(
    record: str,
    shipped_before: dict[str, Any] | None,
    shipped_now: dict[str, Any],
    local: dict[str, Any],
    report: MergeReport,
) -> dict[str, Any]:
    """Merge the fields of ``shipped_now`` into ``local``; returns the values to store."""
    merged = dict(local)
    for name, now in shipped_now.items():
        before = None if shipped_before is None else shipped_before.get(name)
        value, outcome = merge_value(before, now, local.get(name))
        merged[name] = value
        if outcome is Outcome.UPSTREAM:
            report.applied.append((record, name))
        elif outcome is Outcome.LOCAL:
            report.kept_local.append((record, name))
        elif outcome is Outcome.CONFLICT:
            report.conflicts.append(Conflict(record, name, before, now, local.get(name)))
    return merged
