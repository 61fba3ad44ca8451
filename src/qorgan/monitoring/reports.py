"""The report for the interagency and regional commissions (PDF, XLSX, CSV): readable labels
for the statistics' codes and the files, in the active language. Used by the dashboard and by
the export task; nothing here depends on a request."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from qorgan.cases.models import CaseStatus, ReferralStatus, ServiceType, Sex
from qorgan.core.i18n import active_language, localized
from qorgan.core.spreadsheet import to_csv, to_xlsx
from qorgan.directory.models import Direction, SubjectKind
from qorgan.hotline.selectors import add_to_report, report_rows
from qorgan.knowledge.catalogue import default_catalogue
from qorgan.portal.models import ReportStatus
from qorgan.screening.countries import country_name

from .statistics import Breakdown, Period

SECTIONS = (
    "region",
    "trend",
    "exploitation_form",
    "sex",
    "age_group",
    "citizenship",
    "detection_source",
    "status",
    "identification",
    "referrals",
    "services",
    "reports",
    "prevention_direction",
    "prevention_region",
)

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def label(stats: dict[str, Any]) -> None:
    """Readable labels for codes, in the active language."""
    lang = active_language()
    regions = {r.code: localized(r, "name") for r in stats["region_objects"]}
    kinds = {k.code: localized(k, "name") for k in SubjectKind.objects.all()}
    directions = {d.code: localized(d, "title") for d in Direction.objects.all()}
    stats["region"].labels = regions | {"unknown": _("Not known")}
    stats["prevention_region"].labels = regions | {"unknown": _("Not known")}
    stats["exploitation_form"].labels = {
        e.code: e.text.get(lang) for e in default_catalogue().of_kind("exploitation_form")
    }
    stats["sex"].labels = dict(Sex.choices)
    stats["age_group"].labels = {"unknown": _("Not known")}
    stats["trend"].labels = {key: f"{key[5:]}.{key[:4]}" for key in stats["trend"].cells}
    stats["citizenship"].labels = {
        code: country_name(code, lang) for code in stats["citizenship"].cells if code != "other"
    } | {"other": _("Other countries")}
    stats["detection_source"].labels = kinds | {"anonymous_report": _("Anonymous report")}
    stats["status"].labels = dict(CaseStatus.choices)
    stats["identification"].labels = {
        status.value: status.label for status in (CaseStatus.IDENTIFIED, CaseStatus.NOT_IDENTIFIED)
    }
    stats["referrals"].labels = {"made": _("Made"), "accepted": _("Accepted")} | {
        k: str(v) for k, v in ReferralStatus.choices if k in ("declined", "completed")
    }
    stats["services"].labels = dict(ServiceType.choices)
    stats["reports"].labels = dict(ReportStatus.choices)
    stats["prevention_direction"].labels = directions


def legend(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """What the withheld cells and the numbers mean: in every file, as on the page."""
    threshold = stats["threshold"]
    period = stats["period"]
    return [
        (
            f"<{threshold}",
            _(
                "fewer than %(threshold)s persons (zero included): withheld so that nobody can be recognised."
            )
            % {"threshold": threshold},
        ),
        (
            _("hidden"),
            _(
                "withheld to protect another withheld number, which could otherwise be worked out from the total."
            ),
        ),
        (
            _("Period"),
            f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}"
            if period.start <= period.end
            else "—",
        ),
        (
            "±3",
            _(
                "Counts of persons are published with a small noise (at most ±3), the same every time the same table is asked for, so that comparing two tables does not single anybody out; totals get their own noise and may differ slightly from the sum of their rows."
            ),
        ),
    ]


def section_title(name: str) -> str:
    """A section's heading in the active language, the same as on the page and in the PDF."""
    return render_to_string("monitoring/_title.html", {"name": name}).strip()


def table_rows(stats: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(breakdown, category, number) for every section, each cell as its one display (a
    number in the language's format, "<5" or "hidden"), the breakdown as its heading in the
    PDF; then the hotlines' contacts (``hotline.selectors.report_rows``: the same cells as
    the PDF's section, with each breakdown's total); the legend after them."""
    rows = []
    for name in SECTIONS:
        breakdown: Breakdown = stats[name]
        title = section_title(name)
        for _key, text, cell in breakdown.rows():
            rows.append((title, text, cell.display()))
    if "hotline" not in stats:
        add_to_report(stats)  # the contacts of the report's period, region and threshold
    rows.extend(report_rows(stats))
    for sign, meaning in legend(stats):
        rows.append((str(_("Legend")), str(sign), str(meaning)))
    return rows


def render(stats: dict[str, Any], period: Period, fmt: str) -> bytes:
    """The labelled statistics as a file in ``fmt`` (one of ``FORMATS``)."""
    add_to_report(stats)  # the hotlines' contacts (docs/hotline.md)
    if fmt == "xlsx":
        return to_xlsx(
            [
                (
                    str(_("Statistics")),
                    [str(_("Breakdown")), str(_("Category")), str(_("Number"))],
                    table_rows(stats),
                )
            ]
        )
    if fmt == "csv":
        return to_csv(
            [str(_("Breakdown")), str(_("Category")), str(_("Number"))], table_rows(stats)
        )
    if fmt == "pdf":
        from weasyprint import HTML  # noqa: PLC0415 - heavy: WeasyPrint (Pango, ~1.5 s) loads only for the PDF

        html = render_to_string(
            "monitoring/report_pdf.html",
            {
                "stats": stats,
                "sections": [(n, stats[n]) for n in SECTIONS],
                "period": stats["period"],
                "legend": legend(stats),
                "current_language": active_language(),
            },
        )
        return bytes(HTML(string=html).write_pdf())
    raise ValueError(fmt)
