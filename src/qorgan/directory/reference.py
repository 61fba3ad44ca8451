"""The directory reference data as plain, validated data (no Django)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from qorgan.knowledge.catalogue import (
    LANGUAGES,
    SOURCES_DIR,
    CatalogueError,
    Source,
    Text,
    checksum_of,
    parse_source,
    parse_text,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("subject_kinds.yaml", "regions.yaml", "organisations.yaml")

# SPEC §2: the fourteen subject kinds, in this order. These codes are a public interface.
SUBJECT_KIND_CODES: tuple[str, ...] = (
    "police",
    "labour_social",
    "border_service",
    "health_ministry",
    "education_ministry",
    "foreign_mission",
    "tourism_ministry",
    "culture_information_ministry",
    "local_executive_body",
    "health_organization",
    "education_organization",
    "ngo",
    "tourism_or_recruitment_business",
    "international_organization",
)
DIRECTION_CODES: tuple[str, ...] = ("cooperation", "prevention", "detection", "protection")
_REGION_RE = re.compile(r"^KZ-\d{2}$")


@dataclass(frozen=True)
class Direction:
    code: str
    title: Text
    description: Text
    source: Source
    position: int


@dataclass(frozen=True)
class Duty:
    kind: str
    direction: str
    text: Text
    source: Source
    position: int
    applies_to: str = ""


@dataclass(frozen=True)
class SubjectKind:
    code: str
    name: Text
    abbreviation: Text | None
    source: Source
    position: int
    duties: tuple[Duty, ...]


@dataclass(frozen=True)
class Region:
    code: str
    legacy_code: str | None
    kind: str
    name: Text
    centre: Text
    position: int


@dataclass(frozen=True)
class Phone:
    display: str
    tel: str
    kind: str = "phone"


@dataclass(frozen=True)
class Organisation:
    code: str
    kind: str
    group: str
    name: Text
    city: Text
    region: str
    serves_regions: tuple[str, ...]
    phones: tuple[Phone, ...]
    email: str
    source: Source
    note: Text | None
    position: int


@dataclass(frozen=True)
class Directory:
    checksum: str
    directions: tuple[Direction, ...]
    kinds: tuple[SubjectKind, ...]
    regions: tuple[Region, ...]
    organisations: tuple[Organisation, ...] = field(default_factory=tuple)

    def region_codes(self) -> dict[str, str]:
        """Every accepted region code (current and legacy) mapped to the current one."""
        codes = {region.code: region.code for region in self.regions}
        for region in self.regions:
            if region.legacy_code:
                codes[region.legacy_code] = region.code
        return codes


def _read(path: Path) -> Mapping[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{path.name} is missing") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{path.name}: must be a mapping")
    return raw


def _optional_text(raw: Any, where: str) -> Text | None:
    return parse_text(raw, where) if raw else None


def load_directory(data_dir: Path = DATA_DIR, sources_dir: Path = SOURCES_DIR) -> Directory:
    kinds_raw = _read(data_dir / "subject_kinds.yaml")
    directions = []
    for position, raw in enumerate(kinds_raw.get("directions") or []):
        where = f"subject_kinds.yaml direction {raw.get('code')!r}"
        directions.append(
            Direction(
                code=str(raw.get("code")),
                title=parse_text(raw.get("title"), where),
                description=parse_text(raw.get("description"), where),
                source=parse_source(raw.get("source"), where, sources_dir),
                position=position,
            )
        )
    if tuple(d.code for d in directions) != DIRECTION_CODES:
        raise CatalogueError(f"subject_kinds.yaml: directions must be {', '.join(DIRECTION_CODES)}")

    kinds = []
    for position, raw in enumerate(kinds_raw.get("kinds") or []):
        code = str(raw.get("code"))
        where = f"subject_kinds.yaml kind {code!r}"
        duties = []
        for duty_position, raw_duty in enumerate(raw.get("duties") or []):
            duty_where = f"{where} duty #{duty_position + 1}"
            direction = str(raw_duty.get("direction"))
            if direction not in DIRECTION_CODES:
                raise CatalogueError(f"{duty_where}: unknown direction {direction!r}")
            duties.append(
                Duty(
                    kind=code,
                    direction=direction,
                    text=parse_text(raw_duty.get("text"), duty_where),
                    source=parse_source(raw_duty.get("source"), duty_where, sources_dir),
                    position=duty_position,
                    applies_to=str(raw_duty.get("applies_to") or ""),
                )
            )
        kinds.append(
            SubjectKind(
                code=code,
                name=parse_text(raw.get("name"), where),
                abbreviation=_optional_text(raw.get("abbreviation"), where),
                source=parse_source(raw.get("source"), where, sources_dir),
                position=position,
                duties=tuple(duties),
            )
        )
    if tuple(k.code for k in kinds) != SUBJECT_KIND_CODES:
        raise CatalogueError("subject_kinds.yaml: kinds must be the fourteen of SPEC §2, in order")

    regions = []
    for position, raw in enumerate(_read(data_dir / "regions.yaml").get("regions") or []):
        code = str(raw.get("code"))
        where = f"regions.yaml region {code!r}"
        if not _REGION_RE.match(code):
            raise CatalogueError(f"{where}: code must look like KZ-NN")
        if raw.get("kind") not in {"region", "city"}:
            raise CatalogueError(f"{where}: kind must be region or city")
        legacy = raw.get("legacy_code")
        regions.append(
            Region(
                code=code,
                legacy_code=str(legacy) if legacy else None,
                kind=str(raw["kind"]),
                name=parse_text(raw.get("name"), where),
                centre=parse_text(raw.get("centre"), where),
                position=position,
            )
        )
    region_codes = {r.code for r in regions}
    if len(region_codes) != len(regions):
        raise CatalogueError("regions.yaml: region codes repeat")

    organisations = []
    for position, raw in enumerate(
        _read(data_dir / "organisations.yaml").get("organisations") or []
    ):
        code = str(raw.get("code"))
        where = f"organisations.yaml organisation {code!r}"
        kind = str(raw.get("kind"))
        if kind not in SUBJECT_KIND_CODES:
            raise CatalogueError(f"{where}: unknown subject kind {kind!r}")
        region = str(raw.get("region"))
        serves = tuple(str(r) for r in raw.get("serves_regions") or [region])
        for r in (region, *serves):
            if r not in region_codes:
                raise CatalogueError(f"{where}: unknown region {r!r}")
        phones = tuple(
            Phone(
                display=str(p["display"]),
                tel=str(p.get("tel") or ""),
                kind=str(p.get("kind") or "phone"),
            )
            for p in raw.get("phones") or []
        )
        organisations.append(
            Organisation(
                code=code,
                kind=kind,
                group=str(raw.get("group") or ""),
                name=parse_text(raw.get("name"), where),
                city=parse_text(raw.get("city"), where),
                region=region,
                serves_regions=serves,
                phones=phones,
                email=str(raw.get("email") or ""),
                source=parse_source(raw.get("source"), where, sources_dir),
                note=_optional_text(raw.get("note"), where),
                position=position,
            )
        )
    return Directory(
        checksum=checksum_of(data_dir / name for name in FILES),
        directions=tuple(directions),
        kinds=tuple(kinds),
        regions=tuple(regions),
        organisations=tuple(organisations),
    )


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    return load_directory()


__all__ = ["LANGUAGES", "Directory", "default_directory", "load_directory"]
