"""Writes to the directory: loading the reference files, staff edits of organisations."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import column_names, localized_columns
from qorgan.core.phones import from_stored
from qorgan.core.reference_merge import MergeReport, merge_record

from .models import Direction, Duty, Organisation, OrganisationSnapshot, Region, SubjectKind
from .reference import Directory
from .reference import Organisation as ShippedOrganisation

# The fields of an organisation that the reference files ship and a person may edit here.
MERGED_FIELDS = (
    "kind",
    "group",
    *column_names("name", "city"),
    "region",
    "serves_regions",
    "phones",
    "email",
    *column_names("note"),
    "source_document",
    "source_line",
)


def shipped_values(o: ShippedOrganisation) -> dict[str, Any]:
    """An organisation of the files as the plain values compared by the merge."""
    return {
        "kind": o.kind,
        "group": o.group,
        **localized_columns("name", o.name),
        **localized_columns("city", o.city),
        "region": o.region,
        "serves_regions": sorted(o.serves_regions),
        "phones": [{"display": p.display, "tel": p.tel, "kind": p.kind} for p in o.phones],
        "email": o.email,
        **localized_columns("note", o.note),
        "source_document": o.source.document,
        "source_line": o.source.line,
    }


def local_values(org: Organisation) -> dict[str, Any]:
    """An organisation in the database as the same plain values."""
    values: dict[str, Any] = {name: getattr(org, name) for name in MERGED_FIELDS}
    values["kind"] = org.kind.code
    values["region"] = org.region.code
    values["serves_regions"] = sorted(r.code for r in org.serves_regions.all())
    values["phones"] = [p.as_dict() for p in from_stored(org.phones)]
    return values


def _merge_organisation(
    o: ShippedOrganisation,
    *,
    kinds: dict[str, SubjectKind],
    regions: dict[str, Region],
    version: str,
    report: MergeReport,
) -> None:
    now = shipped_values(o)
    org = Organisation.objects.filter(code=o.code).select_related("kind", "region").first()
    snapshot = OrganisationSnapshot.objects.filter(code=o.code).first()
    record = f"organisation {o.code}"
    if org is None:
        merged = now
        report.added.append(record)
    else:
        local = local_values(org)
        # Without a snapshot (data loaded before snapshots were kept) nothing is known to have
        # been shipped differently: a value that differs is treated as a local edit and kept.
        before = snapshot.values if snapshot else now
        applied_before = len(report.applied)
        merged = merge_record(record, before, now, local, report)
        changed = [name for _, name in report.applied[applied_before:]]
        if changed:
            audit.record(
                actor=None,
                action=AuditAction.DIRECTORY_LOAD_UPDATE,
                object_type="directory.Organisation",
                object_id=o.code,
                fields=changed,
                detail={"version": version},
            )
    fields = {name: merged[name] for name in MERGED_FIELDS if name != "serves_regions"}
    fields["kind"] = kinds[merged["kind"]]
    fields["region"] = regions.get(merged["region"]) or regions[o.region]
    fields["is_help_organisation"] = True
    if org is None:
        org = Organisation.objects.create(code=o.code, **fields)
    else:
        for name, value in fields.items():
            setattr(org, name, value)
        org.save()
    org.serves_regions.set([regions[c] for c in merged["serves_regions"] if c in regions])
    OrganisationSnapshot.objects.update_or_create(
        code=o.code, defaults={"version": version, "values": now}
    )


@transaction.atomic
def edit_organisation(
    org: Organisation, *, actor: Any, changed: list[str], editor: Organisation | None
) -> None:
    """Save a person's edit of an organisation: marked local (who, when) and audited."""
    if changed:
        org.edited_by = editor
        org.edited_on = timezone.localdate()
    org.save()
    audit.record(
        actor=actor,
        action=AuditAction.DIRECTORY_EDIT,
        object_type="directory.Organisation",
        object_id=org.code,
        fields=changed,
    )


@transaction.atomic
def load_directory_into_db(
    *, directory: Directory, version: str = "", report: MergeReport | None = None
) -> dict[str, int]:
    """Update the directory tables from the files by code; never duplicate.

    Directions, subject kinds, duties and regions are the SOP's and are replaced. Organisations
    from the files are merged three ways (the values the previous version shipped, kept in
    ``OrganisationSnapshot``; the values shipped now; the values in the database): what changed
    only upstream is applied, a local edit is kept, a field changed on both sides differently is
    kept local and reported in ``report``. Organisations added by staff are left as they are.
    """
    directions = {}
    for d in directory.directions:
        directions[d.code], _ = Direction.objects.update_or_create(
            code=d.code,
            defaults={
                **localized_columns("title", d.title),
                **localized_columns("description", d.description),
                "source_document": d.source.document,
                "source_line": d.source.line,
                "position": d.position,
            },
        )
    duty_count = 0
    kinds = {}
    for k in directory.kinds:
        kinds[k.code], _ = SubjectKind.objects.update_or_create(
            code=k.code,
            defaults={
                **localized_columns("name", k.name),
                **localized_columns("abbreviation", k.abbreviation),
                "source_document": k.source.document,
                "source_line": k.source.line,
                "position": k.position,
            },
        )
        for duty in k.duties:
            Duty.objects.update_or_create(
                kind=kinds[k.code],
                position=duty.position,
                defaults={
                    "direction": directions[duty.direction],
                    **localized_columns("text", duty.text),
                    "applies_to": duty.applies_to,
                    "source_document": duty.source.document,
                    "source_line": duty.source.line,
                },
            )
            duty_count += 1
        Duty.objects.filter(kind=kinds[k.code], position__gte=len(k.duties)).delete()

    regions = {}
    for r in directory.regions:
        regions[r.code], _ = Region.objects.update_or_create(
            code=r.code,
            defaults={
                "legacy_code": r.legacy_code or "",
                "kind": r.kind,
                **localized_columns("name", r.name),
                **localized_columns("centre", r.centre),
                "position": r.position,
            },
        )
    report = report if report is not None else MergeReport()
    for o in directory.organisations:
        _merge_organisation(o, kinds=kinds, regions=regions, version=version, report=report)
    return {
        "directions": len(directions),
        "subject_kinds": len(kinds),
        "duties": duty_count,
        "regions": len(regions),
        "organisations": len(directory.organisations),
    }
