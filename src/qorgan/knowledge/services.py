"""Writes to the catalogue tables: loading a version of the reference data files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import localized_columns
from qorgan.core.phones import from_stored
from qorgan.core.reference_merge import MergeReport, merge_record

from .catalogue import Catalogue, Entry
from .models import (
    CatalogueEntry,
    CatalogueGroup,
    CatalogueKind,
    CatalogueVersion,
    EntryRevision,
    editable_values,
)
from .translations import load_shipped_translations


def shipped_values(entry: Entry) -> dict[str, Any]:
    """The editable values of an entry as the data files ship them (compared by the merge)."""
    phone = entry.extra.get("phone")
    return {
        **localized_columns("text", entry.text),
        **localized_columns("short", entry.short),
        "phones": [str(phone)] if phone else [],  # the numbers to dial (tel), as the merge compares
    }


def _phone_dicts(value: Any) -> list[dict[str, str]]:
    """Numbers as ``{"display", "tel", "kind"}`` (core.phones); what cannot be dialled is dropped."""
    return [p.as_dict() for p in from_stored(list(value or []))]


def apply_values(row: CatalogueEntry, values: dict[str, Any]) -> None:
    """Set an entry's editable values; the first phone is also ``extra["phone"]``."""
    for name, value in values.items():
        if name == "phones":
            phones = _phone_dicts(value)
            row.extra = {**row.extra, "phones": phones}
            if phones:
                row.extra["phone"] = phones[0]["tel"]
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
            row.extra["phone"] = phones[0]["tel"]
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

    load_shipped_translations()

    # A load that changed shipped texts or met a local edit is audited, as the directory's is
    # (a first load into an empty database adds the shipped data and is not an edit).
    if report.applied or report.conflicts or report.kept_local or report.retired:
        audit.record(
            actor=None,
            action=AuditAction.CATALOGUE_LOAD,
            object_type="knowledge.CatalogueVersion",
            object_id=catalogue.version,
            detail={
                "applied": len(report.applied),
                "kept_local": len(report.kept_local),
                "conflicts": len(report.conflicts),
                "added": len(report.added),
                "retired": len(report.retired),
            },
        )
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


# --- Local edits (admin, directory editors) ---------------------------------------------------


def _revision_values(entry: CatalogueEntry) -> dict[str, Any]:
    return editable_values(entry)


@transaction.atomic
def edit_entry(
    *, user: Any, entry: CatalogueEntry, values: dict[str, Any], reason: str
) -> EntryRevision | None:
    """Change an entry's editable values (texts, short labels, a hotline's phones) as a new
    version with who, when and why. The shipped (verbatim seed) values stay in
    ``entry.shipped``; the next load keeps this edit (three-way merge). Audited."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the text is changed.")]})
    before = editable_values(entry)
    apply_values(entry, values)
    after = editable_values(entry)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return None
    entry.save()
    number = (entry.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = EntryRevision.objects.create(
        entry=entry, number=number, values=after, reason=reason.strip(), author=user
    )
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="knowledge.CatalogueEntry",
        object_id=entry.pk,
        fields=changed,
        detail={"code": entry.code, "version": number},
    )
    return revision


@transaction.atomic
def add_local_hotline(
    *,
    user: Any,
    code: str,
    texts: dict[str, str],
    phones: list[Any],
    organisation: Any,
    reason: str,
) -> CatalogueEntry:
    """A hotline entered in Qorgan (not in a seed): its source is "local: entered by
    <organisation> on <date>". Kept by every later load. Audited."""
    kind = CatalogueKind.objects.get(code="hotline")
    group = kind.groups.order_by("position").first()
    live = CatalogueVersion.objects.filter(is_live=True).first()
    entry = CatalogueEntry(
        code=code,
        kind=kind,
        group=group,
        local_organisation=organisation,
        local_entered_on=timezone.localdate(),
        version=live,
        position=1000,
    )
    apply_values(entry, {**{f"text_{c}": t for c, t in texts.items()}, "phones": phones})
    entry.full_clean(exclude=["version", "group", "kind"])
    entry.save()
    EntryRevision.objects.create(
        entry=entry, number=1, values=editable_values(entry), reason=reason.strip(), author=user
    )
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="knowledge.CatalogueEntry",
        object_id=entry.pk,
        fields=sorted(editable_values(entry)),
        detail={"code": entry.code, "local": True},
    )
    return entry
