"""The aggregates the coordinators see (SPEC §7), every cell suppressed below the threshold.

One function, ``national_statistics``, returns every breakdown for a period (and optionally a
region); the dashboard, the period report and the exports all use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from qorgan.cases.models import Case, CaseStatus, Referral, ReferralStatus, ServiceRecord
from qorgan.directory.models import Region
from qorgan.directory.reference import SUBJECT_KIND_CODES
from qorgan.portal.models import Report

from .models import MigrationIndicator, PreventionActivity, StatCell
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
        """The default period of every page and of the statistics refresh: the year of last
        month, January to the end of last month (see ``published_period``)."""
        last = date(today.year, today.month, 1) - timedelta(days=1)
        return cls(date(last.year, 1, 1), last)

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


CITIZENSHIPS = ("KZ", "UZ", "KG", "TJ", "TM", "RU", "CN", "AF", "other", "stateless", "unknown")
SEXES = ("female", "male", "unknown")
AGE_GROUPS = ("0-13", "14-17", "18-24", "25-34", "35-49", "50+", "unknown")


def published_period(period: Period, today: date | None = None) -> Period:
    """The publication grid (issue 14 §2): a calendar month, a calendar quarter or whole
    calendar years, cut at the end of the last month that has ended.

    The asked period is widened to the smallest of these that holds it (two days of one
    month → the month; February to March → the first quarter; anything longer → its whole
    years), so that periods differing by days, or by a month, give the same tables, and
    overlapping tables are few (month ⊂ quarter ⊂ year) instead of one per pair of dates.
    A case recorded this month is published when the month ends. A period entirely in the
    current month gives an empty period (start after end)."""
    today = today or timezone.localdate()
    first, last = period.start, period.end
    if (first.year, first.month) == (last.year, last.month):
        start = date(first.year, first.month, 1)
        end = _month_end(first.year, first.month)
    elif first.year == last.year and (first.month - 1) // 3 == (last.month - 1) // 3:
        quarter_start = 3 * ((first.month - 1) // 3) + 1
        start = date(first.year, quarter_start, 1)
        end = _month_end(first.year, quarter_start + 2)
    else:
        start = date(first.year, 1, 1)
        end = date(last.year, 12, 31)
    last_published = date(today.year, today.month, 1) - timedelta(days=1)
    return Period(start, min(end, last_published))


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _cells(
    period: Period, region: str | None
) -> tuple[dict[tuple[str, str], list[int]], dict[str, list[int]], dict[str, list[int]]]:
    """Sums from the rollup: per (dimension, category), per region and per month (totals);
    each as [count, keysum]."""
    by_category: dict[tuple[str, str], list[int]] = {}
    by_region: dict[str, list[int]] = {}
    by_month: dict[str, list[int]] = {}
    if period.start > period.end:
        return by_category, by_region, by_month
    cells = StatCell.objects.filter(month__gte=period.start, month__lte=period.end)
    if region:
        cells = cells.filter(region=region)
    for dimension, category, n, keysum in (
        cells.values_list("dimension", "category")
        .annotate(n=Sum("n"), k=Sum("keysum"))
        .values_list("dimension", "category", "n", "k")
        .order_by()
    ):
        by_category[(dimension, category)] = [int(n), int(keysum)]
    for code, month, n, keysum in cells.filter(dimension="total").values_list(
        "region", "month", "n", "keysum"
    ):
        entry = by_region.setdefault(code or "unknown", [0, 0])
        entry[0] += n
        entry[1] += keysum
        label = f"{month.year:04d}-{month.month:02d}"
        entry = by_month.setdefault(label, [0, 0])
        entry[0] += n
        entry[1] += keysum
    return by_category, by_region, by_month


def _persons(
    name: str,
    sums: dict[str, list[int]],
    keys: Iterable[str],
    threshold: int,
    table_key: int,
    additive: bool = True,
) -> Breakdown:
    """A breakdown of persons: every cell and the total perturbed by their cell keys;
    complementary suppression where the cells add up to the published number of cases
    (``additive``; not for forms, several per case, nor identification outcomes).

    A cell's key is its persons' key plus the key of everybody in the table
    (``table_key``): adding one person to a table changes the noise of every cell, not
    only of that person's cells, so that comparing two tables does not point at them."""
    counts = {key: sums.get(key, [0, 0])[0] for key in keys}
    keysums = {key: sums.get(key, [0, 0])[1] + table_key for key in keys}
    return Breakdown(
        name=name,
        cells=suppress(counts, threshold, keysums, complementary=additive),
        total=suppress_total(
            sum(v[0] for v in sums.values()),
            threshold,
            sum(v[1] for v in sums.values()) + table_key,
        ),
        threshold=threshold,
    )


