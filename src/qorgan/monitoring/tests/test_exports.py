"""Exports: a supervisor's cases as CSV/XLSX and HTCDS 2.0, safe against formula injection;
labour-migration indicators imported all or nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.monitoring.htcds import FIELDS
from qorgan.monitoring.models import MigrationIndicator

pytestmark = pytest.mark.django_db
HTCDS_CSV = Path(__file__).resolve().parents[4] / "docs" / "standards" / "htcds-2.0-fields.csv"


@pytest.fixture
def supervisor(client: Any, make_user: Any) -> Any:
    user = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    case = cases.open_case(
        organisation=user.organisation,
        by=user,
        facts=cases.PersonFacts(sex="female", citizenship="UZ", age=17),
        exploitation_forms=["forced_labour"],
    )
    cases.update_person(
        user=user, case=case, expected_version=1, data={"surname": "Tursunova", "iin": ""}
    )
    cases.change_status(
        user=user,
        case=case,
        expected_version=2,
        target="closed",
        closure_reason='=HYPERLINK("http://evil")',
    )
    client.force_login(user)
    return client


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_case_export_has_no_names_and_neutralises_formulas(supervisor: Any) -> None:
    rows = read_csv(supervisor.get("/en/monitoring/cases.csv").content)
    assert rows[0][0] == "reference" and len(rows) == 2
    assert "Tursunova" not in str(rows)


def test_htcds_export_uses_the_standard_field_names_and_values(supervisor: Any) -> None:
    rows = read_csv(supervisor.get("/en/monitoring/cases.htcds").content)
    header, record = rows[0], dict(zip(rows[0], rows[1], strict=True))
    standard = {
        r["Field Name including Prefix"]
        for r in csv.DictReader(HTCDS_CSV.open(encoding="utf-8"))
        if r["Field Name including Prefix"]
    }
    assert set(header) - {"Id"} <= standard
    assert record["prs_Gender"] == "Feminine"
    assert record["prs_Citizenship"] == "UZ"
    assert record["vic_TypeOfExploitation"] == "ForcedLabour"
    assert record["cas_Status"] == "Closed"
    assert record["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"
    assert record["cas_ReasonForCaseClosure"].startswith("'=")  # never a live formula
    assert list(header) == list(FIELDS)
    assert "Tursunova" not in str(rows)


def test_xlsx_export_cells_are_text_not_formulas(supervisor: Any) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(supervisor.get("/en/monitoring/cases.xlsx").content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_exports_are_for_supervisors(client: Any, make_user: Any) -> None:
    client.force_login(make_user(username="fw", role=Role.FRONTLINE_WORKER, organisation="ORG01"))
    assert client.get("/en/monitoring/cases.csv").status_code == 403


def coordinator(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01"))
    return client


def test_indicator_import_csv(client: Any, make_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = coordinator(client, make_user)
    year = timezone.localdate().year
    good = f"year,region,sector,quota,attracted,source,published\n{year},KZ-75,construction,1000,730,Labour Ministry,yes\n{year},KZ-71,agriculture,200,260,akimat,no\n"
    c.post("/en/monitoring/indicators/", {"file": SimpleUploadedFile("q.csv", good.encode())})
    assert MigrationIndicator.objects.count() == 2
    assert MigrationIndicator.objects.get(region__code="KZ-71").attracted == 260
    bad = f"year,region,sector,quota,attracted,source,published\n{year},KZ-75,mining,10,5,x,no\n{year},KZ-99,mining,ten,5,x,no\n"
    response = c.post(
        "/en/monitoring/indicators/",
        {"file": SimpleUploadedFile("q.csv", bad.encode())},
        follow=True,
    )
    assert "row 3" in response.content.decode()
    assert MigrationIndicator.objects.count() == 2  # all or nothing


def test_indicator_import_xlsx_and_wrong_files(client: Any, make_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    c = coordinator(client, make_user)
    book = Workbook()
    book.active.append(["year", "region", "sector", "quota", "attracted", "source", "published"])
    book.active.append([2026, "KZ-47", "oil", 500, 400, "Labour Ministry", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    c.post("/en/monitoring/indicators/", {"file": SimpleUploadedFile("q.xlsx", buffer.getvalue())})
    assert MigrationIndicator.objects.filter(region__code="KZ-47").exists()
    for name, content in (
        ("q.xlsx", b"not a workbook"),
        ("q.txt", b"x"),
        ("q.csv", b"\xff\xfe bad"),
    ):
        response = c.post(
            "/en/monitoring/indicators/", {"file": SimpleUploadedFile(name, content)}, follow=True
        )
        assert response.status_code == 200
    assert MigrationIndicator.objects.count() == 1
