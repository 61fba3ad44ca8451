"""Writes of the monitoring registry: activities, labour-migration indicators (form or file).

A file of indicators is imported through ``core.importjobs``, the mechanism of the case-register
import: checked at once (limits first, then every row, problems by row and column), stored
encrypted, imported all or nothing by the ``monitoring.import_indicators`` task, and the stored
file deleted whatever the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.cases.selectors import as_uuid
from qorgan.core import audit, importjobs
from qorgan.core.audit_actions import AuditAction
from qorgan.core.crypto import fernet
from qorgan.core.i18n import active_language, one_of
from qorgan.core.importjobs import Problem, Refused, check_size
from qorgan.core.spreadsheet import read_rows, to_csv, to_xlsx
from qorgan.core.tasks import enqueue
from qorgan.directory.models import Duty, Region

from . import reports
from .models import (
    KIND_DIRECTION,
    ExportJob,
    IndicatorImport,
    MigrationIndicator,
    PreventionActivity,
)
from .statistics import Period, national_statistics

IMPORT_COLUMNS = ("year", "region", "sector", "quota", "attracted", "source", "published")
MAX_IMPORT_ROWS = 5000
MAX_FIGURE = 100_000_000  # a quota or a number of workers: more is a typing mistake
MAX_PROBLEMS = 200  # listed on the page; the count of the others is said
INDICATOR_TASK = "monitoring.import_indicators"
YES = {"1", "true", "yes", "да", "иә", "ия"}


@transaction.atomic
def record_activity(*, user: User, data: dict[str, Any]) -> PreventionActivity:
    if not allowed("prevention.record", user) or user.organisation is None:
        raise PermissionDenied(_("your role does not record prevention work"))
    duties = list(
        Duty.objects.filter(
            pk__in=[int(d) for d in data.get("duties", [])], kind=user.organisation.kind
        )
    )
    region = Region.objects.filter(code=data["region"]).first() if data.get("region") else None
    activity = PreventionActivity.objects.create(
        organisation=user.organisation,
        kind=data["kind"],
        direction=KIND_DIRECTION[data["kind"]],
        title=data["title"],
        held_on=data["held_on"],
        region=region,
        target_groups=list(data.get("target_groups") or []),
        reach=data.get("reach") or 0,
        hours=data.get("hours"),
        trainer=data.get("trainer") or "",
        participants_by_body=data.get("participants") or {},
        partners=data.get("partners") or "",
        outcome=data.get("outcome") or "",
        recorded_by=user,
    )
    activity.duties.set(duties)
    return activity


@transaction.atomic
def save_indicator(*, user: User, data: dict[str, Any]) -> MigrationIndicator:
    if not allowed("migration.record", user):
        raise PermissionDenied(_("only coordinators record labour-migration indicators"))
    region = Region.objects.filter(code=data["region"]).first()
    if region is None:
        raise ValidationError({"region": [_("unknown region")]})
    indicator, _created = MigrationIndicator.objects.update_or_create(
        year=data["year"],
        region=region,
        sector=data["sector"],
        defaults={
            "quota": data["quota"],
            "attracted": data["attracted"],
            "source": data["source"],
            "published": bool(data.get("published")),
            "recorded_by": user,
        },
    )
    return indicator


def may_import_indicators(user: Any) -> bool:
    return bool(allowed("migration.record", user))


def _whole(value: str) -> int | None:
    """A cell as a whole number (``1 000`` and ``1000.0`` too), or None."""
    try:
        number = Decimal(value.replace(" ", "").replace("\xa0", ""))
    except ArithmeticError:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    if abs(number) > MAX_FIGURE * 100:
        return None
    return int(number)


def _check_rows(name: str, content: bytes) -> tuple[list[dict[str, Any]], int, list[Problem]]:
    """The file's rows cleaned, how many rows there are, and each problem by row and column in
    the active language. A file over the limits raises ``SpreadsheetLimitError`` at once: the
    bytes before anything reads it, an XLSX's size and declared rows before it is parsed, the
    rows while streaming (``core.spreadsheet.read_rows``)."""
    check_size(len(content))
    rows = read_rows(name, content, max_rows=MAX_IMPORT_ROWS)
    first = next(rows, None)
    if first is None:
        return [], 0, [Problem(1, "", _("the file is empty"))]
    header = [title.strip().lower() for title in first]
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        message = _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}
        return [], 0, [Problem(1, "", message)]
    titles = {column: first[header.index(column)] for column in IMPORT_COLUMNS}
    position = {first[index]: index for index in range(len(first))}  # problems in file order
    largest = number_format(MAX_FIGURE, force_grouping=True)
    regions = set(Region.objects.values_list("code", flat=True))
    last_year = timezone.localdate().year + 1
    cleaned: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str, str], int] = {}
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        count += 1
        row = dict.fromkeys(IMPORT_COLUMNS, "") | dict(zip(header, cells, strict=False))
        found: list[Problem] = []
        year = _whole(row["year"])
        if year is None or not 2000 <= year <= last_year:
            message = _("a year from 2000 to %(year)s") % {"year": last_year}
            found.append(Problem(number, titles["year"], message))
        figures = {}
        for column in ("quota", "attracted"):
            figures[column] = _whole(row[column])
            if figures[column] is None or not 0 <= (figures[column] or 0) <= MAX_FIGURE:
                message = _("a whole number from 0 to %(max)s") % {"max": largest}
                found.append(Problem(number, titles[column], message))
        region = row["region"].strip().upper()
        if region not in regions:
            message = _("unknown region: write its code, for example KZ-75")
            found.append(Problem(number, titles["region"], message))
        for column in ("sector", "source"):
            if not row[column].strip():
                found.append(Problem(number, titles[column], _("this column must be filled in")))
        sector = row["sector"].strip()[:100]
        if not found and year is not None:
            earlier = seen.setdefault((year, region, sector.lower()), number)
            if earlier != number:
                message = _("the same year, region and sector as row %(row)s") % {"row": earlier}
                found.append(Problem(number, "", message))
        if found:
            problems += sorted(found, key=lambda p: position.get(p.column, len(position)))
            continue
        cleaned.append(
            {
                "year": year,
                "region": region,
                "sector": sector,
                "quota": figures["quota"],
                "attracted": figures["attracted"],
                "source": row["source"].strip()[:300],
                "published": row["published"].strip().lower() in YES,
            }
        )
    if not count and not problems:
        problems.append(Problem(1, "", _("the file has no rows under the header")))
    return cleaned, count, problems


def check_indicators(*, user: User, name: str, content: bytes) -> IndicatorImport:
    """The dry run: every row checked, nothing saved; a file without problems is kept encrypted
    for the import. Raises ``SpreadsheetLimitError`` at once for a file over the limits."""
    if not may_import_indicators(user):
        raise PermissionDenied(_("only coordinators record labour-migration indicators"))
    importjobs.discard_unconfirmed(IndicatorImport)
    _cleaned, count, problems = _check_rows(name, content)
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        more = _("and %(n)s more problems") % {"n": len(problems) - MAX_PROBLEMS}
        shown.append(Problem(0, "", more))
    job = IndicatorImport.objects.create(
        requested_by=user,
        file_name=name[-200:],
        rows=count,
        problems=importjobs.problems_of(shown),
    )
    if not problems:
        importjobs.keep(job, content, folder="indicator-imports")
    audit.record(
        actor=user,
        action=AuditAction.INDICATORS_IMPORT_CHECK,
        object_type="monitoring.IndicatorImport",
        object_id=job.pk,
        detail={"rows": count, "problems": len(problems)},
    )
    return job


def indicator_import_for(user: Any, job_id: Any) -> IndicatorImport | None:
    """A job of the user's own (a coordinator who may still import), or None."""
    pk = as_uuid(job_id)
    if pk is None or not may_import_indicators(user):
        return None
    return IndicatorImport.objects.filter(pk=pk, requested_by_id=user.pk).first()


