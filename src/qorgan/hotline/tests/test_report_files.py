"""The contact statistics in the commission report's CSV and XLSX (monitoring.reports.table_rows):
the same protected cells as the PDF's section, labelled in the report's language, every cell
through the spreadsheet formula guard."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from openpyxl import load_workbook

from qorgan.directory.models import Region
from qorgan.hotline import services
from qorgan.hotline.models import LANGUAGES, CallerRelation, Channel, ContactType, Outcome
from qorgan.monitoring import reports
from qorgan.monitoring.statistics import Period, national_statistics

from .conftest import CRISIS

CODES = {
    *Channel.values,
    *ContactType.values,
    *CallerRelation.values,
    *Outcome.values,
    *(code for code, _label in LANGUAGES),
}


def _contacts(desk: dict[str, Any]) -> None:
    when = timezone.now() - timedelta(days=45)  # in a whole month that has ended
    for _index in range(7):
        services.log_contact(
            user=desk["operator"],
            hotline=desk["hotline"],
            data={**CRISIS, "contact_type": "tip", "received_at": when},
        )
    services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "contact_type": "information", "channel": "email", "received_at": when},
    )


def _pdf_number(text: str, label: str) -> str:
    line = next(line for line in text.splitlines() if line.strip().startswith(label))
    return line.split()[-1]


def test_csv_and_xlsx_carry_the_contacts_as_the_pdf_in_the_users_language(
    desk: dict[str, Any], tmp_path: Path
) -> None:
    _contacts(desk)
    # A region's name that a spreadsheet would run as a formula: guarded in both files.
    Region.objects.filter(code="KZ-71").update(name_ru="=HYPERLINK(1)")
    codes = CODES | set(Region.objects.values_list("code", flat=True))
    today = timezone.localdate()
    with translation.override("ru"):
        stats = national_statistics(Period(today - timedelta(days=400), today))
        reports.label(stats)
        csv_body = reports.render(stats, stats["period"], "csv").decode("utf-8-sig")
        xlsx_body = reports.render(stats, stats["period"], "xlsx")
        pdf = reports.render(stats, stats["period"], "pdf")
    rows = list(csv.reader(io.StringIO(csv_body)))
    hotline = [r for r in rows if r[0].startswith("Обращения по")]
    titles = {
        "Обращения по каналам",
        "Обращения по типам",
        "Обращения по регионам",
        "Обращения по месяцам",
    }
    assert titles <= {r[0] for r in hotline}
    # Labels, never codes: the breakdown is its Russian heading, the category its label.
    assert not [r for r in rows if r[0].startswith("hotline_") or r[1] in codes], rows
    by = {(r[0], r[1]): r[2] for r in hotline}
    assert by[("Обращения по каналам", "Электронная почта")] == "<5"  # one e-mail: withheld
    tips = by[("Обращения по типам", "Сообщение о подозрительной ситуации")]
    assert int(tips) >= 5  # seven tips: published, perturbed, never under the threshold
    assert by[("Обращения по типам", "Просит информацию")] == "<5"
    # Each breakdown ends with its total, as in the PDF; months as mm.yyyy.
    assert [r[1] for r in hotline if r[0] == "Обращения по каналам"][-1] == "Всего"
    month = f"{(timezone.now() - timedelta(days=45)):%m.%Y}"
    assert int(by[("Обращения по месяцам", month)]) >= 5
    # The formula guard: the region's name starts with an apostrophe.
    assert ("Обращения по регионам", "'=HYPERLINK(1)") in by
    # Exactly the cells of the PDF's section, and of the statistics behind it.
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    section = text[text.index("Обращения на горячие линии") :]
    assert _pdf_number(section, "Электронная почта") == "<5"
    assert _pdf_number(section, "Сообщение о подозрительной ситуации") == tips
    for breakdown in stats["hotline"]:
        for _key, label, cell in breakdown.rows():
            shown = f"'{label}" if label.startswith("=") else label
            assert by[(breakdown.title, shown)] == cell.display()
        assert by[(breakdown.title, "Всего")] == breakdown.total.display()
    # The XLSX has the same rows as the CSV, read back with openpyxl.
    sheet = load_workbook(io.BytesIO(xlsx_body)).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == rows[1:]
    # The cases' sections and the legend are labelled too.
    assert ("Дела по полу" in {r[0] for r in rows}) and rows[-1][0] == "Условные обозначения"


def test_a_regional_files_contacts_are_the_regions(desk: dict[str, Any]) -> None:
    _contacts(desk)  # all in Astana (KZ-71)
    today = timezone.localdate()
    with translation.override("en"):
        regional = national_statistics(Period(today - timedelta(days=400), today), "KZ-75")
        reports.label(regional)
        rows = reports.table_rows(regional)
        national = national_statistics(Period(today - timedelta(days=400), today))
        reports.label(national)
        national_rows = reports.table_rows(national)
    tips = ("Contacts by type", "Tip about a suspicious situation")
    assert {(r[0], r[1]): r[2] for r in rows}[tips] == "<5"  # Almaty: none of Astana's tips
    assert int({(r[0], r[1]): r[2] for r in national_rows}[tips]) >= 5
