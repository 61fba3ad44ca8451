"""The statistics rollup: case counts per month × region × breakdown category, kept current in
the same transaction as every case change, so that statistics read a few thousand cells, not
millions of cases (issue 14 §4).

Two tables (``monitoring.models``): ``RollupMember`` holds what each case contributes (its
month, region, statistical attributes and permanent random record key); ``StatCell`` holds
the sums. ``refresh(case_id)`` recomputes one case's contribution from the database and
applies the difference to the cells; ``remove(case_id)`` takes it out. The cases app does not
know about this: ``monitoring.signals`` listens to saves and deletions of cases and status
changes (dependency direction monitoring → cases; docs/architecture.md). Bulk writes that
bypass signals (``QuerySet.update``, ``bulk_create``, raw SQL) call ``refresh`` themselves,
or ``qorgan rebuild_rollup`` rebuilds everything.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from qorgan.cases.models import Case, CaseStatus

from .models import RollupMember, StatCell

# Record keys are integers in [0, KEY_MODULUS); a cell's key is the sum of its records' keys
# modulo KEY_MODULUS, divided by it (a number in [0, 1)).
KEY_MODULUS = 2**31
EXPLOITATION_FORMS = (
    "forced_labour",
    "sexual_exploitation",
    "forced_begging",
    "forced_criminal_activity",
    "other_ownership_powers",
)
ATTRIBUTES = ("month", "region", "sex", "age_group", "citizenship", "forms", "source", "status")


def cells(member: Any) -> list[tuple[str, str]]:
    """The (dimension, category) cells one case counts in (besides its month and region)."""
    result = [
        ("total", ""),
        ("sex", member.sex),
        ("age_group", member.age_group),
        ("citizenship", member.citizenship),
        ("detection_source", member.source or "unknown"),
        ("status", member.status),
    ]
    result += [("exploitation_form", f) for f in sorted(set(member.forms or [])) if f]
    if member.identified:
        result.append(("identification", "identified"))
    if member.not_identified:
        result.append(("identification", "not_identified"))
    return result


def _month(moment: Any) -> date:
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def _apply(deltas: Counter[tuple[date, str, str, str]], keys: dict[Any, int]) -> None:
    """Add ``deltas`` (count changes per cell) and ``keys`` (record-key changes) to the cells."""
    table = StatCell._meta.db_table
    rows = []
    for cell, change in deltas.items():
        key = keys.get(cell, 0) % KEY_MODULUS
        if change or key:
            rows.append((cell[0], cell[1], cell[2], cell[3], change, key))
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""INSERT INTO {table} (month, region, dimension, category, n, keysum)
                VALUES (%s, %s, %s, %s, %s, %s)
                ON CONFLICT (month, region, dimension, category) DO UPDATE
                SET n = {table}.n + excluded.n,
                    keysum = ({table}.keysum + excluded.keysum) %% {KEY_MODULUS}""",  # noqa: S608 (constants only)
            rows,
        )


def _contribution(
    member: RollupMember | None, sign: int
) -> tuple[Counter[tuple[date, str, str, str]], Counter[tuple[date, str, str, str]]]:
    counts: Counter[tuple[date, str, str, str]] = Counter()
    keys: Counter[tuple[date, str, str, str]] = Counter()
    if member is None:
        return counts, keys
    for dimension, category in cells(member):
        cell = (member.month, member.region, dimension, category)
        counts[cell] += sign
        keys[cell] += member.record_key if sign > 0 else KEY_MODULUS - member.record_key
    return counts, keys


def _member_from_case(case_id: Any) -> RollupMember | None:
    row = (
        Case.objects.filter(pk=case_id)
        .values(
            "created_at",
            "region__code",
            "stat_sex",
            "stat_age_group",
            "stat_citizenship",
            "exploitation_forms",
            "detection_source",
            "status",
        )
        .first()
    )
    if row is None:
        return None
    went_to = set(
        Case.objects.filter(pk=case_id)
        .filter(status_changes__to_status__in=[CaseStatus.IDENTIFIED, CaseStatus.NOT_IDENTIFIED])
        .values_list("status_changes__to_status", flat=True)
    )
    return RollupMember(
        case_id=case_id,
        month=_month(row["created_at"]),
        region=row["region__code"] or "",
        sex=row["stat_sex"],
        age_group=row["stat_age_group"],
        citizenship=row["stat_citizenship"],
        forms=[f for f in (row["exploitation_forms"] or []) if f in EXPLOITATION_FORMS],
        source=row["detection_source"],
        status=row["status"],
        identified=CaseStatus.IDENTIFIED in went_to,
        not_identified=CaseStatus.NOT_IDENTIFIED in went_to,
    )


def _same(a: RollupMember, b: RollupMember) -> bool:
    return all(
        getattr(a, f) == getattr(b, f)
        for f in ("month", "region", "sex", "age_group", "citizenship", "source", "status")
    ) and (
        sorted(a.forms),
        a.identified,
        a.not_identified,
    ) == (sorted(b.forms), b.identified, b.not_identified)