def confirm_indicators(*, user: User, job: IndicatorImport) -> IndicatorImport:
    """Queue the import of a checked file: the ``monitoring.import_indicators`` task runs it."""
    if not may_import_indicators(user) or job.requested_by_id != user.pk:
        raise PermissionDenied(_("only coordinators record labour-migration indicators"))
    return importjobs.queue(job, task=INDICATOR_TASK)


def _import_indicators(job: IndicatorImport, content: bytes) -> None:
    """All rows or none (inside the task's transaction), checked again, audited."""
    user = job.requested_by
    if not may_import_indicators(user):
        raise Refused([Problem(0, "", _("only coordinators record labour-migration indicators"))])
    cleaned, _count, problems = _check_rows(job.file_name, content)
    if problems:
        raise Refused(problems[:MAX_PROBLEMS])
    for data in cleaned:
        save_indicator(user=user, data=data)
    audit.record(
        actor=user,
        action=AuditAction.INDICATORS_IMPORT,
        object_type="monitoring.IndicatorImport",
        object_id=job.pk,
        detail={"rows": len(cleaned)},
    )
    job.imported = len(cleaned)


def run_indicator_import(job_id: str, language: str = "") -> None:
    """The task: all rows or none; the stored file is deleted whatever the result."""
    importjobs.run(IndicatorImport, job_id, language, _import_indicators)


