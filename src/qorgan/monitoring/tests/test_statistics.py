"""Every aggregate against a hand-counted fixture, small cells suppressed in every output."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.models import Case
from qorgan.directory.models import Organisation, Region
from qorgan.monitoring.statistics import Period, national_statistics

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Figures are published for whole months that have ended: the fixture's cases are opened in
# the middle of last month, and the default period (the year of last month) holds them.
PERIOD = Period.year_to_date(TODAY)
LAST_MONTH = PERIOD.end.replace(day=15)

# The fixture, counted by hand:
# KZ-75 Almaty: 8 cases (6 female, 2 male); KZ-71 Astana: 6 cases (all male); KZ-79 Shymkent: 3 (female);
# KZ-10 Abai: 2 (female).  Total 19: female 11, male 8.
# Ages: 14-17: 7 (Almaty 5 + Shymkent 2); 25-34: 12.  Citizenship: KZ 13, UZ 6 (Astana).
# Forms: forced_labour 10 (Almaty 8 + Astana 2); sexual_exploitation 3 (Shymkent); none 6.
PLAN = (
    [("KZ-75", "female", 15, "KZ", ["forced_labour"])] * 5
    + [("KZ-75", "female", 30, "KZ", ["forced_labour"])]
    + [("KZ-75", "male", 30, "KZ", ["forced_labour"])] * 2
    + [("KZ-71", "male", 30, "UZ", ["forced_labour"])] * 2
    + [("KZ-71", "male", 30, "UZ", [])] * 4
    + [("KZ-79", "female", 16, "KZ", ["sexual_exploitation"])] * 2
    + [("KZ-79", "female", 30, "KZ", ["sexual_exploitation"])]
    + [("KZ-10", "female", 30, "KZ", [])] * 2
)


@pytest.fixture
def fixture(make_user: Any) -> dict[str, Any]:
    worker = make_user(username="w", organisation="ORG01")
    made = []
    for region, sex, age, citizenship, forms in PLAN:
        made.append(
            cases.open_case(
                organisation=worker.organisation,
                by=worker,
                facts=cases.PersonFacts(sex=sex, citizenship=citizenship, age=age),
                region=Region.objects.get(code=region),
                exploitation_forms=forms,
            )
        )
    backdate(made, LAST_MONTH)
    return {"worker": worker, "cases": made}


def backdate(made: list[Case], day: date) -> None:
    """Open the cases on ``day`` (a bulk update: the rollup is told, as bulk writers must)."""
    from datetime import datetime, time

    from qorgan.monitoring import rollup

    moment = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    Case.objects.filter(pk__in=[c.pk for c in made]).update(created_at=moment)
    rollup.refresh([c.pk for c in made])


def shown(breakdown: Any) -> dict[str, Any]:
    """The published cells: numbers (perturbed by at most ±3), "<5" or "hidden"."""
    return {
        key: cell.value if cell.value is not None else cell.reason
        for key, cell in breakdown.cells.items()
        if cell.reason != "small" or key in ("KZ-79", "KZ-10", "sexual_exploitation")
    }


def near(published: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Each number within the perturbation (±3) of the true count; withheld cells exactly."""
    if published.keys() != expected.keys():
        return False
    return all(
        (isinstance(e, int) and isinstance(p, int) and abs(p - e) <= 3) or p == e
        for p, e in ((published[k], expected[k]) for k in expected)
    )


def test_every_breakdown_by_hand(fixture: dict[str, Any]) -> None:
    stats = national_statistics(PERIOD, threshold=5)
    assert abs(stats["total_cases"].value - 19) <= 3
    assert near(
        shown(stats["region"]), {"KZ-75": 8, "KZ-71": 6, "KZ-79": "small", "KZ-10": "small"}
    )
    # Unknown sex (0) is the only small cell: the next smallest (male, 8) is hidden with it.
    assert shown(stats["sex"]) == {"female": stats["sex"].cells["female"].value, "male": "hidden"}
    assert near(shown(stats["sex"]), {"female": 11, "male": "hidden"})
    assert near(shown(stats["age_group"]), {"14-17": 7, "25-34": 12})
    assert near(shown(stats["citizenship"]), {"KZ": 13, "UZ": 6})
    # Several forms per case: no total to subtract from, so no complementary suppression.
    assert near(
        shown(stats["exploitation_form"]), {"forced_labour": 10, "sexual_exploitation": "small"}
    )
    assert near(shown(stats["detection_source"]), {"ngo": 19})
    assert near(shown(stats["status"]), {"detected": 19})
    assert list(stats["trend"].cells)[-1] == f"{LAST_MONTH:%Y-%m}"
    assert abs(list(stats["trend"].cells.values())[-1].value - 19) <= 3


