"""Benchmark: bytes of each public page (HTML + its stylesheet and script), budget 50 KB.

Run: .venv/bin/python bench/portal_weight.py [--database-url …]. Uses the database only to read
the reference data (migrates and loads it if needed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
PAGES = [
    "",
    "signs/",
    "control/",
    "safety/",
    "migrants/",
    "what-to-do/",
    "rights/",
    "hotlines/",
    "help/",
    "card/",
    "report/",
    "report/status/",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/qorgan_bench")
    args = parser.parse_args()
    from dashboard import ensure_database

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    assets = sum(
        Path(finders.find(name)).stat().st_size
        for name in ("qorgan/portal.css", "qorgan/quick-exit.js")
    )
    client = Client()
    rows = []
    for language in ("kk", "ru", "en"):
        for page in PAGES:
            html = len(client.get(f"/{language}/{page}").content)
            rows.append((f"/{language}/{page}", html, html + assets))
    for language in ("uz", "ky", "tg"):
        html = len(client.get(f"/m/{language}/").content)
        rows.append((f"/m/{language}/", html, html + assets))
    heaviest = max(rows, key=lambda r: r[2])
    from engine import write_section

    body = (
        "## Public portal page weight\n\n"
        f"`python bench/portal_weight.py`: {len(rows)} pages; HTML plus the stylesheet and the quick-exit script "
        f"({assets:,} bytes), uncompressed (the worst case; nginx compresses).\n\n"
        f"Heaviest page: `{heaviest[0]}`, {heaviest[2]:,} bytes ({heaviest[2] / 1024:.1f} KB, budget 50 KB). "
        f"Lightest: {min(r[2] for r in rows):,} bytes. Measured {time.strftime('%Y-%m-%d')}."
    )
    write_section("portal", body)
    print(body)


if __name__ == "__main__":
    main()
