"""A regional coordinator's statistics in Kazakh and Russian, on a phone (390×844) and a
desktop: the page defaults to their region and shows only its rows, the chart is drawn, the
legend explains "<5" and "hidden", countries are named, dates are typed as dd.mm.yyyy, and a
commission report (CSV and PDF) is built and downloaded with the same scope and legend.
Real Chromium (Debian's package) driven by Playwright. The open-data files of the same flow
are in tests/test_opendata_browser.py."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/qorgan-screenshots")  # noqa: S108 (screenshots to look at, not secrets)

WORDS = {
    "kk": {
        "hidden": "жасырылған",
        "uzbekistan": "Өзбекстан",
        "almaty": "Алматы",
        "placeholder": "кк.аа.жжжж",
        "preparing": "Файл дайындалуда.",
        "download": "Жүктеу",
        "by_region": "Өңірлер бойынша істер",
        "by_sex": "Жынысы бойынша істер",
        "legend": "Шартты белгілер",
        "contacts_link": "Сенім телефондарына өтініштер: осы кезеңнің статистикасы",
        "by_type": "Өтініштер түрі бойынша",
        "by_channel": "Өтініштер арна бойынша",
        "tip": "Күдікті жағдай туралы хабар",
        "email": "Электрондық пошта",
        "back": "Сол кезеңдегі істер статистикасы",
    },
    "ru": {
        "hidden": "скрыто",
        "uzbekistan": "Узбекистан",
        "almaty": "Алматы",
        "placeholder": "дд.мм.гггг",
        "preparing": "Файл готовится.",
        "download": "Скачать",
        "by_region": "Дела по регионам",
        "by_sex": "Дела по полу",
        "legend": "Условные обозначения",
        "contacts_link": "Обращения на горячие линии: статистика за этот период",
        "by_type": "Обращения по типам",
        "by_channel": "Обращения по каналам",
        "tip": "Сообщение о подозрительной ситуации",
        "email": "Электронная почта",
        "back": "Статистика дел за тот же период",
    },
}
# Almaty (the coordinator's region): 8 women and 6 men, 9 from Kazakhstan and 5 from
# Uzbekistan; nobody of unknown sex, so that cell is "<5" alone and men are hidden with it.
ALMATY = (
    [("female", "KZ")] * 6 + [("female", "UZ")] * 2 + [("male", "KZ")] * 3 + [("male", "UZ")] * 3
)
ELSEWHERE = [("KZ-71", "male", "KZ")] * 9 + [("KZ-79", "female", "KG")] * 7


def world(make_user: Any) -> Any:
    from django.utils import timezone

    from qorgan.accounts.roles import Role
    from qorgan.cases import services as cases
    from qorgan.cases.models import Case
    from qorgan.directory.models import Organisation, Region, SubjectKind
    from qorgan.monitoring import rollup

    worker = make_user(username="w", role=Role.CASE_MANAGER, organisation="ORG01")
    made = []
    plan = [("KZ-75", sex, country) for sex, country in ALMATY] + ELSEWHERE
    for region, sex, country in plan:
        made.append(
            cases.open_case(
                organisation=worker.organisation,
                by=worker,
                facts=cases.PersonFacts(sex=sex, citizenship=country, age=30),
                region=Region.objects.get(code=region),
                exploitation_forms=["forced_labour"],
            )
        )
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    moment = datetime.combine(
        last_month.replace(day=10), time(12), tzinfo=timezone.get_current_timezone()
    )
    Case.objects.filter(pk__in=[c.pk for c in made]).update(created_at=moment)
    rollup.refresh([c.pk for c in made])
    akimat = Organisation.objects.create(
        code="AKIMAT75-STATS",
        kind=SubjectKind.objects.get(code="local_executive_body"),
        name_kk="Алматы қаласының әкімдігі",
        name_ru="Акимат города Алматы",
        region=Region.objects.get(code="KZ-75"),
    )
    user = make_user(username="coord", role=Role.COORDINATOR, organisation="")
    user.organisation = akimat
    user.save()
    # A hotline's contacts about Almaty last month: seven tips by phone, one e-mail.
    from qorgan.hotline import services as hotline
    from qorgan.hotline.models import Hotline

    line = Hotline.objects.create(
        code="korgau", organisation=Organisation.objects.get(code="ORG07")
    )
    operator = make_user(username="op", role=Role.FRONTLINE_WORKER, organisation="ORG07")
    line.operators.add(operator)
    for channel in ["phone"] * 7 + ["email"]:
        hotline.log_contact(
            user=operator,
            hotline=line,
            data={
                "channel": channel,
                "language": "ru",
                "contact_type": "tip" if channel == "phone" else "information",
                "region": "KZ-75",
                "received_at": moment,
            },
        )
    return last_month


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def download_report(page: Any, language: str, fmt: str) -> tuple[str, bytes]:
    page.locator("form.files button").filter(has_text=f"({fmt.upper()})").first.click()
    expect(page.get_by_text(WORDS[language]["preparing"])).to_be_visible()
    no_sideways_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=WORDS[language]["download"]).first.click()
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_regional_coordinator_sees_their_region_and_downloads_the_report(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    last_month = world(make_user)
    words = WORDS[language]
    SHOTS.mkdir(exist_ok=True)
    statistics = f"{live_server.url}/{language}/monitoring/statistics/"
    for width, height, device in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        if device == "phone":
            sign_in(page, live_server.url, "coord", language=language)
        page.goto(statistics)
        no_sideways_scroll(page)
        # Their region by default, and only it: in the filter and in the region table.
        options = page.locator("select[name=region] option")
        expect(options).to_have_count(1)
        assert words["almaty"] in options.first.inner_text()
        region_rows = page.locator("#stat-region tbody tr")
        expect(region_rows).to_have_count(1)
        # Dates typed as dd.mm.yyyy in a labelled text box; the period written the same way.
        start = page.locator("#id_start")
        assert start.get_attribute("type") == "text"
        assert start.get_attribute("placeholder") == words["placeholder"]
        assert "dd.mm" not in page.locator("label[for=id_start]").inner_text()
        period = page.locator("#stat-period").inner_text()
        assert f"01.01.{last_month.year}" in period and f"{last_month:%d.%m.%Y}" in period
        # The chart: one SVG row per month, drawn, not overlapping (geometry tested in
        # monitoring/tests/test_statistics.py).
        chart = page.locator("#stat-trend svg.bar-chart")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] <= width and box["height"] > 20
        # The legend and a hidden cell: men hidden beside the lone "<5" (unknown sex).
        legend = page.locator("#stat-legend")
        expect(legend).to_contain_text("<5")
        expect(legend).to_contain_text(words["hidden"])
        expect(page.locator("#stat-sex td.withheld-hidden")).to_have_text(words["hidden"])
        expect(page.locator("#stat-sex td.withheld-small").first).to_have_text("<5")
        # Citizenship by country name.
        expect(page.locator("#stat-citizenship")).to_contain_text(words["uzbekistan"])
        page.screenshot(path=str(SHOTS / f"statistics-{language}-{device}.png"), full_page=True)
        page.locator("#stat-sex").screenshot(
            path=str(SHOTS / f"statistics-{language}-{device}-sex.png")
        )
        # The contacts to hotlines of the same period and region, one link away.
        page.get_by_role("link", name=words["contacts_link"]).click()
        by_type = page.locator("table.hotline-stats").filter(has_text=words["by_type"])
        tips = by_type.locator("tr").filter(has_text=words["tip"]).locator("td")
        assert int(tips.inner_text()) >= 5  # seven tips: published, perturbed
        by_channel = page.locator("table.hotline-stats").filter(has_text=words["by_channel"])
        expect(by_channel.locator("tr").filter(has_text=words["email"]).locator("td")).to_have_text(
            "<5"
        )
        expect(page.locator("select[name=region] option")).to_have_count(1)
        assert f"{last_month:%d.%m.%Y}" in page.locator("#stat-period").inner_text()
        no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"contacts-{language}-{device}.png"), full_page=True)
        page.get_by_role("link", name=words["back"]).click()
        expect(page.locator("#stat-total")).to_be_visible()
    # The commission report, built and downloaded: the region's rows only, with the legend.
    name, body = download_report(page, language, "csv")
    assert name.startswith("qorgan-report-") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    regions = [r for r in rows if r[0] == words["by_region"]]
    assert len(regions) == 1 and words["almaty"] in regions[0][1]
    sex = {r[1]: r[2] for r in rows if r[0] == words["by_sex"]}
    assert words["hidden"] in sex.values() and "<5" in sex.values()
    # The contacts to hotlines, protected as on their page and in the PDF.
    contacts = {(r[0], r[1]): r[2] for r in rows}
    assert int(contacts[(words["by_type"], words["tip"])]) >= 5
    assert contacts[(words["by_channel"], words["email"])] == "<5"
    legend = [r for r in rows if r[0] == words["legend"]]
    assert [r[1] for r in legend][:2] == ["<5", words["hidden"]]
    assert re.fullmatch(r"01\.01\.\d{4} – \d{2}\.\d{2}\.\d{4}", legend[2][2])
    page.goto(statistics)
    name, body = download_report(page, language, "pdf")
    assert body.startswith(b"%PDF") and name.endswith(".pdf")
    page.screenshot(path=str(SHOTS / f"statistics-{language}-desktop-exports.png"))
