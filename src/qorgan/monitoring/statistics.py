"""The aggregates the coordinators see (SPEC §7), every cell suppressed below the threshold.

One function, ``national_statistics``, returns every breakdown for a period (and optionally a
region); the dashboard, the period report and the exports all use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from qorgan.cases.models import Case, CaseStatus, Referral, ReferralStatus, ServiceRecord
from qorgan.directory.models import Region

from .models import PreventionActivity
from .suppression import Cell, suppress, suppress_total

EXPLOITATION_FORMS = (
    "forced_labour",
    "sexual_exploitation",
    "forced_begging",
    "forced_criminal_activity",
    "other_ownership_powers",
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


@dataclass
class Breakdown:
    name: str
    cells: dict[str, Cell]
    total: Cell
    threshold: int
    labels: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, Cell]]:
        return [(key, self.labels.get(key, key), cell) for key, cell in self.cells.items()]


def _breakdown(
    name: str, counts: dict[str, int], threshold: int, labels: dict[str, str] | None = None
) -> Breakdown:
    return Breakdown(
        name=name,
        cells=suppress(counts, threshold),
        total=suppress_total(sum(counts.values()), threshold),
        threshold=threshold,
        labels=labels or {},
    )


def _grouped(
    queryset: QuerySet[Any], column: str, keys: Iterable[str] | None = None
) -> dict[str, int]:
    counts = {
        str(row[column] or "unknown"): row["n"]
        for row in queryset.values(column).annotate(n=Count("pk")).order_by()
    }
    if keys is not None:
        return {key: counts.get(key, 0) for key in keys}
    return dict(sorted(counts.items()))


def citizenship_group(code: str) -> str:
    if code in ("KZ", "stateless", "unknown"):
        return code
    return "foreign"


def cases_in(period: Period, region: str | None = None) -> QuerySet[Case]:
    start, end = period.bounds()
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    if region:
        cases = cases.filter(region__code=region)
    return cases


def national_statistics(
    period: Period, region: str | None = None, threshold: int | None = None
) -> dict[str, Any]:
    threshold = threshold or settings.STATISTICS_MIN_CELL
    cases = cases_in(period, region)
    regions = list(Region.objects.order_by("position"))
    result: dict[str, Any] = {"period": period, "region": region, "threshold": threshold}

    by_region = _grouped(cases, "region__code", [r.code for r in regions] + ["unknown"])
    result["region"] = _breakdown(
        "region", by_region, threshold, {r.code: r.name_kk for r in regions}
    )
    result["region_objects"] = regions

    months: dict[str, int] = {}
    for row in (
        cases.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    ):
        months[row["month"].strftime("%Y-%m")] = row["n"]
    result["trend"] = _breakdown("trend", months, threshold)

    form_counts = {}
    for form in EXPLOITATION_FORMS:
        form_counts[form] = cases.filter(exploitation_forms__icontains=f'"{form}"').count()
    result["exploitation_form"] = _breakdown("exploitation_form", form_counts, threshold)

    result["sex"] = _breakdown(
        "sex", _grouped(cases, "stat_sex", ["female", "male", "unknown"]), threshold
    )
    result["age_group"] = _breakdown(
        "age_group",
        _grouped(
            cases, "stat_age_group", ["0-13", "14-17", "18-24", "25-34", "35-49", "50+", "unknown"]
        ),
        threshold,
    )
    citizenship = Counter()
    for code, count in _grouped(cases, "stat_citizenship").items():
        citizenship[citizenship_group(code)] += count
    result["citizenship"] = _breakdown(
        "citizenship",
        {k: citizenship.get(k, 0) for k in ("KZ", "foreign", "stateless", "unknown")},
        threshold,
    )
    result["detection_source"] = _breakdown(
        "detection_source", _grouped(cases, "detection_source"), threshold
    )
    result["subject"] = _breakdown(
        "subject", _grouped(cases, "organisation__kind__code"), threshold
    )
    result["status"] = _breakdown("status", _grouped(cases, "status", CaseStatus.values), threshold)

    identified = (
        cases.filter(status_changes__to_status=CaseStatus.IDENTIFIED)
        .values("pk")
        .distinct()
        .count()
    )
    not_identified = (
        cases.filter(status_changes__to_status=CaseStatus.NOT_IDENTIFIED)
        .values("pk")
        .distinct()
        .count()
    )
    result["identification"] = _breakdown(
        "identification", {"identified": identified, "not_identified": not_identified}, threshold
    )

    start, end = period.bounds()
    referrals = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if region:
        referrals = referrals.filter(case__region__code=region)
    result["referrals"] = _breakdown(
        "referrals",
        {
            "made": referrals.count(),
            "accepted": referrals.filter(
                status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]
            ).count(),
            "declined": referrals.filter(status=ReferralStatus.DECLINED).count(),
            "completed": referrals.filter(status=ReferralStatus.COMPLETED).count(),
        },
        threshold,
    )
    waiting = referrals.filter(
        responded_at__isnull=False, status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED]
    )
    average = waiting.aggregate(
        avg=Avg(ExpressionWrapper(F("responded_at") - F("sent_at"), output_field=DurationField()))
    )["avg"]
    accepted_count = waiting.count()
    result["time_to_acceptance_hours"] = (
        round(average.total_seconds() / 3600, 1)
        if average is not None and accepted_count >= threshold
        else None
    )

    services = ServiceRecord.objects.filter(
        started_on__gte=period.start, started_on__lte=period.end
    )
    if region:
        services = services.filter(case__region__code=region)
    result["services"] = _breakdown("services", _grouped(services, "service"), threshold)

    from qorgan.portal.models import Report

    reports = Report.objects.filter(received_on__gte=period.start, received_on__lte=period.end)
    if region:
        reports = reports.filter(region__code=region)
    result["reports"] = _breakdown("reports", _grouped(reports, "status"), threshold)

    activities = PreventionActivity.objects.filter(
        held_on__gte=period.start, held_on__lte=period.end
    )
    if region:
        activities = activities.filter(region__code=region)
    # Activities are not about persons: no suppression needed, but the same shape.
    result["prevention_direction"] = _breakdown(
        "prevention_direction", _grouped(activities, "direction"), 0
    )
    result["prevention_region"] = _breakdown(
        "prevention_region", _grouped(activities, "region__code"), 0
    )
    result["prevention_reach"] = sum(a for a in activities.values_list("reach", flat=True))
    result["total_cases"] = suppress_total(cases.count(), threshold)
    return result


def region_counts_for_risk(period: Period) -> dict[str, dict[str, float]]:
    """Raw per-region inputs of the risk index (not published as such: the index shows them
    suppressed)."""
    from qorgan.portal.models import Report

    from .models import MigrationIndicator

    start, end = period.bounds()
    data: dict[str, dict[str, float]] = {
        r.code: {"cases": 0, "reports": 0, "quota_use": 0.0, "activities": 0}
        for r in Region.objects.all()
    }
    for row in (
        Case.objects.filter(created_at__gte=start, created_at__lt=end, region__isnull=False)
        .values("region__code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        data[row["region__code"]]["cases"] = row["n"]
    for row in (
        Report.objects.filter(
            received_on__gte=period.start, received_on__lte=period.end, region__isnull=False
        )
        .values("region__code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        data[row["region__code"]]["reports"] = row["n"]
    for row in (
        PreventionActivity.objects.filter(
            held_on__gte=period.start, held_on__lte=period.end, region__isnull=False
        )
        .values("region__code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        data[row["region__code"]]["activities"] = row["n"]
    years = range(period.start.year, period.end.year + 1)
    indicators = MigrationIndicator.objects.filter(year__in=list(years)).values("region__code")
    for row in indicators.annotate(quota=Sum("quota"), attracted=Sum("attracted")).order_by():
        if row["quota"]:
            data[row["region__code"]]["quota_use"] = row["attracted"] / row["quota"]
    return data
