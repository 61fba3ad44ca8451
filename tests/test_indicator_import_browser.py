"""A coordinator imports labour-migration indicators from a file (issue 16, finding 7), in a real
browser (Debian's Chromium through Playwright), in Kazakh and Russian, on a 390 × 844 phone:
the file with problems is listed by row and column and nothing is saved; the corrected file is
checked, imported by the task, and the result shown; a job still running is asked for again by
the page (htmx) until its result appears, without a reload (docs/monitoring.md).

Set QORGAN_SCREENSHOTS to a folder to keep screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from qorgan.accounts.roles import Role
from qorgan.monitoring.models import IndicatorImport, MigrationIndicator
from tests.conftest_browser import launch, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TEXTS = {
    "kk": {
        "summary": "CSV немесе XLSX файлын импорттау",
        "problems": "Мәселелер (3)",
        "region": "белгісіз өңір",
        "checked": "Файл тексерілді, мәселе жоқ",
        "import": "Импорттау",
        "done": "импортталды",
        "result": "Импортталған жолдар: 2",
        "running": "импортталуда",
    },
    "ru": {
        "summary": "Импортировать файл CSV или XLSX",
        "problems": "Проблемы (3)",
        "region": "неизвестный регион",
        "checked": "Файл проверен, проблем нет",
        "import": "Импортировать",
        "done": "импортирован",
        "result": "Импортировано строк: 2",
        "running": "импортируется",
    },
}


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("QORGAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _upload(page: Any, content: str) -> None:
    page.set_input_files(
        "#id_file", {"name": "kvoty.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("#import form button[type=submit]").click()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_indicator_file_checked_then_imported_by_the_task(
    live_server: Any, make_user: Any, language: str
) -> None:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    coordinator = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    text = TEXTS[language]
    year = timezone.localdate().year
    header = "year,region,sector,quota,attracted,source,published\n"
    bad = (
        f"{header}{year},KZ-75,Құрылыс,1000,730,Еңбек министрлігі,иә\n"
        f"{year},KZ-99,Ауыл шаруашылығы,көп,260,әкімдік,жоқ\n"
        f"{year},KZ-71,Мұнай,50,10,,жоқ\n"
    )
    good = (
        f"{header}{year},KZ-75,Құрылыс,1000,730,Еңбек министрлігі,иә\n"
        f"{year},KZ-71,Ауыл шаруашылығы,200,260,әкімдік,жоқ\n"
    )
    base = live_server.url
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(viewport=PHONE, locale="en-US").new_page()
            page.set_default_timeout(15000)
            sign_in(page, base, "coord", language=language)
            page.goto(f"{base}/{language}/monitoring/indicators/")
            page.locator("#import summary").click()
            expect(page.locator("#import summary")).to_have_text(text["summary"])
            _fits(page, PHONE["width"])
            _shot(page, f"indicators-import-{language}-phone")

            _upload(page, bad)
            page.wait_for_url(f"**/{language}/monitoring/indicators/import/*/")
            expect(page.locator("main h2")).to_have_text(text["problems"])
            rows = page.locator("table.problems tbody tr")
            expect(rows).to_have_count(3)
            expect(rows.nth(0)).to_contain_text("region")
            expect(rows.nth(0)).to_contain_text(text["region"])
            expect(rows.nth(1)).to_contain_text("quota")
            expect(rows.nth(2)).to_contain_text("source")
            expect(page.locator("main form")).to_have_count(0)  # nothing to import
            _fits(page, PHONE["width"])
            _shot(page, f"indicators-problems-{language}-phone")
            assert MigrationIndicator.objects.count() == 0

            page.locator("main a.button").click()  # check another file
            page.wait_for_url(f"**/{language}/monitoring/indicators/#import")
            _upload(page, good)
            page.wait_for_url(f"**/{language}/monitoring/indicators/import/*/")
            expect(page.locator("main")).to_contain_text(text["checked"])
            _shot(page, f"indicators-checked-{language}-phone")
            assert MigrationIndicator.objects.count() == 0
            page.locator("main form button[type=submit]").click()  # the task runs on commit
            page.wait_for_url(f"**/{language}/monitoring/indicators/import/*/")
            expect(page.locator(".status")).to_have_text(text["done"])
            expect(page.locator("main")).to_contain_text(text["result"])
            _fits(page, PHONE["width"])
            _shot(page, f"indicators-done-{language}-phone")
            assert sorted(MigrationIndicator.objects.values_list("region__code", "attracted")) == [
                ("KZ-71", 260),
                ("KZ-75", 730),
            ]
            assert not IndicatorImport.objects.exclude(blob="").exists()  # no bytes stay

            # A job the worker has not finished yet: the page asks again until it ends.
            running = IndicatorImport.objects.create(
                requested_by=coordinator, file_name="kvoty.xlsx", rows=3, status="queued"
            )
            page.goto(f"{base}/{language}/monitoring/indicators/import/{running.pk}/")
            expect(page.locator(".status")).to_have_text(text["running"])
            _shot(page, f"indicators-running-{language}-phone")
            IndicatorImport.objects.filter(pk=running.pk).update(
                status="done", imported=3, finished_at=timezone.now()
            )
            expect(page.locator(".status")).to_have_text(text["done"], timeout=10000)
            expect(page.locator("main")).to_contain_text(text["result"].replace("2", "3"))
            _fits(page, PHONE["width"])

            page.set_viewport_size(DESKTOP)  # the same session (a second factor is used once)
            _shot(page, f"indicators-done-{language}-desktop")
            page.goto(f"{base}/{language}/monitoring/indicators/")
            expect(page.locator("#import")).to_have_attribute("open", "")  # imports listed
            expect(page.locator("#import a")).to_have_count(3)  # the last two imports, listed
            _shot(page, f"indicators-import-{language}-desktop")
        finally:
            browser.close()
