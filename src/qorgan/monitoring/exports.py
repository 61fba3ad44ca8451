"""Record-level exports: a supervisor's cases (no names or identifiers), HTCDS 2.0, open data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from qorgan.accounts.models import User
from qorgan.cases.models import Referral
from qorgan.cases.selectors import cases_for

from . import htcds, opendata
from .statistics import Period, cases_in

CASE_COLUMNS = [
    "reference",
    "status",
    "organisation",
    "region",
    "opened",
    "sex",
    "age_group",
    "citizenship",
    "exploitation_forms",
    "detection_source",
]


def case_rows(user: User, *, htcds: bool = False) -> tuple[list[str], list[list[Any]]]:
    cases = cases_for(user).prefetch_related(
        "status_changes",
        "route",
        "consents",
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("to_organisation").order_by("sent_at"),
        ),
    )
    if htcds:
        return list(_htcds_fields()), [list(_htcds_record(case).values()) for case in cases]
    rows = [
        [
            case.reference,
            case.status,
            case.organisation.code,
            case.region.code if case.region else "",
            case.created_at.date().isoformat(),
            case.stat_sex,
            case.stat_age_group,
            case.stat_citizenship,
            ";".join(case.exploitation_forms),
            case.detection_source,
        ]
        for case in cases
    ]
    return CASE_COLUMNS, rows


def _htcds_fields() -> tuple[str, ...]:
    return htcds.FIELDS


def _htcds_record(case: Any) -> dict[str, Any]:
    referrals = list(case.referrals.all())
    first = referrals[0] if referrals else None
    return htcds.record(
        reference=case.reference,
        status=case.status,
        history=[c.to_status for c in case.status_changes.all()],
        closure_reason=case.closure_reason,
        owner=case.organisation.code,
        decision_body=case.identification_body,
        sex=case.stat_sex,
        citizenship=case.stat_citizenship,
        forms=case.exploitation_forms,
        roles=case.perpetrator_roles,
        countries=[e.country for e in case.route.all()],
        referred_to=first.to_organisation.code if first else "",
        referred_on=first.sent_at.date().isoformat() if first else "",
        consent=any(c.active for c in case.consents.all()),
    )


def release_records(period: Period) -> list[tuple[str, ...]]:
    values = cases_in(period).values_list(
        "created_at",
        "region__code",
        "stat_sex",
        "stat_age_group",
        "stat_citizenship",
        "exploitation_forms",
        "status",
    )
    return [
        opendata.generalise(
            year=created.year,
            region=region,
            sex=sex,
            age_group=age,
            citizenship=citizenship,
            forms=forms or [],
            status=status,
        )
        for created, region, sex, age, citizenship, forms, status in values.iterator()
    ]


def open_data_rows(period: Period, kind: str) -> tuple[list[str], list[tuple[str, ...]]]:
    records = release_records(period)
    if kind == "synthetic":
        return list(opendata.COLUMNS), opendata.synthetic(
            records, epsilon=settings.OPEN_DATA_EPSILON
        )
    release = opendata.k_anonymous(records, settings.OPEN_DATA_K)
    return list(release.columns), release.rows
