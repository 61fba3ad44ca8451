"""Benchmark: the new-screening form on a 390 × 844 phone: page weight and height.

Run: .venv/bin/python bench/screening_form.py [--screenshots docs/img]

Starts Qorgan on a throw-away test database (the test settings, SQLite unless DATABASE_URL
says otherwise), signs in a police officer of an Almaty unit in Debian's Chromium and opens
the form, before any group is opened, in Kazakh and Russian. It prints:
- the bytes transferred for the page: HTML, CSS and JavaScript (uncompressed, as the
  development server sends them, and gzip-compressed, as nginx sends them);
- the page's height at 390 × 844 (the budget is four screens, 3,376 px).
With --screenshots it also writes the phone screenshots used in docs/screening.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
WIDTH, HEIGHT = 390, 844
KINDS = ("document", "stylesheet", "script")


def _server() -> tuple[Any, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.test")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()  # as LiveServerTestCase does: one in-memory database
    thread = LiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread, f"http://localhost:{thread.port}"


def _officer() -> str:
    from qorgan.accounts.models import User
    from qorgan.directory.models import Organisation, Region, SubjectKind

    unit, _ = Organisation.objects.get_or_create(
        code="POLICE-ALA",
        defaults={
            "kind": SubjectKind.objects.get(code="police"),
            "name_kk": "Алматы қаласы Полиция департаменті",
            "name_ru": "Департамент полиции города Алматы",
            "name_en": "Almaty City Police Department",
            "region": Region.objects.get(code="KZ-75"),
        },
    )
    User.objects.create_user(
        username="officer",
        password="a-long-test-password",  # noqa: S106 (a throw-away test database)
        organisation=unit,
    )
    return "officer"


def measure(page: Any, url: str) -> dict[str, Any]:
    """Bytes of HTML, CSS and JavaScript the page loads, and its height before any group opens."""
    loaded: list[tuple[str, str, int, int]] = []

    def on_response(response: Any) -> None:
        kind = response.request.resource_type
        if kind in KINDS:
            try:
                body = response.body()
            except Exception:  # a redirect has no body
                return
            loaded.append((kind, response.url, len(body), len(gzip.compress(body, 9))))

    # Every file counted as a first visit would load it (no browser cache between languages).
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", on_response)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    opened = page.locator("details.group[open]").count()
    return {
        "files": loaded,
        "bytes": sum(item[2] for item in loaded),
        "gzip": sum(item[3] for item in loaded),
        "height": height,
        "width": width,
        "groups_open": opened,
    }


def screenshots(page: Any, base: str, language: str, folder: Path) -> list[Path]:
    """The form's top, an opened group with the filter, and the plan after Show the plan."""
    texts = {"kk": ("паспорт", "Жоспарды көрсету"), "ru": ("паспорт", "Показать план")}
    word, show = texts[language]
    written = []
    page.goto(f"{base}/{language}/screening/new/", wait_until="networkidle")
    path = folder / f"screening-form-{language}.png"
    page.screenshot(path=str(path))
    written.append(path)
    page.select_option("#id_citizenship", "UZ")
    page.fill("#id_age", "24")
    page.fill("#sign-filter", word)
    page.locator("li[data-entry] input[value=S12]").check()
    page.locator("#sign-filter").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -60)")
    page.wait_for_selector("#plan .assessment")
    path = folder / f"screening-filter-{language}.png"
    page.screenshot(path=str(path))
    written.append(path)
    page.fill("#sign-filter", "")
    page.locator("#group-signs-general input[value=S17]").check()
    page.locator("input[name=accepts_help][value=yes]").check()
    page.get_by_role("button", name=show).click()
    page.wait_for_function(
        "() => Math.abs(document.getElementById('plan').getBoundingClientRect().top) < 40"
    )
    path = folder / f"screening-plan-{language}.png"
    page.screenshot(path=str(path))
    written.append(path)
    return written


def _shrink(path: Path) -> None:
    """Fewer colours: a phone screenshot of text needs no more than 64 (keeps PNGs small)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="folder for the phone screenshots")
    args = parser.parse_args()
    thread, base = _server()
    username = _officer()
    from playwright.sync_api import sync_playwright
    from tests.conftest_browser import launch, sign_in

    results = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        page.set_default_timeout(20000)
        sign_in(page, base, username, language="kk")
        for language in ("kk", "ru"):
            results[language] = measure(page, f"{base}/{language}/screening/new/")
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            for language in ("kk", "ru"):
                for path in screenshots(page, base, language, args.screenshots):
                    _shrink(path)
                    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
        context.close()
        browser.close()
    thread.terminate()

    print(f"New-screening form at {WIDTH} × {HEIGHT}, before any group is opened:")
    for language, result in results.items():
        kinds = {kind: sum(f[2] for f in result["files"] if f[0] == kind) for kind in KINDS}
        print(
            f"  /{language}/screening/new/: {result['bytes']:,} bytes "
            f"(HTML {kinds['document']:,}, CSS {kinds['stylesheet']:,}, JS {kinds['script']:,}); "
            f"gzip {result['gzip']:,} bytes; height {result['height']:,} px "
            f"({result['height'] / HEIGHT:.2f} screens, budget 4); "
            f"width {result['width']} px; groups open {result['groups_open']}"
        )
        for kind, url, size, packed in result["files"]:
            print(f"    {kind:10} {size:>8,} {packed:>7,} gz  {url.replace(base, '')}")


if __name__ == "__main__":
    main()
