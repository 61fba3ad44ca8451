"""Benchmark: the offline app's engine (static/qorgan/offline/engine.js) against the Python
engine on the same 20,000 requests in the same run, and the size of the offline app's download.

Run: .venv/bin/python bench/offline_engine.py [--count N] [--no-chromium] [--write]
     [--database-url postgres://…]

- Evaluations per second, validation included (``screen``), best of 3 rounds, each engine on
  the same requests (tests/offline/requests.py, seeded; every field of the contract varies):
  Python, node (one process) and Debian's Chromium (the engine module in a page).
- The offline bundle: everything the app downloads for one language (its page, script, style
  sheet, icon, service worker and engine data), each gzip-compressed (-9) as a server would
  send it; target under 500 KB. The page is rendered by the real view for a frontline user
  (the database is used for the reference data only).

``--write`` puts the section into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
ENGINE_JS = ROOT / "src" / "qorgan" / "static" / "qorgan" / "offline" / "engine.js"
BATCH = ROOT / "tests" / "offline" / "batch.mjs"
LANGUAGE = "kk"
ROUNDS = 3
TARGET_BYTES = 500 * 1024


def python_rate(batch: list[dict[str, Any]]) -> float:
    from qorgan.screening.engine import screen

    screen(batch[0], language=LANGUAGE)
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for item in batch:
            screen(item, language=LANGUAGE)
        best = max(best, len(batch) / (time.perf_counter() - started))
    return best


def node_rate(batch: list[dict[str, Any]], data: bytes) -> float | None:
    node = shutil.which("node")
    if node is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        (path / "data.json").write_bytes(data)
        best = 0.0
        for _ in range(ROUNDS):
            (path / "in.json").write_text(
                json.dumps(
                    {
                        "data": {LANGUAGE: str(path / "data.json")},
                        "requests": [[LANGUAGE, r] for r in batch],
                    }
                )
            )
            subprocess.run(
                [
                    node,
                    "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON",
                    str(BATCH),
                    str(path / "in.json"),
                    str(path / "out.json"),
                ],
                check=True,
            )
            seconds = json.loads((path / "out.json").read_text())["seconds"]
            best = max(best, len(batch) / seconds)
    return best


def chromium_rate(batch: list[dict[str, Any]], data: bytes) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
        from tests.conftest_browser import launch
    except ImportError:
        return None
    origin = "http://bench.invalid"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()

        def serve(route: Any) -> None:
            url = route.request.url
            if url.endswith("/engine.js"):
                route.fulfill(body=ENGINE_JS.read_bytes(), content_type="text/javascript")
            elif url.endswith("/data.json"):
                route.fulfill(body=data, content_type="application/json")
            else:
                route.fulfill(body="<!doctype html><title>bench</title>", content_type="text/html")

        page.route(f"{origin}/**", serve)
        page.goto(f"{origin}/")
        seconds = page.evaluate(
            """async ({requests, rounds}) => {
                const engine = await import('/engine.js');
                const data = await (await fetch('/data.json')).json();
                engine.prepare(data);
                let best = Infinity;
                for (let round = 0; round < rounds; round++) {
                    const started = performance.now();
                    for (const request of requests) engine.screen(data, request);
                    best = Math.min(best, (performance.now() - started) / 1000);
                }
                return best;
            }""",
            {"requests": batch, "rounds": ROUNDS},
        )
        browser.close()
    return len(batch) / seconds


def bundle_sizes(database_url: str) -> dict[str, dict[str, int]]:
    """Bytes of each file the offline app downloads, raw and gzip -9, for kk and ru."""
    from dashboard import ensure_database

    ensure_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    from qorgan.accounts.models import User
    from qorgan.accounts.roles import Role
    from qorgan.directory.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    settings.REQUIRE_TWO_FACTOR = False  # the page's bytes do not depend on the second factor
    user, _ = User.objects.get_or_create(
        username="bench-offline",
        defaults={
            "role": Role.FRONTLINE_WORKER,
            "organisation": Organisation.objects.get(code="ORG01"),
        },
    )
    client = Client()
    client.force_login(user, backend="qorgan.accounts.backends.ModelBackend")
    sizes: dict[str, dict[str, int]] = {}
    for language in ("kk", "ru"):
        base = f"/{language}/screening/offline/"
        page = client.get(base)
        assert page.status_code == 200, page.status_code
        sw = client.get(base + "sw.js")
        config = json.loads(sw.content.decode().split("\n", 1)[0][len("const CONFIG = ") : -1])
        files = {
            "page": page.content,
            "service worker": sw.content,
            "manifest": client.get(base + "manifest.webmanifest").content,
            "engine data": client.get(base + "data.json").content,
        }
        for url in config["static"]:
            name = url.removeprefix(settings.STATIC_URL)
            files[name.rsplit("/", 1)[1]] = Path(str(finders.find(name))).read_bytes()
        sizes[language] = {
            name: len(gzip.compress(body, compresslevel=9)) for name, body in files.items()
        }
        sizes[language]["raw total"] = sum(len(body) for body in files.values())
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    os.environ.setdefault("DATABASE_URL", args.database_url)
    from engine import machine, write_section
    from tests.offline.requests import random_requests

    from qorgan.screening.offline_data import engine_data_json

    batch = random_requests(args.count, seed=20000)
    data = engine_data_json(LANGUAGE)
    rates = {
        "python": python_rate(batch),
        "node": node_rate(batch, data),
        "chromium": None if args.no_chromium else chromium_rate(batch, data),
    }
    sizes = bundle_sizes(args.database_url)
    totals = {
        language: sum(v for k, v in files.items() if k != "raw total")
        for language, files in sizes.items()
    }
    node_version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "## Offline screening engine and bundle",
        "",
        f"`python bench/offline_engine.py --count {args.count}`: evaluations per second "
        f"(validation included, best of {ROUNDS} rounds over the same {args.count:,} random valid "
        "requests, one run):",
        "",
        "| Engine | Evaluations per second |",
        "|---|---:|",
        f"| Python (`screening/engine.py`) | {rates['python']:,.0f} |",
    ]
    if rates["node"]:
        lines.append(
            f"| Browser engine under node {node_version} (`engine.js`) | {rates['node']:,.0f} |"
        )
    if rates["chromium"]:
        lines.append(
            f"| Browser engine in Debian's Chromium (`engine.js`) | {rates['chromium']:,.0f} |"
        )
    lines += [
        "",
        "The offline app's download for one language, each file gzip -9 (target under 500 KB):",
        "",
        "| File | kk (bytes) | ru (bytes) |",
        "|---|---:|---:|",
    ]
    for name in sizes["kk"]:
        if name != "raw total":
            lines.append(f"| {name} | {sizes['kk'][name]:,} | {sizes['ru'][name]:,} |")
    verdict = {
        lang: "meets" if total < TARGET_BYTES else "MISSES" for lang, total in totals.items()
    }
    lines += [
        f"| **total compressed** | **{totals['kk']:,}** ({verdict['kk']}) | **{totals['ru']:,}** ({verdict['ru']}) |",
        f"| total uncompressed | {sizes['kk']['raw total']:,} | {sizes['ru']['raw total']:,} |",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.",
    ]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("offline", body)
    print(
        json.dumps(
            {
                "evaluations_per_second": {k: round(v) if v else None for k, v in rates.items()},
                "bundle_gzip_bytes": totals,
            }
        )
    )


if __name__ == "__main__":
    main()