@transaction.atomic
def refresh(case_ids: Iterable[Any]) -> None:
    """Bring the rollup in line with the cases ``case_ids`` as they are in the database now
    (a case that no longer exists is taken out)."""
    for case_id in case_ids:
        case_id = UUID(str(case_id))
        old = RollupMember.objects.select_for_update().filter(pk=case_id).first()
        new = _member_from_case(case_id)
        if old is not None and new is not None and _same(old, new):
            continue
        counts, keys = _contribution(old, -1)
        if new is not None:
            new.record_key = old.record_key if old is not None else secrets.randbelow(KEY_MODULUS)
            plus_counts, plus_keys = _contribution(new, +1)
            counts.update(plus_counts)
            keys.update(plus_keys)
        _apply(counts, keys)
        if new is None:
            if old is not None:
                old.delete()
        else:
            new.save()


def remove(case_id: Any) -> None:
    refresh([case_id])


@transaction.atomic
def rebuild() -> int:
    """Rebuild the rollup from the cases (keeping the record keys of cases already in it);
    returns the number of cases. On PostgreSQL the database does it in a few statements
    (new record keys from gen_random_uuid(), a strong random source)."""
    if connection.vendor != "postgresql":
        existing = dict(RollupMember.objects.values_list("case_id", "record_key"))
        RollupMember.objects.all().delete()
        StatCell.objects.all().delete()
        ids = list(Case.objects.values_list("pk", flat=True))
        for case_id in ids:
            new = _member_from_case(case_id)
            if new is None:
                continue
            new.record_key = existing.get(case_id, secrets.randbelow(KEY_MODULUS))
            counts, keys = _contribution(new, +1)
            _apply(counts, keys)
            new.save()
        return len(ids)
    member, cell = RollupMember._meta.db_table, StatCell._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS rollup_keys")  # a rebuild earlier in this transaction
        cursor.execute(
            f"""CREATE TEMP TABLE rollup_keys ON COMMIT DROP AS
                SELECT case_id, record_key FROM {member}"""  # noqa: S608
        )
        cursor.execute(f"TRUNCATE {member}, {cell}")
        forms = ", ".join(f"'{f}'" for f in EXPLOITATION_FORMS)
        cursor.execute(
            f"""INSERT INTO {member} (case_id, record_key, month, region, sex, age_group,
                    citizenship, forms, source, status, identified, not_identified)
                SELECT c.id, COALESCE(k.record_key, ('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::bigint %% {KEY_MODULUS}),
                    date_trunc('month', c.created_at AT TIME ZONE %s)::date,
                    COALESCE(r.code, ''), c.stat_sex, c.stat_age_group, c.stat_citizenship,
                    COALESCE((SELECT jsonb_agg(DISTINCT f ORDER BY f) FROM jsonb_array_elements_text(c.exploitation_forms) f
                              WHERE f IN ({forms})), '[]'::jsonb),
                    c.detection_source, c.status,
                    EXISTS (SELECT 1 FROM cases_statuschange s WHERE s.case_id = c.id AND s.to_status = 'identified'),
                    EXISTS (SELECT 1 FROM cases_statuschange s WHERE s.case_id = c.id AND s.to_status = 'not_identified')
                FROM cases_case c
                LEFT JOIN directory_region r ON r.id = c.region_id
                LEFT JOIN rollup_keys k ON k.case_id = c.id""",  # noqa: S608 (constants only)
            [str(timezone.get_current_timezone())],
        )
        parts = [
            "SELECT month, region, 'total' AS dimension, '' AS category, record_key FROM {m}",
            "SELECT month, region, 'sex', sex, record_key FROM {m}",
            "SELECT month, region, 'age_group', age_group, record_key FROM {m}",
            "SELECT month, region, 'citizenship', citizenship, record_key FROM {m}",
            "SELECT month, region, 'detection_source', CASE WHEN source = '' THEN 'unknown' ELSE source END, record_key FROM {m}",
            "SELECT month, region, 'status', status, record_key FROM {m}",
            "SELECT month, region, 'exploitation_form', f, record_key FROM {m}, jsonb_array_elements_text(forms) f",
            "SELECT month, region, 'identification', 'identified', record_key FROM {m} WHERE identified",
            "SELECT month, region, 'identification', 'not_identified', record_key FROM {m} WHERE not_identified",
        ]
        union = " UNION ALL ".join(p.format(m=member) for p in parts)
        cursor.execute(
            f"""INSERT INTO {cell} (month, region, dimension, category, n, keysum)
                SELECT month, region, dimension, category, count(*), sum(record_key) % {KEY_MODULUS}
                FROM ({union}) x GROUP BY month, region, dimension, category"""  # noqa: S608
        )
        cursor.execute(f"SELECT count(*) FROM {member}")  # noqa: S608
        return int(cursor.fetchone()[0])
