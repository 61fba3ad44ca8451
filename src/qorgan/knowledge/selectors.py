"""Reads of the live catalogue for pages and other apps."""

from __future__ import annotations

from django.db.models import QuerySet

from qorgan.core.i18n import column_values

from .models import CatalogueEntry, CatalogueGroup, CatalogueKind, CatalogueVersion


def live_version() -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(is_live=True).first()


def kinds() -> QuerySet[CatalogueKind]:
    return CatalogueKind.objects.order_by("position")


def groups_of(kind: CatalogueKind) -> QuerySet[CatalogueGroup]:
    return kind.groups.order_by("position")


def search_entries(
    *, kind: str | None = None, group: str | None = None, query: str = ""
) -> list[CatalogueEntry]:
    """Live entries, optionally of one kind and group, whose code or text (any language) matches.

    The catalogue is small (a few hundred entries), so words are matched in Python with
    Unicode case folding: SQLite's LIKE folds only ASCII, and Kazakh letters must match too.
    """
    entries = CatalogueEntry.objects.filter(retired=False).select_related("kind", "group")
    if kind:
        entries = entries.filter(kind__code=kind)
    if group:
        entries = entries.filter(group__code=group)
    ordered = entries.order_by("kind__position", "group__position", "position")
    words = [word.casefold() for word in query.split()]
    if not words:
        return list(ordered)
    return [
        entry
        for entry in ordered
        if all(
            word in " ".join((entry.code, *column_values(entry, "text").values())).casefold()
            for word in words
        )
    ]


def hotlines() -> list[CatalogueEntry]:
    return search_entries(kind="hotline")