def national_statistics(
    period: Period,
    region: str | None = None,
    threshold: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Every breakdown for ``period`` (put on the publication grid) and ``region``, read from
    the rollup (``monitoring.rollup``) and protected by ``monitoring.suppression``."""
    threshold = threshold or settings.STATISTICS_MIN_CELL
    asked = period
    period = published_period(period, today)
    regions = list(Region.objects.order_by("position"))
    result: dict[str, Any] = {
        "period": period,
        "asked_period": asked,
        "region": region,
        "threshold": threshold,
    }
    by_category, by_region, by_month = _cells(period, region)

    def dimension(name: str) -> dict[str, list[int]]:
        return {c: v for (d, c), v in by_category.items() if d == name}

    total = by_category.get(("total", ""), [0, 0])
    table = total[1]  # the key of everybody in the table (see _persons)
    region_keys = [region] if region else [r.code for r in regions] + ["unknown"]
    result["region"] = _persons("region", by_region, region_keys, threshold, table)
    months = [label for label, _lo, _hi in _months(period)] if period.start <= period.end else []
    result["trend"] = _persons("trend", by_month, months, threshold, table)
    result["exploitation_form"] = _persons(
        "exploitation_form",
        dimension("exploitation_form"),
        EXPLOITATION_FORMS,
        threshold,
        table,
        additive=False,
    )
    result["sex"] = _persons("sex", dimension("sex"), SEXES, threshold, table)
    result["age_group"] = _persons(
        "age_group", dimension("age_group"), AGE_GROUPS, threshold, table
    )
    citizenship: dict[str, list[int]] = {}
    for code, (n, keysum) in dimension("citizenship").items():
        group = code if code in CITIZENSHIPS else "other"
        entry = citizenship.setdefault(group, [0, 0])
        entry[0] += n
        entry[1] += keysum
    result["citizenship"] = _persons("citizenship", citizenship, CITIZENSHIPS, threshold, table)
    result["detection_source"] = _persons(
        "detection_source",
        dimension("detection_source"),
        (*SUBJECT_KIND_CODES, "anonymous_report"),
        threshold,
        table,
    )
    result["status"] = _persons("status", dimension("status"), CaseStatus.values, threshold, table)
    result["identification"] = _persons(
        "identification",
        dimension("identification"),
        ("identified", "not_identified"),
        threshold,
        table,
        additive=False,
    )
    result["total_cases"] = suppress_total(total[0], threshold, total[1] + table)
    result["region_objects"] = regions

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
    prevention_regions = _grouped(activities, "region__code")
    if region:
        prevention_regions = {k: v for k, v in prevention_regions.items() if k == region}
    result["prevention_region"] = _breakdown("prevention_region", prevention_regions, 0)
    result["prevention_reach"] = sum(a for a in activities.values_list("reach", flat=True))
    return result


def region_counts_for_risk(period: Period) -> dict[str, dict[str, float]]:
    """Raw per-region inputs of the risk index (not published as such: the index shows them
    suppressed)."""
    period = published_period(period)
    data: dict[str, dict[str, float]] = {
        r.code: {"cases": 0, "reports": 0, "quota_use": 0.0, "activities": 0}
        for r in Region.objects.all()
    }
    _by_category, by_region, _by_month = _cells(period, None)
    for code, (n, _keysum) in by_region.items():
        if code in data:
            data[code]["cases"] = n
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
