"""Benchmark: the national dashboard on PostgreSQL with 1,000,000 cases, against hand-written
SQL for the same aggregates in the same run (target: ≤ 1.5× and < 1 s).

Run: .venv/bin/python bench/dashboard.py [--database-url postgres://…/qorgan_bench] [--cases 1000000]
It creates the database if needed, migrates, loads the reference data, adds synthetic cases
up to --cases, then times both (median of --rounds) and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


RAW_SQL_MAIN = """
SELECT count(*) AS total,
  {region}, {trend}, {forms}, {sex}, {age}, {citizenship}, {source}, {status}
FROM cases_case c
WHERE c.created_at >= %(start)s AND c.created_at < %(end)s
"""


def raw_sql(period: object) -> dict[str, object]:
    """The same aggregates as ``national_statistics``, written by hand."""
    from django.db import connection

    from qorgan.cases.models import CaseStatus
    from qorgan.directory.models import Region
    from qorgan.directory.reference import SUBJECT_KIND_CODES
    from qorgan.monitoring.statistics import EXPLOITATION_FORMS, _months

    start, end = period.bounds()  # type: ignore[attr-defined]
    regions = list(Region.objects.order_by("position").values_list("pk", "code"))
    parts = {
        "region": ", ".join(
            f'count(*) FILTER (WHERE c.region_id = {pk}) AS "r_{code}"' for pk, code in regions
        )
        + ", count(*) FILTER (WHERE c.region_id IS NULL) AS r_unknown",
        "trend": ", ".join(
            f"count(*) FILTER (WHERE c.created_at >= '{lo.isoformat()}' AND c.created_at < '{hi.isoformat()}') AS \"m_{label}\""
            for label, lo, hi in _months(period)  # type: ignore[arg-type]
        ),
        "forms": ", ".join(
            f'count(*) FILTER (WHERE c.exploitation_forms @> \'["{f}"]\') AS "f_{f}"'
            for f in EXPLOITATION_FORMS
        ),
        "sex": ", ".join(
            f"count(*) FILTER (WHERE c.stat_sex = '{k}') AS \"s_{k}\""
            for k in ("female", "male", "unknown")
        ),
        "age": ", ".join(
            f"count(*) FILTER (WHERE c.stat_age_group = '{k}') AS \"a_{k}\""
            for k in ("0-13", "14-17", "18-24", "25-34", "35-49", "50+", "unknown")
        ),
        "citizenship": "count(*) FILTER (WHERE c.stat_citizenship = 'KZ') AS c_kz, count(*) FILTER (WHERE c.stat_citizenship NOT IN ('KZ','stateless','unknown')) AS c_foreign, "
        "count(*) FILTER (WHERE c.stat_citizenship = 'stateless') AS c_stateless, count(*) FILTER (WHERE c.stat_citizenship = 'unknown') AS c_unknown",
        "source": ", ".join(
            f"count(*) FILTER (WHERE c.detection_source = '{k}') AS \"d_{k}\""
            for k in (*SUBJECT_KIND_CODES, "anonymous_report")
        ),
        "status": ", ".join(
            f"count(*) FILTER (WHERE c.status = '{k}') AS \"st_{k}\"" for k in CaseStatus.values
        ),
    }
    params = {"start": start, "end": end}
    out: dict[str, object] = {}
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL_MAIN.format(**parts), params)
        out["main"] = cursor.fetchone()
        cursor.execute(
            "SELECT k.code, count(*) FROM cases_case c JOIN directory_organisation o ON o.id = c.organisation_id "
            "JOIN directory_subjectkind k ON k.id = o.kind_id WHERE c.created_at >= %(start)s AND c.created_at < %(end)s GROUP BY k.code",
            params,
        )
        out["subject"] = cursor.fetchall()
        for target in ("identified", "not_identified"):
            cursor.execute(
                "SELECT count(DISTINCT c.id) FROM cases_case c JOIN cases_statuschange s ON s.case_id = c.id "
                "WHERE s.to_status = %(t)s AND c.created_at >= %(start)s AND c.created_at < %(end)s",
                {**params, "t": target},
            )
            out[target] = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('accepted','completed')), count(*) FILTER (WHERE status = 'declined'), "
            "count(*) FILTER (WHERE status = 'completed') FROM cases_referral WHERE sent_at >= %(start)s AND sent_at < %(end)s",
            params,
        )
        out["referrals"] = cursor.fetchone()
        cursor.execute(
            "SELECT avg(responded_at - sent_at), count(*) FROM cases_referral WHERE sent_at >= %(start)s AND sent_at < %(end)s "
            "AND responded_at IS NOT NULL AND status IN ('accepted','completed')",
            params,
        )
        out["accept_time"] = cursor.fetchone()
        cursor.execute(
            "SELECT service, count(*) FROM cases_servicerecord WHERE started_on BETWEEN %s AND %s GROUP BY service",
            [period.start, period.end],
        )  # type: ignore[attr-defined]
        out["services"] = cursor.fetchall()
        cursor.execute(
            "SELECT status, count(*) FROM portal_report WHERE received_on BETWEEN %s AND %s GROUP BY status",
            [period.start, period.end],
        )  # type: ignore[attr-defined]
        out["reports"] = cursor.fetchall()
        cursor.execute(
            "SELECT direction, count(*) FROM monitoring_preventionactivity WHERE held_on BETWEEN %s AND %s GROUP BY direction",
            [period.start, period.end],
        )  # type: ignore[attr-defined]
        out["prevention"] = cursor.fetchall()
        cursor.execute(
            "SELECT r.code, count(*) FROM monitoring_preventionactivity a LEFT JOIN directory_region r ON r.id = a.region_id WHERE held_on BETWEEN %s AND %s GROUP BY r.code",
            [period.start, period.end],
        )  # type: ignore[attr-defined]
        out["prevention_region"] = cursor.fetchall()
        cursor.execute(
            "SELECT coalesce(sum(reach), 0) FROM monitoring_preventionactivity WHERE held_on BETWEEN %s AND %s",
            [period.start, period.end],
        )  # type: ignore[attr-defined]
        out["reach"] = cursor.fetchone()
        cursor.execute("SELECT id, code FROM directory_region ORDER BY position")
        out["regions"] = cursor.fetchall()
    return out


def median_time(function, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qorgan.cases.models import Case
    from qorgan.monitoring.statistics import Period, national_statistics

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    existing = Case.objects.count()
    if existing < args.cases:
        started = time.perf_counter()
        call_command("generate_synthetic_cases", count=args.cases - existing, verbosity=0)
        print(
            f"generated {args.cases - existing} cases in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = date.today()
    period = Period(date(today.year - 2, 1, 1), today)
    national_statistics(period)  # warm caches (both sides read the same table afterwards)
    raw_sql(period)
    orm = median_time(lambda: national_statistics(period), args.rounds)
    raw = median_time(lambda: raw_sql(period), args.rounds)
    ratio = orm / raw
    cases = Case.objects.count()
    verdict = "meets" if ratio <= 1.5 and orm < 1.0 else "MISSES"
    from engine import machine, write_section  # bench/engine.py

    body = (
        "## National dashboard on PostgreSQL\n\n"
        f"`python bench/dashboard.py --cases {args.cases}`: {cases:,} cases (synthetic), period of "
        f"{(period.end - period.start).days} days, median of {args.rounds} rounds.\n\n"
        f"| what | seconds |\n|---|---|\n| `national_statistics` (ORM, every breakdown, suppression) | {orm:.3f} |\n"
        f"| the same aggregates in hand-written SQL | {raw:.3f} |\n| ratio | {ratio:.2f}× |\n\n"
        f"Target ≤ 1.5× and < 1 s: {verdict}. Machine: {machine()}, PostgreSQL "
        f"{connection.pg_version // 10000}. Measured {time.strftime('%Y-%m-%d')}."
    )
    write_section("dashboard", body)
    print(
        json.dumps(
            {
                "cases": cases,
                "orm_seconds": round(orm, 3),
                "raw_seconds": round(raw, 3),
                "ratio": round(ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
