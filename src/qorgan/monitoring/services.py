"""Writes of the monitoring registry: activities, labour-migration indicators (form or file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.i18n import active_language, one_of
from qorgan.core.spreadsheet import SpreadsheetLimitError, read_rows
from qorgan.directory.models import Duty, Region

from . import reports
from .models import KIND_DIRECTION, ExportJob, MigrationIndicator, PreventionActivity
from .statistics import Period, national_statistics

IMPORT_COLUMNS = ("year", "region", "sector", "quota", "attracted", "source", "published")
MAX_IMPORT_ROWS = 5000


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


def _rows_from_file(name: str, content: bytes) -> list[dict[str, Any]]:
    """The rows of the file, read streaming: a file over the limits is refused at once
    (``core.spreadsheet.read_rows``), never after it has been read whole."""
    rows = read_rows(name, content, max_rows=MAX_IMPORT_ROWS)
    try:
        first = next(rows, None)
        if first is None:
            raise ValidationError({"file": [_("the file is empty")]})
        header = [h.lower() for h in first]
        missing = [c for c in IMPORT_COLUMNS if c not in header]
        if missing:
            raise ValidationError(
                {"file": [_("missing columns: %(columns)s") % {"columns": ", ".join(missing)}]}
            )
        return [dict(zip(header, row, strict=False)) for row in rows if any(row)]
    except SpreadsheetLimitError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


@transaction.atomic
def import_indicators(*, user: User, name: str, content: bytes) -> int:
    """All rows or none: a file with one bad row changes nothing and names the row."""
    if not allowed("migration.record", user):
        raise PermissionDenied(_("only coordinators record labour-migration indicators"))
    rows = _rows_from_file(name, content)
    errors = []
    cleaned = []
    for number, row in enumerate(rows, start=2):
        try:
            year = int(Decimal(row["year"]))
            quota = int(Decimal(row["quota"]))
            attracted = int(Decimal(row["attracted"]))
        except (ArithmeticError, ValueError):
            errors.append(
                _("row %(n)s: year, quota and attracted must be whole numbers") % {"n": number}
            )
            continue
        region = row["region"].upper()
        if not Region.objects.filter(code=region).exists():
            errors.append(
                _("row %(n)s: unknown region %(code)s") % {"n": number, "code": region[:10]}
            )
            continue
        if (
            not (2000 <= year <= date.today().year + 1)
            or quota < 0
            or attracted < 0
            or not row["sector"]
            or not row["source"]
        ):
            errors.append(
                _("row %(n)s: check the year, the numbers, the sector and the source")
                % {"n": number}
            )
            continue
        published = row["published"].strip().lower() in {"1", "true", "yes", "да", "иә"}
        cleaned.append(
            {
                "year": year,
                "region": region,
                "sector": row["sector"][:100],
                "quota": quota,
                "attracted": attracted,
                "source": row["source"][:300],
                "published": published,
            }
        )
    if errors:
        raise ValidationError({"file": errors[:20]})
    for data in cleaned:
        save_indicator(user=user, data=data)
    audit.record(
        actor=user,
        action="indicators_import",
        object_type="monitoring.MigrationIndicator",
        detail={"rows": len(cleaned)},
    )
    return len(cleaned)


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
    from qorgan.accounts.roles import Role

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
    from qorgan.core.tasks import enqueue

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
        from . import exports

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
    from qorgan.core.spreadsheet import to_csv, to_xlsx

    from . import exports

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
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from qorgan.core.crypto import fernet

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
        from .exports import release_quarters

        quarters = release_quarters(_job_period(job), job.requested_at.date())
        return f"qorgan-open-data-{job.fmt}-{quarters[0]}-{quarters[-1]}.csv"
    return f"qorgan-report-{job.params['start']}-{job.params['end']}.{job.fmt}"


def read_export(*, user: User, job: ExportJob) -> tuple[str, str, bytes]:
    """The file of a ready job, for its requester only (who must still hold the right to ask
    for it); the download is audited."""
    from django.core.files.storage import default_storage

    from qorgan.core.crypto import fernet

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
    from django.core.files.storage import default_storage

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
