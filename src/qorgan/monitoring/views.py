"""The coordinators' side: dashboard, duty coverage, registry, indicators, risk index, reports,
exports, open data. Every page shows aggregates with small cells suppressed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import allowed
from qorgan.core.errors import form_errors, form_labels, validation_errors
from qorgan.core.i18n import localized
from qorgan.core.importjobs import check_size, max_bytes
from qorgan.core.spreadsheet import SpreadsheetLimitError
from qorgan.directory.models import Region, SubjectKind

from . import forms, reports, risk, services
from .models import ExportJob, IndicatorImport, MigrationIndicator, PreventionActivity
from .statistics import Breakdown, Period, published_period, region_counts_for_risk
from .suppression import protect


def _require(rule: str, request: HttpRequest) -> None:
    if not allowed(rule, request.user):
        raise PermissionDenied


def _period(request: HttpRequest, data: Any = None) -> tuple[Period, str, forms.PeriodForm]:
    form = forms.PeriodForm(
        (request.GET if data is None else data) or None,
        fixed_region=services.statistics_region(request.user),
    )
    start, end, region = form.period(timezone.localdate())
    return Period(start, end), region, form


# The bar chart's geometry, in the SVG's own units (it scales to the width of the screen):
# each row is a label line above a bar whose length is proportional to the published number,
# written after the bar.
CHART_WIDTH = 360
BAR_SPACE = 280
BAR_HEIGHT = 12
ROW_HEIGHT = 38
LABEL_CHARS = 44


def _bars(breakdown: Breakdown) -> dict[str, Any]:
    values = [cell.value or 0 for cell in breakdown.cells.values()]
    top = max(values, default=0) or 1
    bars = []
    for index, (key, label, cell) in enumerate(breakdown.rows()):
        row = index * ROW_HEIGHT
        width = round(BAR_SPACE * (cell.value or 0) / top)
        bars.append(
            {
                "key": key,
                # The chart's label fits a phone's width; the table under it has it whole.
                "label": label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                "value": cell.display(),
                "label_y": row + 14,
                "x": 0,
                "y": row + 20,
                "width": width,
                "height": BAR_HEIGHT,
                "value_x": width + 6,
                "value_y": row + 20 + BAR_HEIGHT - 1,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": len(bars) * ROW_HEIGHT + 4}


def dashboard(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    period, region, form = _period(request)
    stats, computed_at = services.statistics_for(period, region or None)
    reports.label(stats)
    charted = {"region", "trend", "exploitation_form"}
    charts = [
        {
            "name": name,
            "breakdown": stats[name],
            "chart": _bars(stats[name]) if name in charted and len(stats[name].cells) > 1 else None,
        }
        for name in reports.SECTIONS
    ]
    withheld = {cell.reason for name in reports.SECTIONS for cell in stats[name].cells.values()} | {
        stats["total_cases"].reason
    }
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "form": form,
            "stats": stats,
            "charts": charts,
            "period": period,
            "computed_at": computed_at,
            "can_release": allowed("opendata.release", request.user),
            "has_small": "small" in withheld,
            "has_hidden": "hidden" in withheld,
            "fixed_region": services.statistics_region(request.user),
        },
    )


def duty_coverage(request: HttpRequest) -> HttpResponse:
    """Each subject kind's duties beside what its organisations recorded this period."""
    _require("stats.view", request)
    period, region, form = _period(request)
    activities = PreventionActivity.objects.filter(
        held_on__gte=period.start, held_on__lte=period.end
    )
    if region:
        activities = activities.filter(region__code=region)
    counts: dict[int, int] = {}
    for duty_id in activities.values_list("duties", flat=True):
        if duty_id:
            counts[duty_id] = counts.get(duty_id, 0) + 1
    rows = []
    for kind in SubjectKind.objects.order_by("position").prefetch_related("duties__direction"):
        duties = [{"duty": d, "count": counts.get(d.pk, 0)} for d in kind.duties.all()]
        rows.append(
            {"kind": kind, "duties": duties, "missing": sum(1 for d in duties if not d["count"])}
        )
    return render(request, "monitoring/duties.html", {"rows": rows, "form": form, "period": period})


