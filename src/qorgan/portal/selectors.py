"""Reads for the public pages (from the catalogue and directory) and the triage list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.knowledge.models import CatalogueEntry

from .models import Report


def entries(kind: str, groups: Iterable[str] | None = None) -> list[CatalogueEntry]:
    found = CatalogueEntry.objects.filter(retired=False, kind__code=kind).select_related(
        "group__kind"
    )
    if groups is not None:
        found = found.filter(group__code__in=list(groups))
    return list(found.order_by("group__position", "position"))


def grouped(kind: str, groups: Iterable[str] | None = None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for entry in entries(kind, groups):
        if not result or result[-1]["group"].pk != entry.group_id:
            result.append({"group": entry.group, "entries": []})
        result[-1]["entries"].append(entry)
    return result


def reports_for(user: User) -> QuerySet[Report]:
    if not allowed("report.triage", user):
        return Report.objects.none()
    return Report.objects.select_related("region", "assigned_organisation", "case").order_by(
        "-number"
    )
