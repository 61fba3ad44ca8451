"""Writes to the directory: loading the reference files, staff edits of organisations."""

from __future__ import annotations

from django.db import transaction

from .models import Direction, Duty, Organisation, Region, SubjectKind
from .reference import Directory


@transaction.atomic
def load_directory_into_db(*, directory: Directory) -> dict[str, int]:
    """Update the directory tables from the files by code; never duplicate.

    Organisations from the files are updated by code; organisations added by staff (no
    source line) are left as they are.
    """
    directions = {}
    for d in directory.directions:
        directions[d.code], _ = Direction.objects.update_or_create(
            code=d.code,
            defaults={
                "title_kk": d.title.kk,
                "title_ru": d.title.ru,
                "title_en": d.title.en,
                "description_kk": d.description.kk,
                "description_ru": d.description.ru,
                "description_en": d.description.en,
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
                "name_kk": k.name.kk,
                "name_ru": k.name.ru,
                "name_en": k.name.en,
                "abbreviation_kk": k.abbreviation.kk if k.abbreviation else "",
                "abbreviation_ru": k.abbreviation.ru if k.abbreviation else "",
                "abbreviation_en": k.abbreviation.en if k.abbreviation else "",
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
                    "text_kk": duty.text.kk,
                    "text_ru": duty.text.ru,
                    "text_en": duty.text.en,
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
                "name_kk": r.name.kk,
                "name_ru": r.name.ru,
                "name_en": r.name.en,
                "centre_kk": r.centre.kk,
                "centre_ru": r.centre.ru,
                "centre_en": r.centre.en,
                "position": r.position,
            },
        )
    for o in directory.organisations:
        organisation, _ = Organisation.objects.update_or_create(
            code=o.code,
            defaults={
                "kind": kinds[o.kind],
                "group": o.group,
                "name_kk": o.name.kk,
                "name_ru": o.name.ru,
                "name_en": o.name.en,
                "city_kk": o.city.kk,
                "city_ru": o.city.ru,
                "city_en": o.city.en,
                "region": regions[o.region],
                "phones": [{"display": p.display, "tel": p.tel, "kind": p.kind} for p in o.phones],
                "email": o.email,
                "is_help_organisation": True,
                "note_kk": o.note.kk if o.note else "",
                "note_ru": o.note.ru if o.note else "",
                "note_en": o.note.en if o.note else "",
                "source_document": o.source.document,
                "source_line": o.source.line,
            },
        )
        organisation.serves_regions.set([regions[code] for code in o.serves_regions])
    return {
        "directions": len(directions),
        "subject_kinds": len(kinds),
        "duties": duty_count,
        "regions": len(regions),
        "organisations": len(directory.organisations),
    }