def activities(request: HttpRequest) -> HttpResponse:
    _require("prevention.record", request)
    user: Any = request.user
    form = forms.ActivityForm(request.POST or None, kind_code=user.organisation.kind.code)
    if request.method == "POST":
        if form.is_valid():
            services.record_activity(user=user, data=form.cleaned_data)
            messages.success(request, _("The activity was recorded."))
            return redirect("monitoring:activities")
        messages.error(
            request,
            _("Check the form: %(errors)s") % {"errors": form_errors(form)},
        )
    recorded = PreventionActivity.objects.filter(organisation=user.organisation).select_related(
        "region"
    )[:200]
    return render(request, "monitoring/activities.html", {"form": form, "activities": recorded})


def _check_indicator_file(request: HttpRequest) -> HttpResponse:
    """The upload of a file of indicators: refused at once when over the limits (before it is
    read), otherwise checked row by row (nothing saved) and shown on the job's page."""
    user: Any = request.user
    upload = request.FILES.get("file")
    try:
        if getattr(request, "upload_too_large", False):
            check_size(max_bytes() + 1)  # stopped while streaming (core.uploads)
        if upload is None:
            messages.error(request, _("Choose a file."))
            return redirect("monitoring:indicators")
        check_size(upload.size)
        job = services.check_indicators(user=user, name=upload.name or "", content=upload.read())
    except SpreadsheetLimitError as exc:
        messages.error(request, _("The file was not read: %(reason)s") % {"reason": exc})
        return redirect("monitoring:indicators")
    return redirect("monitoring:indicator_import", job_id=job.pk)


