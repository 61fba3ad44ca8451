"""The contact statistics in the commission report (monitoring.reports.render, PDF)."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from qorgan.hotline import services
from qorgan.monitoring import reports
from qorgan.monitoring.statistics import Period, national_statistics

from .conftest import CRISIS


def test_contacts_in_the_commission_report_with_small_cells_protected(
    desk: dict[str, Any], tmp_path: Path
) -> None:
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
    today = timezone.localdate()
    stats = national_statistics(Period(today - timedelta(days=400), today))
    reports.label(stats)
    pdf = reports.render(stats, stats["period"], "pdf")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(tmp_path / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    section = text[text.index("Contacts to hotlines") :]
    assert "Contacts by channel" in section and "Contacts by outcome" in section
    email = next(line for line in section.splitlines() if line.strip().startswith("E-mail"))
    assert email.split()[-1] == "<5"  # one e-mail: withheld
    tips = next(line for line in section.splitlines() if "Tip about a suspicious situation" in line)
    assert int(tips.split()[-1]) >= 5  # seven tips, published (perturbed, never under 5)
    by_type = {b.name: b for b in stats["hotline"]}["hotline_contact_type"]
    assert by_type.cells["information"].suppressed
    # A regional report counts the contacts of its region only.
    regional = national_statistics(Period(today - timedelta(days=400), today), "KZ-75")
    reports.render(regional, regional["period"], "csv")
    assert {b.name: b for b in regional["hotline"]}["hotline_region"].total.suppressed
