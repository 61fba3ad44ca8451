"""The coordinators' side: dashboard, duty coverage, registry, indicators, risk index, reports,
exports, open data. Every page shows aggregates with small cells suppressed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.i18n import active_language, localized
from qorgan.core.spreadsheet import to_csv, to_xlsx
from qorgan.directory.models import Direction, Region, SubjectKind

from . import exports, forms, risk, services
from .models import ExportJob, MigrationIndicator, PreventionActivity
from .statistics import Breakdown, Period, national_statistics, region_counts_for_risk

SECTIONS = (
    "region",
    "trend",
    "exploitation_form",
    "sex",
    "age_group",
    "citizenship",
    "detection_source",
    "subject",
    "status",
    "identification",
    "referrals",
    "services",
    "reports",
    "prevention_direction",
    "prevention_region",
)


def _require(rule: str, request: HttpRequest) -> None:
    if not allowed(rule, request.user):
        raise PermissionDenied


def _period(request: HttpRequest) -> tuple[Period, str, forms.PeriodForm]:
    form = forms.PeriodForm(request.GET or None)
    start, end, region = form.period(timezone.localdate())
    return Period(start, end), region, form


def _bars(breakdown: Breakdown) -> list[dict[str, Any]]:
    values = [cell.value or 0 for cell in breakdown.cells.values()]
    top = max(values, default=0) or 1
    return [
        {
            "key": key,
            "label": label,
            "value": cell.display(breakdown.threshold),
            "width": round(300 * (cell.value or 0) / top),
        }
        for key, label, cell in breakdown.rows()
    ]


def _labels(stats: dict[str, Any]) -> None:
    """Readable labels for codes, in the page's language."""
    from qorgan.cases.models import CaseStatus, ReferralStatus, ServiceType
    from qorgan.knowledge.catalogue import default_catalogue
    from qorgan.portal.models import ReportStatus

    lang = active_language()
    regions = {r.code: localized(r, "name") for r in stats["region_objects"]}
    kinds = {k.code: localized(k, "name") for k in SubjectKind.objects.all()}
    directions = {d.code: localized(d, "title") for d in Direction.objects.all()}
    stats["region"].labels = regions | {"unknown": _("Not known")}
    stats["prevention_region"].labels = regions | {"unknown": _("Not known")}
    stats["exploitation_form"].labels = {
        e.code: e.text.get(lang) for e in default_catalogue().of_kind("exploitation_form")
    }
    stats["sex"].labels = {"female": _("Female"), "male": _("Male"), "unknown": _("Not known")}
    stats["age_group"].labels = {"unknown": _("Not known")}
    stats["citizenship"].labels = {
        "KZ": _("Kazakhstan"),
        "foreign": _("Foreign"),
        "stateless": _("Stateless"),
        "unknown": _("Not known"),
    }
    stats["detection_source"].labels = kinds | {"anonymous_report": _("Anonymous report")}
    stats["subject"].labels = kinds
    stats["status"].labels = dict(CaseStatus.choices)
    stats["identification"].labels = {
        "identified": _("Identified as a victim"),
        "not_identified": _("Not identified as a victim"),
    }
    stats["referrals"].labels = {"made": _("Made"), "accepted": _("Accepted")} | {
        k: str(v) for k, v in ReferralStatus.choices if k in ("declined", "completed")
    }
    stats["services"].labels = dict(ServiceType.choices)
    stats["reports"].labels = dict(ReportStatus.choices)
    stats["prevention_direction"].labels = directions


def dashboard(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    period, region, form = _period(request)
    stats, computed_at = services.statistics_for(period, region or None)
    _labels(stats)
    charted = {"region", "trend", "exploitation_form"}
    charts = [
        {
            "name": name,
            "breakdown": stats[name],
            "bars": _bars(stats[name]) if name in charted else [],
            "height": len(stats[name].cells) * 20 + 4,
        }
        for name in SECTIONS
    ]
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "form": form,
            "stats": stats,
            "charts": charts,
            "period": period,
            "computed_at": computed_at,
            "query": request.GET.urlencode(),
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
            _("Check the form: %(errors)s")
            % {
                "errors": "; ".join(
                    f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                    for f, e in form.errors.items()
                )
            },
        )
    recorded = PreventionActivity.objects.filter(organisation=user.organisation).select_related(
        "region"
    )[:200]
    return render(request, "monitoring/activities.html", {"form": form, "activities": recorded})


