"""Benchmark: the open-data releases over 1,000,000 synthetic cases on PostgreSQL — the share of
records the k-anonymous releases keep at k = 10 (issue 14 goal: ≥ 80 %), the generalisation
each quarter gets, and the time to build a release.

Run: .venv/bin/python bench/opendata.py [--database-url postgres://postgres@127.0.0.1:5432/qorgan_bench_opendata]
     [--cases 1000000] [--synthetic] [--keep]
It creates a database of its own, migrates, loads the reference data, adds synthetic cases
(spread over the last 730 days), releases every calendar quarter that has ended and is wholly
inside that span, writes the section "opendata" of docs/benchmarks.md, and drops the database
(unless --keep). With --synthetic it also builds the synthetic release of the last quarter and
reports its fidelity.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

DAYS = 730


def _admin(url: str) -> tuple[str, str]:
    return url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"


def create_database(url: str) -> None:
    import psycopg

    name, admin = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name, admin = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench_opendata"
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    create_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    import django

    django.setup()
    try:
        body, summary = run(args)
    finally:
        if not args.keep:
            drop_database(args.database_url)
    from engine import write_section  # bench/engine.py

    write_section("opendata", body)
    print(json.dumps(summary))


def run(args: argparse.Namespace) -> tuple[str, dict[str, object]]:
    from django.core.management import call_command
    from django.db import connection
    from engine import machine

    from qorgan.accounts.models import User
    from qorgan.accounts.roles import Role
    from qorgan.cases.models import Case
    from qorgan.monitoring import exports, opendata

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    started = time.perf_counter()
    call_command("generate_synthetic_cases", count=args.cases, days=DAYS, verbosity=0)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.create_user(username="bench-coordinator", role=Role.COORDINATOR)
    today = date.today()
    first_day = today - timedelta(days=DAYS - 1)
    quarters = [
        q
        for q in opendata.quarters_between(first_day, today)
        if opendata.quarter_bounds(q)[0] >= first_day and opendata.quarter_bounds(q)[1] < today
    ]
    lines, total, kept = [], 0, 0
    levels = [h.name for h in opendata.HIERARCHIES]
    for quarter in quarters:
        started = time.perf_counter()
        release = exports.release(quarter, "k_anonymous", user)
        seconds = time.perf_counter() - started
        total += release.source_records
        kept += release.released_records
        chosen = release.parameters["levels"]
        described = ", ".join(f"{name} {chosen[name]}" for name in levels)
        lines.append(
            f"| {quarter} | {release.source_records:,} | {release.released_records:,} | "
            f"{release.released_records / max(release.source_records, 1):.1%} | {described} | "
            f"{seconds:.1f} |"
        )
    share = kept / max(total, 1)
    verdict = "meets" if share >= 0.8 else "MISSES"
    synthetic = ""
    summary: dict[str, object] = {
        "cases": Case.objects.count(),
        "quarters": len(quarters),
        "released_records": kept,
        "source_records": total,
        "share_kept": round(share, 4),
    }
    if args.synthetic and quarters:
        started = time.perf_counter()
        release = exports.release(quarters[-1], "synthetic", user)
        seconds = time.perf_counter() - started
        tvd = [row.split(",") for row in release.fidelity.strip().splitlines()[1:]]
        single = max(float(v) for c, v in tvd if "+" not in c)
        pairs = max(float(v) for c, v in tvd if "+" in c)
        synthetic = (
            f"\n\nSynthetic release of {quarters[-1]} (ε = {release.epsilon}, pac-synth, "
            f"reporting length 2): {release.released_records:,} records from "
            f"{release.source_records:,} cases in {seconds:.0f} s; total variation distance at "
            f"most {single:.3f} for a single attribute and {pairs:.3f} for a pair."
        )
        summary |= {"synthetic_tvd_single": single, "synthetic_tvd_pair": pairs}
    body = (
        "## Open data: share kept at k = 10\n\n"
        f"`python bench/opendata.py --cases {args.cases}`: {summary['cases']:,} synthetic cases "
        f"spread over {DAYS} days (generated in {generated:.0f} s), on PostgreSQL "
        f"{connection.pg_version // 10000} in a database of its own, dropped afterwards. Each "
        "calendar quarter that has ended and lies wholly in that span is released once "
        "(`monitoring/exports.py`, `release`); levels are those of the hierarchies in "
        "`monitoring/opendata.py` (0: as recorded; region 1 macro-region, 2 Kazakhstan; "
        "age 1 minor/adult; citizenship 1 country group, 2 Kazakhstan/foreign; status 1 group; "
        "the top level of each: any).\n\n"
        "| quarter | cases | records released | kept | generalisation chosen | seconds |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n\n"
        f"Over all {len(quarters)} quarters: {kept:,} of {total:,} records released, "
        f"**{share:.1%} kept** at k = 10 (goal ≥ 80 %: {verdict}); every released combination "
        f"is shared by at least 10 records.{synthetic}\n\n"
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}."
    )
    return body, summary


if __name__ == "__main__":
    main()