@dataclass(frozen=True)
class ExportKind:
    """Who may ask for a kind of file, its formats, and the audit action of its building."""

    rule: str
    formats: dict[str, str]  # format -> content type
    action: str
    denied: str | Promise


CSV = reports.FORMATS["csv"]
EXPORT_KINDS: dict[str, ExportKind] = {
    ExportJob.Kind.CASES: ExportKind(
        rule="cases.export",
        formats={"csv": CSV, "xlsx": reports.FORMATS["xlsx"]},
        action="cases_export",
        denied=gettext_lazy("only supervisors export cases"),
    ),
    ExportJob.Kind.REPORT: ExportKind(
        rule="stats.view",
        formats=reports.FORMATS,
        action="report_export",
        denied=gettext_lazy("your role does not see the statistics"),
    ),
    ExportJob.Kind.OPEN_DATA: ExportKind(
        rule="opendata.release",
        formats={"k_anonymous": CSV, "synthetic": CSV, "synthetic_fidelity": CSV},
        action="open_data_release",
        denied=gettext_lazy("only coordinators release open data"),
    ),
    # HTCDS 2.0: the case file and the Historic Trafficking Events file (monitoring/exports.py).
    ExportJob.Kind.HTCDS: ExportKind(
        rule="htcds.export",
        formats={"cases": CSV, "events": CSV},
        action="htcds_export",
        denied=gettext_lazy("only supervisors and coordinators export HTCDS 2.0"),
    ),
}
EXPORT_TTL = timedelta(hours=24)


def statistics_region(user: Any) -> str:
    """The region a user's statistics are fixed to: a coordinator of a local executive body
    (the secretariat of a regional commission) sees their organisation's region only, by
    default and in every page, report and file; other users may choose (issue 14 §1)."""

    organisation = getattr(user, "organisation", None)
    if (
        getattr(user, "role", None) == Role.COORDINATOR
        and organisation is not None
        and organisation.kind.code == "local_executive_body"
        and organisation.region_id
    ):
        return str(organisation.region.code)
    return ""


def request_export(
    *,
    user: User,
    kind: str,
    fmt: str,
    period: Period | None = None,
    region: str = "",
) -> ExportJob:
    """Queue a file for the user: the cases they may see (``kind="cases"``), the report for the
    commissions or an open-data release for ``period`` (and ``region``), in the active language.
    The ``monitoring.build_export`` task builds it once this transaction commits."""

    spec = EXPORT_KINDS.get(kind)
    if spec is None:
        raise ValidationError({"kind": [one_of(EXPORT_KINDS)]})
    if not allowed(spec.rule, user):
        raise PermissionDenied(spec.denied)
    if fmt not in spec.formats:
        raise ValidationError({"fmt": [one_of(spec.formats)]})
    if region and not Region.objects.filter(code=region).exists():
        raise ValidationError({"region": [_("unknown region")]})
    params: dict[str, str] = {"language": active_language()}
    if kind not in (ExportJob.Kind.CASES, ExportJob.Kind.HTCDS):
        region = statistics_region(user) or region
        period = period or Period.year_to_date(timezone.localdate())
        params |= {"start": str(period.start), "end": str(period.end), "region": region}
    if kind == ExportJob.Kind.OPEN_DATA and period is not None:
        from . import exports  # noqa: PLC0415 - cycle: monitoring.exports imports services

        # National by design (macro-regions inside), on the grid of ended quarters.
        params["region"] = ""
        exports.check_release(period, fmt, timezone.localdate())  # refused now, with the reason
    purge_expired_exports()
    job = ExportJob.objects.create(requested_by=user, kind=kind, fmt=fmt, params=params)
    enqueue("monitoring.build_export", job_id=str(job.pk))
    return job


def _job_period(job: ExportJob) -> Period:
    return Period(date.fromisoformat(job.params["start"]), date.fromisoformat(job.params["end"]))


def _build(job: ExportJob) -> tuple[bytes, int]:
    """The file's bytes and its number of rows, with the requester's own scope."""

    from . import exports  # noqa: PLC0415 - cycle: monitoring.exports imports services

    if job.kind == ExportJob.Kind.CASES:
        header, rows = exports.case_rows(job.requested_by)
        body = to_xlsx([("cases", header, rows)]) if job.fmt == "xlsx" else to_csv(header, rows)
        return body, len(rows)
    if job.kind == ExportJob.Kind.HTCDS:
        build = exports.htcds_cases if job.fmt == "cases" else exports.htcds_events
        header, rows = build(job.requested_by)
        return to_csv(header, rows), len(rows)
    period = _job_period(job)
    if job.kind == ExportJob.Kind.OPEN_DATA:
        header, rows = exports.open_data_file(
            job.requested_by, period, job.fmt, job.requested_at.date()
        )
        return to_csv(header, rows), len(rows)
    stats = national_statistics(period, job.params.get("region") or None)
    reports.label(stats)
    return reports.render(stats, period, job.fmt), sum(
        len(stats[n].cells) for n in reports.SECTIONS
    )


