"""CSV and XLSX output that a spreadsheet will never run as a formula (CSV/formula injection)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

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
    from openpyxl import Workbook

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
