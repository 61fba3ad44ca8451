"""The formula guard holds whatever separator a spreadsheet splits a CSV on (issue 16, finding 7)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgan.core.spreadsheet import FORMULA_PREFIXES, spreadsheet_safe, to_csv

SEPARATORS = [",", ";", "\t", "|", " ", "\n", "\r"]


def _cells_as_a_spreadsheet_would_cut(text: str, separator: str) -> list[str]:
    """Every piece a spreadsheet could make of the text, quotes and spaces stripped."""
    return [part.strip(" \"'") if part.strip(" \"'") else part for part in text.split(separator)]


def _dangerous(piece: str) -> bool:
    stripped = piece.lstrip(' "')
    return stripped.startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize(
    "value",
    [
        ";=1+1",
        'Aigul;=HYPERLINK("http://x")',
        'Aigul; "=1+1"',
        "a,=1",
        "a\t=1",
        "a|@SUM(A1)",
        "a\n+1",
        "a;\uff1d1+1",
        "=1+1",
        "-2+3",
    ],
)
def test_a_formula_after_any_separator_is_neutralised(value: str) -> None:
    safe = spreadsheet_safe(value)
    for separator in SEPARATORS:
        for piece in safe.split(separator):
            assert not _dangerous(piece), (value, separator, piece)


def test_plain_text_and_numbers_stay_as_they_are() -> None:
    assert spreadsheet_safe("Aigul Serikova") == "Aigul Serikova"
    assert spreadsheet_safe("Anne-Marie") == "Anne-Marie"
    assert spreadsheet_safe(-5) == -5
    assert spreadsheet_safe(2.5) == 2.5
    assert spreadsheet_safe(None) == ""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =+-@;,|\t\n\"'\uff1d1(")), max_size=30))
def test_no_piece_of_any_cell_starts_a_formula(text: str) -> None:
    """Written to CSV and read back, then cut on every separator: no piece starts a formula."""
    data = to_csv(["value"], [[text]]).decode("utf-8-sig")
    (_header, (cell,)) = list(csv.reader(io.StringIO(data)))
    for separator in SEPARATORS:
        for piece in re.split(re.escape(separator), cell):
            assert not _dangerous(piece), (text, separator, piece)