def build_export(job_id: str) -> None:
    """Build the file in the language it was asked in, encrypt it, store it; audited."""

    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status != ExportJob.Status.PENDING:
        return
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            body, job.rows = _build(job)
        job.blob = default_storage.save(f"exports/{job.pk}", ContentFile(fernet().encrypt(body)))
        job.status = ExportJob.Status.READY
    except Exception:
        job.status = ExportJob.Status.FAILED
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(update_fields=["blob", "rows", "status", "finished_at"])
    detail: dict[str, Any] = {"format": job.fmt, "rows": job.rows, "job": str(job.pk)}
    if job.kind not in (ExportJob.Kind.CASES, ExportJob.Kind.HTCDS):
        detail |= {k: job.params.get(k, "") for k in ("start", "end", "region")}
    audit.record(
        actor=job.requested_by,
        action=EXPORT_KINDS[job.kind].action,
        object_type="cases.Case"
        if job.kind in (ExportJob.Kind.CASES, ExportJob.Kind.HTCDS)
        else "monitoring.Statistics",
        detail=detail,
    )


def export_filename(job: ExportJob) -> str:
    if job.kind == ExportJob.Kind.CASES:
        return {"csv": "qorgan-cases.csv", "xlsx": "qorgan-cases.xlsx"}[job.fmt]
    if job.kind == ExportJob.Kind.HTCDS:
        return f"qorgan-htcds-2.0-{job.fmt}.csv"
    if job.kind == ExportJob.Kind.OPEN_DATA:
        from .exports import release_quarters  # noqa: PLC0415 - cycle: monitoring.exports imports services

        quarters = release_quarters(_job_period(job), job.requested_at.date())
        return f"qorgan-open-data-{job.fmt}-{quarters[0]}-{quarters[-1]}.csv"
    return f"qorgan-report-{job.params['start']}-{job.params['end']}.{job.fmt}"


def read_export(*, user: User, job: ExportJob) -> tuple[str, str, bytes]:
    """The file of a ready job, for its requester only (who must still hold the right to ask
    for it); the download is audited."""

    spec = EXPORT_KINDS[job.kind]
    if job.requested_by_id != user.pk or not allowed(spec.rule, user):
        raise PermissionDenied(_("only the person who asked for this file may download it"))
    if job.requested_at < timezone.now() - EXPORT_TTL:
        raise ValidationError(_("this file has expired; ask for a new one"))
    if job.status != ExportJob.Status.READY or not job.blob:
        raise ValidationError(_("this file is not ready"))
    with default_storage.open(job.blob, "rb") as handle:
        body = fernet().decrypt(handle.read())
    audit.record(
        actor=user,
        action=f"{spec.action}_download",
        object_type="monitoring.ExportJob",
        object_id=job.pk,
        detail={"kind": job.kind, "format": job.fmt, "rows": job.rows},
    )
    return export_filename(job), spec.formats[job.fmt], body


def purge_expired_exports(*, now: datetime | None = None) -> int:
    """Delete exports older than ``EXPORT_TTL``, their files first; returns how many."""

    cutoff = (now or timezone.now()) - EXPORT_TTL
    expired = list(ExportJob.objects.filter(requested_at__lt=cutoff))
    for job in expired:
        if job.blob:
            default_storage.delete(job.blob)
        job.delete()
    return len(expired)


def _statistics_key(period: Period, region: str | None) -> str:
    return f"qorgan:statistics:{period.start}:{period.end}:{region or '*'}"


def refresh_statistics(*, today: date | None = None) -> int:
    """Compute the dashboard's default period (1 January to today), national and for every
    region, and keep it in the cache for ``STATISTICS_CACHE_SECONDS``; returns how many sets."""
    period = Period.year_to_date(today or timezone.localdate())
    regions: list[str | None] = [None, *Region.objects.values_list("code", flat=True)]
    for region in regions:
        cache.set(
            _statistics_key(period, region),
            {"stats": national_statistics(period, region), "at": timezone.now()},
            settings.STATISTICS_CACHE_SECONDS,
        )
    return len(regions)


def statistics_for(period: Period, region: str | None) -> tuple[dict[str, Any], datetime | None]:
    """The figures for a period: the refreshed ones when the cache holds them (with the time
    they were computed), otherwise computed now (and None)."""
    cached = cache.get(_statistics_key(period, region))
    if cached is not None:
        return cached["stats"], cached["at"]
    return national_statistics(period, region), None
