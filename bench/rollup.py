"""Benchmark: statistics from the rollup over 1,000,000 and then 10,000,000 cases on
PostgreSQL, beside one hashed GROUP BY pass over the cases table in the same run (the floor
without aggregates). Target (issue 14 §4): < 100 ms for any period and region over 1,000,000
cases, and over 10,000,000 no slower than 1.5× that.

Run: .venv/bin/python bench/rollup.py [--database-url postgres://postgres@127.0.0.1:5432/qorgan_bench_rollup]
It drops and creates that database, migrates, loads the reference data, generates the
synthetic cases with one INSERT … SELECT generate_series (``qorgan generate_synthetic_cases``,
which also rebuilds the rollup), times ``national_statistics`` for several periods and
regions (median of --rounds each, the slowest reported), adds cases up to --large, times
again, writes the section "rollup" of docs/benchmarks.md and drops the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def median_ms(function, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    BEST.append(min(times))
    return statistics.median(times)


BEST: list[float] = []  # the best round of each measurement, in order (reported beside the medians)


@contextmanager
def bulk_load(tables: list[str]) -> Iterator[None]:
    """As a bulk load does: the tables' secondary indexes dropped while the rows go in and
    built again afterwards (random UUIDs inserted one by one into ten-million-row indexes
    take most of an hour on two cores; a sorted build takes minutes). The indexes are the
    same before and after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               JOIN pg_class c ON c.relname = i.indexname
               JOIN pg_index x ON x.indexrelid = c.oid
               WHERE i.tablename = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique""",
            [tables],
        )
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{index_name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)


def queries(today: date) -> list[tuple[str, object, str | None]]:
    from qorgan.monitoring.statistics import Period

    last = today.replace(day=1) - timedelta(days=1)
    return [
        ("the country, this year to last month", Period(date(last.year, 1, 1), last), None),
        ("the country, two years", Period(date(last.year - 1, 1, 1), last), None),
        ("Almaty, this year to last month", Period(date(last.year, 1, 1), last), "KZ-75"),
        ("Almaty, last month", Period(last.replace(day=1), last), "KZ-75"),
        ("the country, last quarter", Period(last - timedelta(days=80), last), None),
    ]


def measure(rounds: int) -> tuple[dict[str, float], float, int, int]:
    from django.db import connection

    from qorgan.cases.models import Case
    from qorgan.monitoring.models import StatCell
    from qorgan.monitoring.statistics import national_statistics

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    today = date.today()
    timings = {}
    for label, period, region in queries(today):
        national_statistics(period, region)  # warm
        timings[label] = median_ms(lambda p=period, r=region: national_statistics(p, r), rounds)

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT region_id, stat_sex, count(*) FROM cases_case GROUP BY region_id, stat_sex"
            )
            cursor.fetchall()

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT region_id, stat_sex, count(*) FROM cases_case GROUP BY region_id, stat_sex"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "HashAggregate" in plan, plan
    group_by()  # warm
    floor = median_ms(group_by, max(3, rounds // 2))
    return timings, floor, Case.objects.count(), StatCell.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench_rollup"
    )
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="use the database as it is (its cases count towards --small and --large)",
    )
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    if not args.resume:
        admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        admin(args.database_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    results = []
    try:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        from qorgan.cases.models import Case

        generated = Case.objects.count()
        for target in (args.small, args.large):
            started = time.perf_counter()
            if target > generated:
                with bulk_load(["cases_case", "cases_person"]):
                    call_command(
                        "generate_synthetic_cases",
                        count=target - generated,
                        seed=target,
                        verbosity=0,
                    )
                generated = target
            seconds = time.perf_counter() - started
            print(f"{target:,} cases ({seconds:.0f} s to generate and roll up)", file=sys.stderr)
            BEST.clear()
            timings, floor, cases, cells = measure(args.rounds)
            best = max(BEST[:-1])
            print(timings, floor, cases, cells, "best", best, file=sys.stderr)
            results.append((cases, cells, timings, floor, seconds, best))
            Path("/tmp/qorgan-bench-rollup.txt").write_text(repr(results))  # noqa: S108 (figures)
    finally:
        connections.close_all()
        if not args.keep:
            admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')

    from engine import machine, write_section  # bench/engine.py

    small_cases, _c, small, small_floor, _s, small_best = results[0]
    large_cases, _c2, large, large_floor, _s2, large_best = results[1]
    rows = "\n".join(
        f"| {label} | {small[label]:.1f} | {large[label]:.1f} | {large[label] / small[label]:.2f}× |"
        for label in small
    )
    worst_small, worst_large = max(small.values()), max(large.values())
    ratio = worst_large / worst_small
    verdict = "meets" if worst_small < 100 and ratio <= 1.5 else "MISSES"
    cells_line = ", ".join(
        f"{r[0]:,} cases: {r[1]:,} rollup cells ({r[4]:.0f} s to generate and roll up)"
        for r in results
    )
    load = os.getloadavg()[0]
    body = (
        "## Statistics from the rollup (1,000,000 and 10,000,000 cases)\n\n"
        f"`python bench/rollup.py`: synthetic cases over 730 days on PostgreSQL in a database "
        f"of its own, dropped afterwards; {cells_line}. `national_statistics` (every breakdown, "
        f"perturbation and suppression, the page's other small tables included), median of "
        f"{args.rounds} rounds, in milliseconds:\n\n"
        f"| period and region | {small_cases:,} cases | {large_cases:,} cases | ratio |\n|---|---|---|---|\n"
        f"{rows}\n"
        f"| **slowest (median)** | **{worst_small:.1f}** | **{worst_large:.1f}** | **{ratio:.2f}×** |\n"
        f"| slowest (best round) | {small_best:.1f} | {large_best:.1f} | {large_best / small_best:.2f}× |\n"
        f"| one hashed GROUP BY over the cases table (region × sex, every row) | {small_floor:.1f} | {large_floor:.1f} | {large_floor / small_floor:.2f}× |\n\n"
        f"Target < 100 ms at 1,000,000 and ≤ 1.5× that at 10,000,000: {verdict}. The rollup's "
        f"cost grows with its cells (months × regions × categories), not with the cases; the "
        f"GROUP BY row is what any statistic costs without it. Machine: {machine()}, "
        f"PostgreSQL 15, load average {load:.1f} at the end (the machine is shared: the medians "
        f"carry that contention, the best rounds less of it). Measured {date.today()}.\n"
    )
    write_section("rollup", body)
    print(body)


if __name__ == "__main__":
    main()
