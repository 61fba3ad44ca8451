"""The contact statistics page as the monitoring pages: the same period form and publication
grid, a regional coordinator fixed to their region, and the links between the two."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.directory.models import Organisation, Region, SubjectKind
from qorgan.hotline import services

from .conftest import CRISIS


def _last_month() -> date:
    return timezone.localdate().replace(day=1) - timedelta(days=1)


def _log(desk: dict[str, Any], region: str, count: int, **extra: Any) -> None:
    when = timezone.now().replace(day=1) - timedelta(days=20)  # last month, ended
    for _index in range(count):
        services.log_contact(
            user=desk["operator"],
            hotline=desk["hotline"],
            data={**CRISIS, "contact_type": "tip", "region": region, "received_at": when, **extra},
        )


def _rows(body: str, caption: str) -> dict[str, str]:
    table = body[body.index(f"<caption>{caption}</caption>") :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', table))


def test_regional_coordinator_sees_their_regions_contacts_on_the_grid(
    client: Any, desk: dict[str, Any], make_user: Any
) -> None:
    _log(desk, "KZ-71", 7)  # Astana
    _log(desk, "KZ-75", 6)  # Almaty
    akimat = Organisation.objects.create(
        code="AKIMAT75-HL",
        kind=SubjectKind.objects.get(code="local_executive_body"),
        name_en="Almaty City Akimat",
        region=Region.objects.get(code="KZ-75"),
    )
    regional = make_user(username="regional", role=Role.COORDINATOR, organisation=akimat.code)
    client.force_login(regional)
    month = _last_month()
    # Another region asked for: ignored; two days of a month: the whole month.
    body = client.get(
        "/en/hotline/statistics/",
        {"start": f"03.{month:%m.%Y}", "end": f"04.{month:%m.%Y}", "region": "KZ-71"},
    ).content.decode()
    assert f"Figures for 01.{month:%m.%Y} to {month:%d.%m.%Y}" in body
    by_region = _rows(body, "Contacts by region")
    assert list(by_region) == ["Almaty", "Total"]  # their region only, no other region's cells
    assert int(by_region["Almaty"]) >= 5
    assert int(_rows(body, "Contacts by type")["Tip about a suspicious situation"]) < 12
    options = re.findall(r'<option value="([^"]*)"', body[body.index('name="region"') :])
    assert options[:1] == ["KZ-75"] and "KZ-71" not in options
    # No desk links they could not open; a link back to the cases' figures of the same period.
    assert 'href="/en/hotline/"' not in body and "/en/hotline/handover/" not in body
    assert f'href="/en/monitoring/statistics/?start=03.{month:%m.%Y}' in body
    # The current month is not published yet.
    today = timezone.localdate()
    body = client.get(
        "/en/hotline/statistics/", {"start": f"{today:%d.%m.%Y}", "end": f"{today:%d.%m.%Y}"}
    ).content.decode()
    assert "is published yet" in body


def test_monitoring_pages_link_to_the_contact_statistics_for_who_may_see_them(
    client: Any, desk: dict[str, Any], make_user: Any
) -> None:
    client.force_login(desk["coordinator"])
    month = _last_month()
    body = client.get(
        "/ru/monitoring/statistics/",
        {"start": f"01.{month:%m.%Y}", "end": f"{month:%d.%m.%Y}", "region": "KZ-71"},
    ).content.decode()
    link = re.search(r'id="hotline-statistics-link"><a class="back" href="([^"]+)">([^<]+)<', body)
    assert link, body
    assert link.group(2) == "Обращения на горячие линии: статистика за этот период"
    url = link.group(1).replace("&amp;", "&")
    assert (
        url == f"/ru/hotline/statistics/?start=01.{month:%m.%Y}&end={month:%d.%m.%Y}&region=KZ-71"
    )
    assert "/ru/hotline/statistics/" in client.get("/ru/monitoring/").content.decode()
    page = client.get(url).content.decode()
    assert "Обращения по каналам" in page and 'value="KZ-71" selected' in page
    # The operator reaches it from the monitoring home too; a worker without a line does not.
    client.force_login(desk["operator"])
    assert "/kk/hotline/statistics/" in client.get("/kk/monitoring/").content.decode()
    client.force_login(desk["colleague"])
    home = client.get("/kk/monitoring/")
    assert home.status_code == 200 and "/kk/hotline/statistics/" not in home.content.decode()
