"""CSV and XLSX output that a spreadsheet will never run as a formula (CSV/formula injection)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Where a spreadsheet may cut one cell into several when it opens a CSV: the comma, the
# semicolon (the list separator of Excel in Kazakh and Russian locales), tab, the pipe and
# space that LibreOffice's import offers, and line breaks. A formula start right after one of
# them or at the start would begin a cell of its own; double quotes and spaces may stand
# between (a piece ``"=1+1"`` is read as a quoted cell holding a formula), while an apostrophe
# already makes the piece text.
_SEPARATED_FORMULA = re.compile(
    '(^|[,;\t|\r\n ])([" ]*)([' + re.escape("".join(FORMULA_PREFIXES)) + "])"
)


def spreadsheet_safe(value: Any) -> Any:
    """Text that starts like a formula, or has a formula start after any separator a
    spreadsheet may split on (``;=1+1``), gets an apostrophe before it; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    while True:  # again until nothing changes: a tab is both a separator and a formula start
        guarded = _SEPARATED_FORMULA.sub(r"\1\2'\3", text)
        if guarded == text:
            return text
        text = guarded


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([spreadsheet_safe(h) for h in header])
        for row in rows:
            sheet.append([spreadsheet_safe(v) for v in row])
        # Text cells stay text: openpyxl writes a string starting with '=' as a formula otherwise.
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class SpreadsheetLimitError(ValueError):
    """The file is refused; the message names the limit it is over (or why it is unreadable)."""


# An XLSX is a zip of XML: its sheets are checked uncompressed before any parsing, so that a
# small file holding a million rows (or a zip bomb) is refused at once, not after minutes.
MAX_SHEET_XML_BYTES = 50 * 1024 * 1024


def read_rows(
    name: str,
    content: bytes,
    *,
    max_rows: int,
    max_sheet_bytes: int = MAX_SHEET_XML_BYTES,
) -> Iterator[list[str]]:
    """The rows of a CSV (UTF-8) or XLSX file as stripped text, the header first, streaming.

    Limits are checked first where the file states them (an XLSX's uncompressed sheet size and
    its declared dimension) and again while reading: more than ``max_rows`` rows after the
    header raises ``SpreadsheetLimitError`` at the first row over, never after reading all."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows: Iterator[list[str]] = _xlsx_rows(content, max_rows, max_sheet_bytes)
    elif lower.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise SpreadsheetLimitError(_("only .csv and .xlsx files are read"))
    for index, row in enumerate(rows):
        if index > max_rows:
            raise SpreadsheetLimitError(_("at most %(n)s rows") % {"n": max_rows})
        yield row


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", newline="")
    try:
        for row in csv.reader(stream):
            yield [cell.strip() for cell in row]
    except UnicodeDecodeError:
        raise SpreadsheetLimitError(_("the CSV file must be UTF-8 text")) from None
    except csv.Error as exc:
        raise SpreadsheetLimitError(
            _("the CSV file cannot be read: %(error)s") % {"error": exc}
        ) from None


def _xlsx_rows(content: bytes, max_rows: int, max_sheet_bytes: int) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
            if sum(i.file_size for i in sheets) > max_sheet_bytes:
                raise SpreadsheetLimitError(
                    _("the workbook is too large: more than %(mb)s MB of sheet data")
                    % {"mb": max_sheet_bytes // (1024 * 1024)}
                )
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except SpreadsheetLimitError:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds for a broken file
        raise SpreadsheetLimitError(_("the file is not a readable XLSX workbook")) from None
    declared = getattr(sheet, "max_row", None)
    if isinstance(declared, int) and declared - 1 > max_rows:
        raise SpreadsheetLimitError(_("at most %(n)s rows") % {"n": max_rows})
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [("" if cell is None else str(cell)).strip() for cell in row]
    except SpreadsheetLimitError:
        raise
    except Exception:
        raise SpreadsheetLimitError(_("the file is not a readable XLSX workbook")) from None
