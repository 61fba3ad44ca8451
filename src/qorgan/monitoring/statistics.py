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
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from qorgan.cases.models import Case, CaseStatus, Referral, ReferralStatus, ServiceRecord
from qorgan.directory.models import Organisation, Region
from qorgan.directory.reference import SUBJECT_KIND_CODES

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

    @classmethod
    def year_to_date(cls, today: date) -> Period:
        """The default period of every page and of the statistics refresh: 1 January to today."""
        return cls(date(today.year, 1, 1), today)

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


def _months(period: Period) -> list[tuple[str, datetime, datetime]]:
    tz = timezone.get_current_timezone()
    result = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        result.append(
            (
                f"{year:04d}-{month:02d}",
                datetime(year, month, 1, tzinfo=tz),
                datetime(following[0], following[1], 1, tzinfo=tz),
            )
        )
        year, month = following
    return result


def _has_form(form: str) -> Q:
    """JSON containment (@>, fast) on PostgreSQL; a text match where the database has no such operator."""
    if connection.vendor == "postgresql":
        return Q(exploitation_forms__contains=[form])
    return Q(exploitation_forms__icontains=f'"{form}"')


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

    # One scan of the cases for every breakdown with known categories: COUNT(*) FILTER (WHERE …)
    # on PostgreSQL (CASE WHEN on SQLite), instead of one GROUP BY query per breakdown.
    months = _months(period)
    dimensions: dict[str, dict[str, Q]] = {
        "region": {r.code: Q(region_id=r.pk) for r in regions}
        | {"unknown": Q(region__isnull=True)},
        "trend": {label: Q(created_at__gte=lo, created_at__lt=hi) for label, lo, hi in months},
        "exploitation_form": {f: _has_form(f) for f in EXPLOITATION_FORMS},
        "sex": {k: Q(stat_sex=k) for k in ("female", "male", "unknown")},
        "age_group": {
            k: Q(stat_age_group=k)
            for k in ("0-13", "14-17", "18-24", "25-34", "35-49", "50+", "unknown")
        },
        "citizenship": {
            "KZ": Q(stat_citizenship="KZ"),
            "foreign": ~Q(stat_citizenship__in=["KZ", "stateless", "unknown"]),
            "stateless": Q(stat_citizenship="stateless"),
            "unknown": Q(stat_citizenship="unknown"),
        },
        "detection_source": {
            k: Q(detection_source=k) for k in (*SUBJECT_KIND_CODES, "anonymous_report")
        },
        "status": {k: Q(status=k) for k in CaseStatus.values},
    }
    aggregates = {"total": Count("pk")}
    for dimension, categories in dimensions.items():
        for key, condition in categories.items():
            aggregates[f"{dimension}__{key}"] = Count("pk", filter=condition)
    counts = cases.aggregate(**aggregates)
    for dimension, categories in dimensions.items():
        values = {key: counts[f"{dimension}__{key}"] for key in categories}
        if dimension == "detection_source":
            values = {k: v for k, v in values.items() if v}
        result[dimension] = _breakdown(dimension, values, threshold)
    result["region_objects"] = regions
    # By organisation first (no join over the cases), then summed per subject kind.
    kind_of = dict(Organisation.objects.values_list("pk", "kind__code"))
    subjects: Counter[str] = Counter()
    for organisation_id, count in (
        cases.values_list("organisation_id").annotate(n=Count("pk")).order_by()
    ):
        subjects[kind_of.get(organisation_id, "unknown")] += count
    result["subject"] = _breakdown("subject", dict(sorted(subjects.items())), threshold)

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
    result["total_cases"] = suppress_total(counts["total"], threshold)
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
