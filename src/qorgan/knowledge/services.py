"""Writes to the catalogue tables: loading a version of the reference data files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from qorgan.core.i18n import localized_columns
from qorgan.core.reference_merge import MergeReport, merge_record

from .catalogue import Catalogue, Entry
from .models import (
    CatalogueEntry,
    CatalogueGroup,
    CatalogueKind,
    CatalogueVersion,
    editable_values,
)


def shipped_values(entry: Entry) -> dict[str, Any]:
    """The editable values of an entry as the data files ship them (compared by the merge)."""
    phone = entry.extra.get("phone")
    return {
        **localized_columns("text", entry.text),
        **localized_columns("short", entry.short),
        "phones": [str(phone)] if phone else [],
    }


def apply_values(row: CatalogueEntry, values: dict[str, Any]) -> None:
    """Set an entry's editable values; the first phone is also ``extra["phone"]``."""
    for name, value in values.items():
        if name == "phones":
            phones = [str(p) for p in value]
            row.extra = {**row.extra, "phones": phones}
            if phones:
                row.extra["phone"] = phones[0]
            else:
                row.extra.pop("phone", None)
        else:
            setattr(row, name, value)


class ReferenceDataVersionError(ValueError):
    """The files changed but their version did not: bump VERSION."""


@dataclass(frozen=True)
class LoadResult:
    version: str
    changed: bool
    created: int
    updated: int
    retired: int
    merge: MergeReport = field(default_factory=MergeReport)
    dry_run: bool = False


@transaction.atomic
def load_catalogue_into_db(
    *, catalogue: Catalogue, checksum: str, force: bool = False, dry_run: bool = False
) -> LoadResult:
    """Make ``catalogue`` the live version: update rows by code, never duplicate, retire the rest.

    Loading the live version again changes nothing. Loading changed files under a version
    that is already recorded is refused (unless ``force``), so that a version always names
    one content. An entry's editable values (texts, short labels, phones) are merged three
    ways (``core.reference_merge``): the values shipped at the last load (``entry.shipped``),
    the values shipped now and the values in the database. What changed only upstream is
    applied; a local edit is kept; both changed differently is a conflict in the returned
    report (the local value stays). ``dry_run``: everything is computed, nothing is kept.
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
                **localized_columns("title", kind.title),
                "position": kind.position,
            },
        )
    groups: dict[tuple[str, str], CatalogueGroup] = {}
    for group in catalogue.groups:
        groups[(group.kind, group.code)], _ = CatalogueGroup.objects.update_or_create(
            kind=kinds[group.kind],
            code=group.code,
            defaults={
                **localized_columns("title", group.title),
                "source_document": group.source.document if group.source else "",
                "source_line": group.source.line if group.source else None,
                "position": group.position,
                **localized_columns("short", group.short),
            },
        )
    created = updated = 0
    report = MergeReport()
    for entry in catalogue.entries:
        now = shipped_values(entry)
        row = CatalogueEntry.objects.filter(code=entry.code).first()
        if row is None:
            row = CatalogueEntry(code=entry.code)
            apply_values(row, now)
            created += 1
            report.added.append(f"catalogue {entry.code}")
        else:
            merged = merge_record(
                f"catalogue {entry.code}", row.shipped or None, now, editable_values(row), report
            )
            apply_values(row, merged)
            updated += 1
        phones = row.extra.get("phones")
        row.extra = {**dict(entry.extra), **({"phones": phones} if phones else {})}
        if phones:
            row.extra["phone"] = phones[0]
        row.kind = kinds[entry.kind]
        row.group = groups[(entry.kind, entry.group)]
        row.source_document = entry.source.document
        row.source_line = entry.source.line
        row.position = entry.position
        row.retired = False
        row.version = version
        row.shipped = now
        row.shipped_version = catalogue.version
        row.save()
    live_codes = {entry.code for entry in catalogue.entries}
    # Entries entered locally (a local hotline) were never shipped: they stay.
    retiring = CatalogueEntry.objects.exclude(code__in=live_codes).filter(
        retired=False, local_organisation__isnull=True
    )
    report.retired += [f"catalogue {code}" for code in retiring.values_list("code", flat=True)]
    retired = retiring.update(retired=True)
    from .translations import load_shipped_translations

    load_shipped_translations()
    if dry_run:
        transaction.set_rollback(True)
    return LoadResult(
        catalogue.version,
        changed=True,
        created=created,
        updated=updated,
        retired=retired,
        merge=report,
        dry_run=dry_run,
    )
