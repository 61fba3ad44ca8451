"""A regional coordinator builds and downloads both open-data files from the statistics page,
in Kazakh and in Russian, on a phone (390×844) and on a desktop: real Chromium (Debian's
package) driven by Playwright."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/qorgan-screenshots")  # noqa: S108 (screenshots to look at, not secrets)

WORDS = {
    "kk": {"preparing": "Файл дайындалуда.", "download": "Жүктеу"},
    "ru": {"preparing": "Файл готовится.", "download": "Скачать"},
}


def regional_coordinator(make_user: Any) -> Any:
    from qorgan.accounts.roles import Role
    from qorgan.directory.models import Organisation, Region, SubjectKind

    akimat = Organisation.objects.create(
        code="AKIMAT75",
        kind=SubjectKind.objects.get(code="local_executive_body"),
        name_kk="Алматы қаласының әкімдігі",
        name_ru="Акимат города Алматы",
        region=Region.objects.get(code="KZ-75"),
    )
    user = make_user(username="coord", role=Role.COORDINATOR, organisation="")
    user.organisation = akimat
    user.save()
    return user


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def build_and_download(page: Any, language: str, fmt: str) -> tuple[str, list[list[str]]]:
    """Press the statistics page's button for ``fmt``, wait for the file, download it."""
    button = page.locator(f"button[formaction$='/open-data/{fmt}.csv']")
    label = button.inner_text()
    assert "Open data" not in label  # in the page's language
    button.click()
    expect(page.get_by_text(WORDS[language]["preparing"])).to_be_visible()
    no_sideways_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=WORDS[language]["download"]).first.click()
    name = download.value.suggested_filename
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    return name, rows


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_regional_coordinator_builds_and_downloads_both_open_data_files(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.monitoring import opendata
    from qorgan.monitoring.models import OpenDataRelease
    from qorgan.monitoring.tests.test_opendata import LAST, make_cases

    make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    make_cases(1100, LAST, seed=11)
    regional_coordinator(make_user)
    SHOTS.mkdir(exist_ok=True)
    start, end = opendata.quarter_bounds(LAST)
    statistics = f"{live_server.url}/{language}/monitoring/statistics/?start={start}&end={end}"
    for width, height, device in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        if device == "phone":
            sign_in(page, live_server.url, "coord", language=language)
        page.goto(statistics)
        no_sideways_scroll(page)
        page.locator("form.files").screenshot(
            path=str(SHOTS / f"opendata-{language}-{device}-buttons.png")
        )
        name, rows = build_and_download(page, language, "k_anonymous")
        assert name == f"qorgan-open-data-k_anonymous-{LAST}-{LAST}.csv"
        assert rows[0] == list(opendata.COLUMNS)
        records = [tuple(r) for r in rows[1:]]
        assert len(records) >= 0.9 * 1100  # the whole country's quarter, not 0 rows
        counts: dict[tuple[str, ...], int] = {}
        for record in records:
            counts[record] = counts.get(record, 0) + 1
        assert min(counts.values()) >= 10
        page.screenshot(path=str(SHOTS / f"opendata-{language}-{device}-exports.png"))
        page.goto(statistics)
        name, rows = build_and_download(page, language, "synthetic")
        assert name == f"qorgan-open-data-synthetic-{LAST}-{LAST}.csv"
        assert rows[0] == list(opendata.COLUMNS) and len(rows) > 500
        assert all(value and value != "unknown" for row in rows[1:] for value in row[:2])
        page.goto(statistics)
        _name, fidelity = build_and_download(page, language, "synthetic_fidelity")
        assert fidelity[0] == ["quarter", "columns", "total_variation_distance"]
        assert len(fidelity) == 1 + 6 + 15
    page.screenshot(
        path=str(SHOTS / f"opendata-{language}-desktop-exports-list.png"), full_page=True
    )
    # Built once each, whatever the number of requests and devices.
    assert OpenDataRelease.objects.filter(period=LAST).count() == 2
