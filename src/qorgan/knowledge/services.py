"""Writes to the catalogue tables: loading a version of the reference data files."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .catalogue import Catalogue, Text
from .models import CatalogueEntry, CatalogueGroup, CatalogueKind, CatalogueVersion


def _short_fields(short: Text | None) -> dict[str, str]:
    return {
        "short_kk": short.kk if short else "",
        "short_ru": short.ru if short else "",
        "short_en": short.en if short else "",
    }


class ReferenceDataVersionError(ValueError):
    """The files changed but their version did not: bump VERSION."""


@dataclass(frozen=True)
class LoadResult:
    version: str
    changed: bool
    created: int
    updated: int
    retired: int


@transaction.atomic
def load_catalogue_into_db(
    *, catalogue: Catalogue, checksum: str, force: bool = False
) -> LoadResult:
    """Make ``catalogue`` the live version: update rows by code, never duplicate, retire the rest.

    Loading the live version again changes nothing. Loading changed files under a version
    that is already recorded is refused (unless ``force``), so that a version always names
    one content.
    """
    existing = (
        CatalogueVersion.objects.select_for_update().filter(version=catalogue.version).first()
    )
    if existing and existing.checksum == checksum and existing.is_live:
        return LoadResult(catalogue.version, changed=False, created=0, updated=0, retired=0)
    if existing and existing.checksum != checksum and not force:
        raise ReferenceDataVersionError(
            f"the reference data files changed but VERSION is still {catalogue.version}: "
            "raise the version in src/qorgan/knowledge/data/VERSION"
        )
    CatalogueVersion.objects.filter(is_live=True).update(is_live=False)
    version, _ = CatalogueVersion.objects.update_or_create(
        version=catalogue.version,
        defaults={"checksum": checksum, "is_live": True, "entry_count": len(catalogue.entries)},
    )

    kinds: dict[str, CatalogueKind] = {}
    for kind in catalogue.kinds:
        kinds[kind.code], _ = CatalogueKind.objects.update_or_create(
            code=kind.code,
            defaults={
                "title_kk": kind.title.kk,
                "title_ru": kind.title.ru,
                "title_en": kind.title.en,
                "position": kind.position,
            },
        )
    groups: dict[tuple[str, str], CatalogueGroup] = {}
    for group in catalogue.groups:
        groups[(group.kind, group.code)], _ = CatalogueGroup.objects.update_or_create(
            kind=kinds[group.kind],
            code=group.code,
            defaults={
                "title_kk": group.title.kk,
                "title_ru": group.title.ru,
                "title_en": group.title.en,
                "source_document": group.source.document if group.source else "",
                "source_line": group.source.line if group.source else None,
                "position": group.position,
                **_short_fields(group.short),
            },
        )
    created = updated = 0
    for entry in catalogue.entries:
        _, was_created = CatalogueEntry.objects.update_or_create(
            code=entry.code,
            defaults={
                "kind": kinds[entry.kind],
                "group": groups[(entry.kind, entry.group)],
                "text_kk": entry.text.kk,
                "text_ru": entry.text.ru,
                "text_en": entry.text.en,
                **_short_fields(entry.short),
                "source_document": entry.source.document,
                "source_line": entry.source.line,
                "position": entry.position,
                "extra": dict(entry.extra),
                "retired": False,
                "version": version,
            },
        )
        created += was_created
        updated += not was_created
    live_codes = {entry.code for entry in catalogue.entries}
    retired = (
        CatalogueEntry.objects.exclude(code__in=live_codes)
        .filter(retired=False)
        .update(retired=True)
    )
    return LoadResult(
        catalogue.version, changed=True, created=created, updated=updated, retired=retired
    )