def indicators(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    user: Any = request.user
    can_edit = allowed("migration.record", user)
    form = forms.IndicatorForm(
        request.POST if request.method == "POST" and "year" in request.POST else None
    )
    upload = forms.IndicatorImportForm(
        request.POST if "file" in request.FILES else None, request.FILES or None
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if "file" in request.FILES and upload.is_valid():
                count = services.import_indicators(
                    user=user,
                    name=upload.cleaned_data["file"].name,
                    content=upload.cleaned_data["file"].read(),
                )
                messages.success(request, _("%(n)s rows were imported.") % {"n": count})
                return redirect("monitoring:indicators")
            if form.is_valid():
                services.save_indicator(user=user, data=form.cleaned_data)
                messages.success(request, _("The indicator was saved."))
                return redirect("monitoring:indicators")
            messages.error(request, _("Check the form."))
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    rows = MigrationIndicator.objects.select_related("region")[:500]
    return render(
        request,
        "monitoring/indicators.html",
        {"rows": rows, "form": form, "upload": upload, "can_edit": can_edit},
    )


def risk_index(request: HttpRequest) -> HttpResponse:
    _require("stats.view", request)
    period, _region, form = _period(request)
    data = region_counts_for_risk(period)
    results = risk.compute(data)
    names = {r.code: localized(r, "name") for r in Region.objects.all()}
    threshold = settings.STATISTICS_MIN_CELL
    rows = []
    for item in results:
        components = []
        for c in item.components:
            shown = (
                f"{c.raw:.2f}"
                if c.name == "quota_use"
                else (
                    f"<{threshold}"
                    if 0 < c.raw < threshold and c.name in ("cases", "reports")
                    else str(int(c.raw))
                )
            )
            components.append(
                {
                    "name": c.name,
                    "weight": round(c.weight * 100),
                    "raw": shown,
                    "scaled": c.scaled,
                    "contribution": c.contribution,
                }
            )
        rows.append(
            {
                "region": names.get(item.region, item.region),
                "code": item.region,
                "index": item.index,
                "components": components,
            }
        )
    return render(
        request,
        "monitoring/risk.html",
        {"rows": rows, "form": form, "period": period, "weights": risk.DEFAULT_WEIGHTS},
    )


def _table_rows(stats: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for name in SECTIONS:
        breakdown: Breakdown = stats[name]
        for _key, label, cell in breakdown.rows():
            rows.append((name, label, cell.display(breakdown.threshold)))
    return rows


def period_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report for the interagency and regional commissions: PDF or XLSX, in the page's language."""
    _require("stats.view", request)
    period, region, _form = _period(request)
    stats = national_statistics(period, region or None)
    _labels(stats)
    audit.record(
        actor=request.user,
        action="report_export",
        object_type="monitoring.Statistics",
        detail={
            "format": fmt,
            "start": str(period.start),
            "end": str(period.end),
            "region": region,
        },
    )
    filename = f"qorgan-report-{period.start}-{period.end}"
    if fmt == "xlsx":
        body = to_xlsx(
            [
                (
                    str(_("Statistics")),
                    [str(_("Breakdown")), str(_("Category")), str(_("Number"))],
                    _table_rows(stats),
                )
            ]
        )
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "monitoring/report_pdf.html",
            {"stats": stats, "sections": [(n, stats[n]) for n in SECTIONS], "period": period},
            request=request,
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    if fmt == "csv":
        response = HttpResponse(
            to_csv(["breakdown", "category", "number"], _table_rows(stats)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    raise PermissionDenied


def case_exports(request: HttpRequest) -> HttpResponse:
    """A supervisor's case exports: ask for one (built by a task), see it become ready, download."""
    _require("cases.export", request)
    user: Any = request.user
    if request.method == "POST":
        try:
            services.request_case_export(user=user, fmt=request.POST.get("fmt", ""))
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
        {"jobs": jobs, "pending": pending, "formats": services.EXPORT_FORMATS},
    )


def download_export(request: HttpRequest, job_id: str) -> HttpResponse:
    _require("cases.export", request)
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


def open_data(request: HttpRequest, kind: str) -> HttpResponse:
    """The anonymised open-data release: k-anonymous records, or differentially private synthetic ones."""
    _require("opendata.release", request)
    period, _region, _form = _period(request)
    header, rows = exports.open_data_rows(period, kind)
    audit.record(
        actor=request.user,
        action="open_data_release",
        object_type="monitoring.OpenData",
        detail={"kind": kind, "rows": len(rows)},
    )
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="qorgan-open-data-{kind}-{period.start.year}.csv"'
    )
    return response


def monitoring_home(request: HttpRequest) -> HttpResponse:
    if not any(
        allowed(rule, request.user) for rule in ("stats.view", "prevention.record", "cases.export")
    ):
        raise PermissionDenied
    return render(
        request,
        "monitoring/home.html",
        {"today": date.today(), "can_export": allowed("cases.export", request.user)},
    )
