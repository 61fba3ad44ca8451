"""Reads of the directory for pages, the screening plan and other apps."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from qorgan.core.i18n import column_values

from .models import Direction, Duty, Organisation, Region, SubjectKind


def subject_kinds_with_duties() -> QuerySet[SubjectKind]:
    return SubjectKind.objects.order_by("position").prefetch_related(
        Prefetch(
            "duties",
            queryset=Duty.objects.select_related("direction").order_by(
                "direction__position", "position"
            ),
        )
    )


def directions() -> QuerySet[Direction]:
    return Direction.objects.order_by("position")


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("position")


def resolve_region(code: str) -> Region | None:
    """A region by its current ISO 3166-2:KZ code or its former alphabetic code."""
    code = code.strip().upper()
    return Region.objects.filter(Q(code=code) | Q(legacy_code=code)).first()


def organisations(
    *, region: str | None = None, kind: str | None = None, query: str = ""
) -> list[Organisation]:
    """Active organisations, optionally those serving a region or of one subject kind, matching words."""
    found = Organisation.objects.filter(active=True).select_related("region", "kind")
    if region:
        found = found.filter(Q(region__code=region) | Q(serves_regions__code=region)).distinct()
    if kind:
        found = found.filter(kind__code=kind)
    ordered = found.order_by("region__position", "code").prefetch_related("serves_regions")
    words = [word.casefold() for word in query.split()]
    if not words:
        return list(ordered)
    return [
        org
        for org in ordered
        if all(
            word
            in " ".join(
                (
                    *column_values(org, "name").values(),
                    *column_values(org, "city").values(),
                    org.email,
                )
            ).casefold()
            for word in words
        )
    ]


def help_organisations_for_region(region_code: str) -> list[Organisation]:
    """Help organisations serving a region, those based there first."""
    orgs = organisations(region=region_code)
    helpers = [org for org in orgs if org.is_help_organisation]
    return sorted(helpers, key=lambda org: (org.region.code != region_code, org.code))