def indicators(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    user: Any = request.user
    can_edit = allowed("migration.record", user)
    if request.method == "POST" and (
        "import" in request.POST
        or "file" in request.FILES
        or getattr(request, "upload_too_large", False)  # stopped while streaming
    ):
        if not can_edit:
            raise PermissionDenied
        return _check_indicator_file(request)
    form = forms.IndicatorForm(
        request.POST if request.method == "POST" and "year" in request.POST else None
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if form.is_valid():
                services.save_indicator(user=user, data=form.cleaned_data)
                messages.success(request, _("The indicator was saved."))
                return redirect("monitoring:indicators")
            messages.error(request, _("Check the form."))
        except ValidationError as exc:
            messages.error(request, validation_errors(exc, form_labels(form)))
    rows = MigrationIndicator.objects.select_related("region")[:500]
    imports = IndicatorImport.objects.filter(requested_by=user)[:10] if can_edit else []
    return render(
        request,
        "monitoring/indicators.html",
        {
            "rows": rows,
            "form": form,
            "upload": forms.IndicatorImportForm(),
            "can_edit": can_edit,
            "imports": imports,
            "max_rows": services.MAX_IMPORT_ROWS,
            "max_mb": max_bytes() // (1024 * 1024),
        },
    )


def indicator_import(request: HttpRequest, job_id: str) -> HttpResponse:
    """A file of indicators: its problems by row and column, the button that starts the import,
    and its status while the task runs (the page asks again every two seconds)."""
    user: Any = request.user
    job = services.indicator_import_for(user, job_id)
    if job is None:
        raise Http404
    if request.method == "POST":
        try:
            services.confirm_indicators(user=user, job=job)
            messages.success(request, _("The import was started."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:indicator_import", job_id=job.pk)
    response = render(request, "monitoring/indicator_import.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


def risk_index(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    period, _region, form = _period(request)
    period = published_period(period)
    data = region_counts_for_risk(period)
    results = risk.compute(data)
    names = {r.code: localized(r, "name") for r in Region.objects.all()}
    threshold = settings.STATISTICS_MIN_CELL
    rows = []
    for item in results:
        components = []
        for c in item.components:
            if c.name in ("cases", "reports"):
                # Counts of persons and reports: withheld below the threshold like every statistic.
                shown = protect(int(c.raw), None, threshold).display()
            elif c.name == "quota_use":
                shown = number_format(c.raw, 2)
            else:
                shown = number_format(int(c.raw), force_grouping=True)
            components.append(
                {
                    "name": c.name,
                    "weight": round(c.weight * 100),
                    "raw": shown,
                    "scaled": number_format(c.scaled, 2),
                    "contribution": number_format(c.contribution, 1),
                }
            )
        rows.append(
            {
                "region": names.get(item.region, item.region),
                "code": item.region,
                "index": number_format(item.index, 1),
                "components": components,
            }
        )
    fixed = services.statistics_region(request.user)
    if fixed:
        rows = [row for row in rows if row["code"] == fixed]
    return render(
        request,
        "monitoring/risk.html",
        {"rows": rows, "form": form, "period": period, "weights": risk.DEFAULT_WEIGHTS},
    )


def _request_file(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Ask for a report or an open-data release of the posted period; it is built by a task and
    waits on the exports page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    period, region, _form = _period(request, request.POST)
    try:
        services.request_export(user=request.user, kind=kind, fmt=fmt, period=period, region=region)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('monitoring:dashboard')}?{request.POST.urlencode()}")
    messages.success(request, _("The file is being prepared."))
    return redirect("monitoring:exports")


def period_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report for the interagency and regional commissions: PDF, XLSX or CSV."""
    _require("stats.view", request)
    return _request_file(request, ExportJob.Kind.REPORT, fmt)


def open_data(request: HttpRequest, kind: str) -> HttpResponse:
    """The anonymised open-data release: k-anonymous records, or differentially private synthetic ones."""
    _require("opendata.release", request)
    return _request_file(request, ExportJob.Kind.OPEN_DATA, kind)


def _may_export(user: Any) -> bool:
    return any(allowed(spec.rule, user) for spec in services.EXPORT_KINDS.values())


def case_exports(request: HttpRequest) -> HttpResponse:
    """The user's files: case exports (supervisors ask for them here), reports and open-data
    releases; each built by a task, shown as it becomes ready, downloadable by its requester."""
    user: Any = request.user
    if not _may_export(user):
        raise PermissionDenied
    if request.method == "POST":
        # HTCDS 2.0 (supervisors and coordinators) or the cases as CSV/XLSX (supervisors).
        kind = ExportJob.Kind.HTCDS if request.POST.get("kind") == "htcds" else ExportJob.Kind.CASES
        _require(services.EXPORT_KINDS[kind].rule, request)
        try:
            services.request_export(user=user, kind=kind, fmt=request.POST.get("fmt", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The export is being prepared."))
        return redirect("monitoring:exports")
    jobs = list(ExportJob.objects.filter(requested_by=user)[:20])
    pending = any(job.status == ExportJob.Status.PENDING for job in jobs)
    return render(
        request,
        "monitoring/exports.html",
        {
            "jobs": jobs,
            "pending": pending,
            "formats": services.EXPORT_KINDS[ExportJob.Kind.CASES].formats,
            "can_export_cases": allowed("cases.export", user),
            "can_export_htcds": allowed("htcds.export", user),
        },
    )


def download_export(request: HttpRequest, job_id: str) -> HttpResponse:
    if not _may_export(request.user):
        raise PermissionDenied
    job = ExportJob.objects.filter(pk=job_id, requested_by=request.user.pk).first()
    if job is None:
        raise Http404
    try:
        filename, content_type, body = services.read_export(user=request.user, job=job)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:exports")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def monitoring_home(request: HttpRequest) -> HttpResponse:
    if not any(
        allowed(rule, request.user) for rule in ("stats.view", "prevention.record", "cases.export")
    ):
        raise PermissionDenied
    return render(
        request,
        "monitoring/home.html",
        {"today": date.today(), "can_export": _may_export(request.user)},
    )