def test_a_region_filter(fixture: dict[str, Any]) -> None:
    stats = national_statistics(PERIOD, region="KZ-75", threshold=5)
    assert abs(stats["total_cases"].value - 8) <= 3
    # The region's rows only.
    assert list(stats["region"].cells) == ["KZ-75"]
    # 2 men and 0 "not known" withheld: two small cells, nothing to work out from the total.
    assert near(shown(stats["sex"]), {"female": 6})
    assert stats["sex"].cells["male"].reason == stats["sex"].cells["unknown"].reason == "small"
    assert near(
        shown(stats["exploitation_form"]), {"forced_labour": 8, "sexual_exploitation": "small"}
    )


def test_the_same_persons_get_the_same_number_and_the_current_month_waits(
    fixture: dict[str, Any], make_user: Any
) -> None:
    """Cell-key perturbation is deterministic per set of persons; a case opened this month is
    not published before the month ends."""
    first = national_statistics(PERIOD, threshold=5)
    again = national_statistics(
        Period(PERIOD.start.replace(day=2), PERIOD.end - timedelta(days=3)), threshold=5
    )
    worker = fixture["worker"]
    cases.open_case(
        organisation=worker.organisation,
        by=worker,
        facts=cases.PersonFacts(sex="male", citizenship="TJ", age=40),
        region=Region.objects.get(code="KZ-75"),
        exploitation_forms=["forced_begging"],
    )
    later = national_statistics(Period(PERIOD.start, TODAY), threshold=5)
    for name in ("region", "sex", "age_group", "citizenship", "exploitation_form", "status"):
        assert first[name].cells == again[name].cells == later[name].cells, name
    assert later["period"] == PERIOD


def test_no_small_cell_in_any_output(fixture: dict[str, Any]) -> None:
    stats = national_statistics(PERIOD, threshold=5)
    for name, value in stats.items():
        cells = getattr(value, "cells", None)
        if cells is None or value.threshold == 0:
            continue
        for key, cell in cells.items():
            assert cell.value is None or cell.value == 0 or cell.value >= 5, (name, key, cell.value)
            if cell.value is None:
                assert cell.reason in ("small", "hidden")
                assert cell.display() == "<5" if cell.reason == "small" else cell.display() != "<5"


def test_referrals_identification_and_time_to_acceptance(
    fixture: dict[str, Any], make_user: Any
) -> None:
    worker = fixture["worker"]
    receiver = make_user(username="r", role=Role.CASE_MANAGER, organisation="ORG02")
    for case in fixture["cases"][:6]:
        consent = cases.record_consent(
            user=worker, case=case, purpose="referral", form="oral", given_on=TODAY
        )
        referral = cases.send_referral(
            user=worker,
            case=case,
            to_organisation=receiver.organisation,
            services=["legal"],
            due_on=TODAY + timedelta(days=2),
            consent=consent,
        )
        cases.respond_to_referral(user=receiver, referral=referral, accept=True)
    manager = make_user(username="m", role=Role.SUPERVISOR, organisation="ORG01")
    for case in fixture["cases"][:5]:
        cases.change_status(
            user=manager,
            case=Case.objects.get(pk=case.pk),
            expected_version=Case.objects.get(pk=case.pk).version,
            target="identified",
            identification_date=TODAY,
            identification_body="police",
        )
    backdate(fixture["cases"], LAST_MONTH)
    from qorgan.cases.models import Referral

    sent = timezone.make_aware(datetime.combine(LAST_MONTH, time(9)))
    Referral.objects.update(sent_at=sent, responded_at=sent + timedelta(hours=5))
    stats = national_statistics(PERIOD, threshold=5)
    assert {k: c.value for k, c in stats["referrals"].cells.items() if c.value} == {
        "made": 6,
        "accepted": 6,
    }
    assert stats["identification"].cells["identified"].value in (5, 6, 7, 8)
    assert stats["identification"].cells["not_identified"].reason == "small"
    assert stats["time_to_acceptance_hours"] is not None and stats["time_to_acceptance_hours"] >= 0


