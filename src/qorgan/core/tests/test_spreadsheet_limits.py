"""Spreadsheet imports are read streaming with the limits checked first (issue 16, finding 7):
a small XLSX holding a million rows is refused before it is parsed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.utils import translation

from qorgan.core import spreadsheet
from qorgan.core.spreadsheet import SpreadsheetLimitError, read_rows

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def workbook(rows: int, declared: int | None = None) -> bytes:
    """A minimal XLSX written by hand: ``rows`` rows of one cell, ``declared`` in its dimension."""
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(1, rows + 1)
    )
    dimension = f'<dimension ref="A1:A{declared}"/>' if declared else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{body}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def test_a_million_rows_in_a_small_file_are_refused_before_parsing(monkeypatch: Any) -> None:
    content = workbook(1_000_000, declared=1_000_000)
    assert len(content) < 5 * 1024 * 1024  # small on the wire

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    with pytest.raises(SpreadsheetLimitError, match="too large"):
        next(read_rows("big.xlsx", content, max_rows=5000))


def test_a_declared_dimension_over_the_limit_is_refused_before_reading_rows() -> None:
    with pytest.raises(SpreadsheetLimitError, match="at most 10 rows"):
        next(read_rows("claims.xlsx", workbook(3, declared=5000), max_rows=10))


def test_rows_over_the_limit_stop_the_reading_at_the_first_one_over() -> None:
    content = workbook(50)  # no dimension: only counting can tell
    rows = read_rows("rows.xlsx", content, max_rows=10)
    read = 0
    with pytest.raises(SpreadsheetLimitError, match="at most 10 rows"):
        for _row in rows:
            read += 1
    assert read == 11  # the header and ten rows; the twelfth row was never yielded


def test_csv_is_read_streaming_with_the_same_limit() -> None:
    content = ("year,region\n" + "2025,KZ-75\n" * 100).encode()
    rows = list(read_rows("ok.csv", content, max_rows=100))
    assert rows[0] == ["year", "region"] and len(rows) == 101
    with pytest.raises(SpreadsheetLimitError, match="at most 99 rows"):
        list(read_rows("long.csv", content, max_rows=99))
    with pytest.raises(SpreadsheetLimitError, match="UTF-8"):
        list(read_rows("latin.csv", "year\nÅr".encode("latin-1"), max_rows=10))
    with pytest.raises(SpreadsheetLimitError, match=r"only \.csv and \.xlsx"):
        list(read_rows("file.ods", b"x", max_rows=10))
    with pytest.raises(SpreadsheetLimitError, match="readable XLSX"):
        list(read_rows("broken.xlsx", b"PK\x03\x04 not a zip", max_rows=10))


@pytest.mark.django_db
def test_the_indicator_import_refuses_the_million_row_file_and_keeps_what_was_stored(
    make_user: Any,
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.monitoring.models import IndicatorImport, MigrationIndicator
    from qorgan.monitoring.services import check_indicators

    coordinator = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    before = MigrationIndicator.objects.count()
    with pytest.raises(SpreadsheetLimitError, match="too large"):
        check_indicators(
            user=coordinator, name="big.xlsx", content=workbook(1_000_000, declared=1_000_000)
        )
    assert MigrationIndicator.objects.count() == before
    assert IndicatorImport.objects.count() == 0  # refused before a job or a stored file
    assert spreadsheet.MAX_SHEET_XML_BYTES == 50 * 1024 * 1024
