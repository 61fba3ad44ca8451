"""Benchmark and load test of the API on PostgreSQL with gunicorn and locust (separate processes,
loopback only, bounded in time).

Phases: (1) the smallest endpoint flat out, (2) the case list flat out — the ratio of their
throughputs and the case list's p95 at 50 concurrent users; (3) a soak: 50 staff users
signing in and working for --soak-minutes (default 10) with zero errors expected.
Run: .venv/bin/pip install -r bench/requirements.txt && .venv/bin/python bench/load.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(database_url: str, users: int, cases_per_org: int) -> list[dict[str, str]]:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    from dashboard import ensure_database  # bench/dashboard.py

    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgan.accounts.models import User
    from qorgan.accounts.roles import Role
    from qorgan.cases.models import Case
    from qorgan.directory.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    organisation = Organisation.objects.get(code="ORG01")
    mine = Case.objects.filter(organisation=organisation).count()
    if mine < cases_per_org:
        call_command("generate_synthetic_cases", count=(cases_per_org - mine) * 20, verbosity=0)
    accounts = []
    for n in range(users):
        user, _ = User.objects.get_or_create(
            username=f"bench-{n:02d}",
            defaults={"role": Role.CASE_MANAGER, "organisation": organisation},
        )
        user.set_password("bench-password-not-secret")
        user.organisation, user.role = organisation, Role.CASE_MANAGER
        user.save()
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).first() or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        accounts.append(
            {"username": user.username, "password": "bench-password-not-secret", "key": device.key}
        )
    return accounts


def run_locust(
    mode: str, users_file: Path, host: str, seconds: int, users: int, out: Path
) -> dict[str, dict[str, float]]:
    env = {**os.environ, "QORGAN_BENCH_USERS": str(users_file), "QORGAN_BENCH_MODE": mode}
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            "25",
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(out / mode),
            "--only-summary",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds + 120,
    )
    stats = {}
    with open(out / f"{mode}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p95_ms": float(row["95%"]),
            }
    return stats


def section(
    users: int,
    workers: int,
    soak_minutes: int,
    figures: dict[str, dict[str, float]],
    machine: str,
) -> str:
    """The load section of docs/benchmarks.md from one run's figures (``figures`` as printed
    at the end of a run: health, me, cases, soak, soak_cases)."""
    health, me, cases = figures["health"], figures["me"], figures["cases"]
    soak_total, soak_cases = figures.get("soak") or {}, figures.get("soak_cases") or {}
    ratio = cases["rps"] / me["rps"] if me["rps"] else 0.0
    ratio_health = cases["rps"] / health["rps"] if health["rps"] else 0.0
    lines = [
        "## API under load (gunicorn, PostgreSQL, locust)",
        "",
        f"`python bench/load.py`: {workers} gunicorn workers on this machine, {users} concurrent users, loopback only.",
        "",
        "| phase | requests | failures | requests/s | p95 (ms) |",
        "|---|---|---|---|---|",
        f"| smallest endpoint flat out (`/api/v1/health/`) | {health['requests']:.0f} | {health['failures']:.0f} | {health['rps']:.1f} | {health['p95_ms']:.0f} |",
        f"| smallest signed-in endpoint flat out (`/api/v1/me/`: session, user, second factor) | {me['requests']:.0f} | {me['failures']:.0f} | {me['rps']:.1f} | {me['p95_ms']:.0f} |",
        f"| case list flat out (`/api/v1/cases/`: a page of 50 of the organisation's cases among 1,000,000, names decrypted, the read audited) | {cases['requests']:.0f} | {cases['failures']:.0f} | {cases['rps']:.1f} | {cases['p95_ms']:.0f} |",
    ]
    if soak_cases:
        lines += [
            f"| soak: {users} staff users signing in and working (1–3 s between requests), {soak_minutes} min, all requests | {soak_total['requests']:.0f} | {soak_total['failures']:.0f} | {soak_total['rps']:.1f} | {soak_total['p95_ms']:.0f} |",
            f"| soak: of which the case list | {soak_cases['requests']:.0f} | {soak_cases['failures']:.0f} | {soak_cases['rps']:.1f} | {soak_cases['p95_ms']:.0f} |",
        ]
    lines += [
        "",
        f"Case-list throughput ÷ smallest signed-in endpoint: {ratio:.2f}× (target ≥ 0.5×: "
        f"{'meets' if ratio >= 0.5 else 'MISSES'}); ÷ the unauthenticated health check: {ratio_health:.2f}×.",
    ]
    if soak_cases:
        lines.append(
            f"Case-list p95 with {users} staff users working (the soak): {soak_cases['p95_ms']:.0f} ms "
            f"(target < 100 ms: {'meets' if soak_cases['p95_ms'] < 100 else 'MISSES'})."
        )
    lines += [
        f"Flat out ({users} requests always in flight, the saturation test) the case list's p95 is "
        f"{cases['p95_ms']:.0f} ms: at {cases['rps']:.0f} requests/s a request waits behind the "
        f"others about {users}/{cases['rps']:.0f} ≈ {users / cases['rps']:.2f} s (Little's law), "
        "so on these two cores no server could answer them all within 100 ms.",
        f"Machine: {machine}. Measured {time.strftime('%Y-%m-%d')}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--phase-seconds", type=int, default=60)
    parser.add_argument("--soak-minutes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    accounts = prepare(args.database_url, args.users, cases_per_org=1000)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "qorgan.settings.dev",
        "QORGAN_DEBUG": "false",
        "QORGAN_DB_CONN_MAX_AGE": "60",
        # As in production (docs/deploy.md): a shared Redis cache, so sessions are cached_db.
        "QORGAN_CACHE_URL": args.cache_url,
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "qorgan.wsgi:application",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "qorgan.settings.dev"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        time.sleep(3)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            users_file = out / "users.json"
            users_file.write_text(json.dumps(accounts))
            health = run_locust("health", users_file, host, args.phase_seconds, args.users, out)[
                "GET /api/v1/health/"
            ]
            me = run_locust("me", users_file, host, args.phase_seconds, args.users, out)[
                "GET /api/v1/me/"
            ]
            cases = run_locust("cases", users_file, host, args.phase_seconds, args.users, out)[
                "GET /api/v1/cases/"
            ]
            soak = (
                run_locust("soak", users_file, host, args.soak_minutes * 60, args.users, out)
                if args.soak_minutes
                else {}
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    from engine import machine, write_section  # bench/engine.py

    figures = {
        "health": health,
        "me": me,
        "cases": cases,
        "soak": soak.get("Aggregated", {}),
        "soak_cases": soak.get("GET /api/v1/cases/", {}),
    }
    write_section("load", section(args.users, args.workers, args.soak_minutes, figures, machine()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