@pytest.fixture
def coordinator_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01"))
    return client


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_dashboard_for_coordinators_only(
    client: Any, coordinator_client: Any, fixture: dict[str, Any], language: str
) -> None:
    body = coordinator_client.get(f"/{language}/monitoring/statistics/").content.decode()
    assert f'<html lang="{language}">' in body
    assert "&lt;5" in body and "<svg" in body
    assert "Surname" not in body
    client.force_login(fixture["worker"])
    assert client.get(f"/{language}/monitoring/statistics/").status_code == 403


HIDDEN = {"kk": "жасырылған", "ru": "скрыто", "en": "hidden"}
LEGEND = {"kk": "Шартты белгілер", "ru": "Условные обозначения", "en": "Legend"}  # rows' label


def prepared_file(client: Any, url: str, capture: Any, data: dict[str, str] | None = None) -> Any:
    """Ask for a file from the dashboard (built by the task when the request commits), then
    download it from the exports page, as a coordinator does."""
    from qorgan.monitoring.models import ExportJob

    with capture(execute=True):
        response = client.post(url, data or {})
    assert response.status_code == 302 and response["Location"].endswith("/monitoring/exports/")
    job = ExportJob.objects.order_by("-requested_at").first()
    assert job.status == ExportJob.Status.READY
    download = client.get(f"/en/monitoring/exports/{job.pk}/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    return download


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_period_report_pdf_xlsx_csv(
    coordinator_client: Any,
    fixture: dict[str, Any],
    language: str,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from openpyxl import load_workbook

    def report(fmt: str) -> Any:
        return prepared_file(
            coordinator_client,
            f"/{language}/monitoring/report.{fmt}",
            django_capture_on_commit_callbacks,
        )

    pdf = report("pdf")
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="qorgan-report-{PERIOD.start}-{PERIOD.end}.pdf"'
    )
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<5" in text
    if language == "kk":  # built by the task in the language it was asked in
        assert "ө" in text or "ү" in text or "қ" in text
    elif language == "en":
        assert "Report for the interagency and regional commissions" in text
    xlsx = report("xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    numbers = [
        row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] != LEGEND[language]
    ]
    assert "<5" in numbers and HIDDEN[language] in numbers  # male (8) hides with unknown (0)
    assert all(n in ("<5", HIDDEN[language]) or int(n) == 0 or int(n) >= 5 for n in numbers)
    rows = list(csv.reader(io.StringIO(report("csv").content.decode("utf-8-sig"))))
    with translation.override(language):  # headers in the report's language, not field names
        assert rows[0] == [gettext("Breakdown"), gettext("Category"), gettext("Number")]


def test_report_of_a_region_and_period_is_audited_and_bad_input_named(
    coordinator_client: Any, fixture: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from django.utils import translation

    from qorgan.core.audit import AuditEvent
    from qorgan.monitoring import reports
    from qorgan.monitoring.models import ExportJob

    start = f"{TODAY.year}-01-01"
    data = {"start": start, "end": str(TODAY), "region": "KZ-75"}
    body = prepared_file(
        coordinator_client,
        "/en/monitoring/report.csv",
        django_capture_on_commit_callbacks,
        data,
    ).content.decode("utf-8-sig")
    expected = national_statistics(PERIOD, "KZ-75")  # the region's figures, not the country's
    with translation.override("en"):
        reports.label(expected)
        rows = [list(row) for row in reports.table_rows(expected)]
    assert list(csv.reader(io.StringIO(body)))[1:] == rows
    assert rows != [list(r) for r in reports.table_rows(national_statistics(PERIOD))]
    event = AuditEvent.objects.filter(action="report_export").get()
    assert event.detail["region"] == "KZ-75" and event.detail["start"] == start
    assert AuditEvent.objects.filter(action="report_export_download").exists()
    # A format the report does not have, and a GET instead of the form's POST: named, nothing queued.
    response = coordinator_client.post("/en/monitoring/report.doc", data, follow=True)
    assert response.status_code == 200 and "pdf, xlsx, csv" in response.content.decode()
    assert coordinator_client.get("/en/monitoring/report.csv").status_code == 405
    assert ExportJob.objects.count() == 1


# The open-data releases themselves: test_opendata.py.


def test_open_data_is_for_coordinators(
    client: Any, fixture: dict[str, Any], make_user: Any
) -> None:
    from qorgan.monitoring.models import ExportJob

    client.force_login(fixture["worker"])
    assert client.post("/en/monitoring/open-data/k_anonymous.csv").status_code == 403
    client.force_login(make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01"))
    assert client.post("/en/monitoring/open-data/k_anonymous.csv").status_code == 403
    assert client.post("/en/monitoring/report.csv").status_code == 302  # supervisors see statistics
    assert list(ExportJob.objects.values_list("kind", flat=True)) == ["report"]


def test_a_file_is_only_for_its_requester_while_they_keep_the_right(
    coordinator_client: Any,
    client: Any,
    fixture: dict[str, Any],
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from qorgan.accounts.models import User
    from qorgan.monitoring.models import ExportJob

    prepared_file(
        coordinator_client, "/en/monitoring/report.csv", django_capture_on_commit_callbacks
    )
    job = ExportJob.objects.get()
    other = make_user(username="coord2", role=Role.COORDINATOR, organisation="ORG01")
    coordinator_client.force_login(other)
    assert coordinator_client.get(f"/en/monitoring/exports/{job.pk}/").status_code == 404
    User.objects.filter(pk=job.requested_by_id).update(role=Role.FRONTLINE_WORKER)
    coordinator_client.force_login(User.objects.get(pk=job.requested_by_id))
    assert coordinator_client.get(f"/en/monitoring/exports/{job.pk}/").status_code == 403


def test_duty_coverage_shows_duties_without_work(
    coordinator_client: Any, fixture: dict[str, Any]
) -> None:
    from qorgan.directory.models import Duty
    from qorgan.monitoring import services

    duty = Duty.objects.filter(kind__code="ngo", direction__code="prevention").first()
    services.record_activity(
        user=fixture["worker"],
        data={
            "kind": "media_campaign",
            "title": "Radio spots",
            "held_on": TODAY,
            "region": "KZ-75",
            "reach": 1000,
            "duties": [str(duty.pk)],
        },
    )
    body = coordinator_client.get("/en/monitoring/duties/").content.decode()
    assert "no work recorded" in body
    assert 'class="no-activity"' in body


def test_other_organisations_statistics_have_no_names(
    coordinator_client: Any, fixture: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    cases.update_person(
        user=fixture["worker"],
        case=fixture["cases"][0],
        expected_version=1,
        data={"surname": "Zhumabayeva"},
    )
    for url in ("/en/monitoring/statistics/", "/en/monitoring/risk/"):
        assert "Zhumabayeva" not in coordinator_client.get(url).content.decode("utf-8", "ignore")
    report = prepared_file(
        coordinator_client, "/en/monitoring/report.csv", django_capture_on_commit_callbacks
    )
    assert "Zhumabayeva" not in report.content.decode("utf-8-sig")
    assert Organisation.objects.exists()


@pytest.fixture
def empty_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def total_on(page: str) -> str:
    import re

    found = re.search(r'<strong id="stat-total">([^<]*)</strong>', page)
    assert found
    return found.group(1)


def test_refreshed_statistics_are_served_with_their_time_then_expire(
    coordinator_client: Any, fixture: dict[str, Any], empty_cache: Any, settings: Any
) -> None:
    from qorgan.core.tasks import run

    page = coordinator_client.get("/en/monitoring/statistics/").content.decode()
    live = national_statistics(PERIOD)["total_cases"].display()
    assert total_on(page) == live and "Figures as of" not in page  # live
    assert run("monitoring.refresh_statistics", {}) == 1 + Region.objects.count()
    late = cases.open_case(
        organisation=fixture["worker"].organisation,
        by=fixture["worker"],
        region=Region.objects.get(code="KZ-75"),
    )
    backdate([late], LAST_MONTH)  # recorded late, for last month
    page = coordinator_client.get("/en/monitoring/statistics/").content.decode()
    assert total_on(page) == live and "Figures as of" in page  # refreshed figures
    region = coordinator_client.get("/en/monitoring/statistics/?region=KZ-71").content.decode()
    assert "Figures as of" in region
    empty_cache.clear()  # what expiry does after QORGAN_STATISTICS_CACHE_SECONDS
    page = coordinator_client.get("/en/monitoring/statistics/").content.decode()
    assert total_on(page) == national_statistics(PERIOD)["total_cases"].display()
    assert "Figures as of" not in page


def test_bar_chart_geometry(coordinator_client: Any, fixture: dict[str, Any]) -> None:
    """Every chart on the page, read from its SVG: one row per category, bars that do not
    overlap, each bar's length proportional to its published number, labels and numbers
    written (issue 14 §1: every bar used to be drawn at the same height)."""
    import itertools
    import re
    import xml.etree.ElementTree as ET

    page = coordinator_client.get("/en/monitoring/statistics/").content.decode()
    charts = re.findall(r'<svg class="bar-chart".*?</svg>', page, flags=re.S)
    assert len(charts) == 3  # region, month, form of exploitation
    stats = national_statistics(PERIOD)
    for svg_text in charts:
        svg = ET.fromstring(svg_text)  # noqa: S314 (our own page)
        _x, _y, width, height = (float(v) for v in svg.get("viewBox", "").split())
        bars = svg.findall("{http://www.w3.org/2000/svg}g") or svg.findall("g")
        assert len(bars) >= 2
        rows = []
        for bar in bars:
            rect = bar.find("rect") if bar.find("rect") is not None else bar.find("{*}rect")
            texts = bar.findall("text") or bar.findall("{*}text")
            label, number = texts[0], texts[1]
            y, h, w = float(rect.get("y")), float(rect.get("height")), float(rect.get("width"))
            assert (label.text or "").strip() and float(label.get("y")) <= y
            assert (number.text or "").strip() == bar.get("data-value")
            assert float(number.get("x")) >= w  # the number after the bar, not over it
            assert y >= 0 and y + h <= height and w <= width
            value = number.text.replace("\u00a0", "").replace(",", "")
            rows.append((y, h, w, int(value) if value.isdigit() else None))
        rows.sort()
        for (y1, h1, _w1, _v1), (y2, _h2, _w2, _v2) in itertools.pairwise(rows):
            assert y1 + h1 < y2  # no overlap
        top = max(v for *_r, v in rows if v is not None)
        for _y, _h, w, v in rows:
            assert w == round(280 * (v or 0) / top)  # length ∝ the published number
    # The months chart shows the month of the cases with the page's number for it.
    assert f'data-value="{stats["trend"].cells[f"{LAST_MONTH:%Y-%m}"].display()}"' in page


def test_a_regional_coordinator_gets_their_region_whatever_they_ask(
    client: Any, make_user: Any, fixture: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from qorgan.directory.models import SubjectKind
    from qorgan.monitoring.models import ExportJob

    akimat = Organisation.objects.create(
        code="AKIMAT71",
        kind=SubjectKind.objects.get(code="local_executive_body"),
        name_kk="Астана әкімдігі",
        region=Region.objects.get(code="KZ-71"),
    )
    user = make_user(username="regional", role=Role.COORDINATOR, organisation="")
    user.organisation = akimat
    user.save()
    client.force_login(user)
    start = f"{PERIOD.start:%d.%m.%Y}"
    page = client.get(f"/en/monitoring/statistics/?region=KZ-75&start={start}").content.decode()
    assert 'value="KZ-71"' in page and 'value="KZ-75"' not in page
    assert total_on(page) == national_statistics(PERIOD, "KZ-71")["total_cases"].display()
    risk = client.get("/en/monitoring/risk/").content.decode()
    assert risk.count('<th scope="row">') == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/monitoring/report.csv", {"region": "KZ-75", "start": start})
    assert ExportJob.objects.get().params["region"] == "KZ-71"
