"""The knowledge catalogue as plain data: read and validated from the versioned YAML files.

No Django here: the command line, the loader into the database and the screening engine all
read the catalogue through this module. The format is described in docs/reference-data.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCES_DIR = Path(__file__).resolve().parents[3] / "docs" / "sources"
LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")

# The order in which kinds are listed (files are read in this order).
KIND_FILES: tuple[tuple[str, str], ...] = (
    ("definition", "definitions.yaml"),
    ("legal_basis", "legal_basis.yaml"),
    ("exploitation_form", "exploitation_forms.yaml"),
    ("risk_group", "risk_groups.yaml"),
    ("place", "places.yaml"),
    ("sign", "signs.yaml"),
    ("leaflet_sign", "leaflet_signs.yaml"),
    ("control_means", "control_means.yaml"),
    ("action_step", "action_steps.yaml"),
    ("victim_right", "victim_rights.yaml"),
    ("migrant_victim_right", "migrant_victim_rights.yaml"),
    ("migrant_right", "migrant_rights.yaml"),
    ("migrant_duty", "migrant_duties.yaml"),
    ("safety_advice", "safety_advice.yaml"),
    ("protection_option", "protection_options.yaml"),
    ("hotline", "hotlines.yaml"),
)

# The language each seed document is written in: its entries quote that language verbatim.
DOCUMENT_LANGUAGE: Mapping[str, str] = {
    "000_f90ee90f3a4f51bd.txt": "kk",
    "001_c43514df4386a13a.txt": "kk",
    "002_6818977b591e9dac.txt": "kk",
    "003_0aac4eb2a5329bb9.txt": "kk",
    "004_7637feebdf7d6f62.txt": "ru",
}

# The kinds a screening form shows: each of their entries and groups (and the kind itself)
# has a short label (a few words, kk/ru/en) beside its verbatim text.
SHORT_LABEL_KINDS: tuple[str, ...] = ("risk_group", "place", "sign")
SHORT_LABEL_MAX = 80
DOCUMENTS_FILE = "documents.yaml"

_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class CatalogueError(ValueError):
    """The catalogue files are not valid; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    document: str
    line: int

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "line": self.line}


@dataclass(frozen=True)
class Text:
    kk: str
    ru: str
    en: str

    def get(self, language: str) -> str:
        return str(getattr(self, language))


@dataclass(frozen=True)
class Group:
    kind: str
    code: str
    title: Text
    source: Source | None
    position: int
    short: Text | None = None


@dataclass(frozen=True, eq=False)
class Entry:
    code: str
    kind: str
    group: str
    text: Text
    source: Source
    position: int
    extra: Mapping[str, Any] = field(default_factory=dict)
    short: Text | None = None  # a few words for the screening form (SHORT_LABEL_KINDS)

    def public(self, language: str) -> dict[str, Any]:
        """The entry as ``qorgan catalog`` prints it (SPEC §4)."""
        return {
            "code": self.code,
            "kind": self.kind,
            "group": self.group,
            "text": self.text.get(language),
            "source": self.source.as_dict(),
        }


@dataclass(frozen=True)
class Kind:
    code: str
    title: Text
    position: int
    short: Text | None = None


@dataclass(frozen=True)
class Document:
    """A seed document: its file name, its number (``002``) and its title in three languages."""

    file: str
    number: str
    title: Text


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per load
class Catalogue:
    version: str
    checksum: str
    kinds: tuple[Kind, ...]
    groups: tuple[Group, ...]
    entries: tuple[Entry, ...]
    documents: tuple[Document, ...] = ()

    def document(self, file: str) -> Document | None:
        return next((d for d in self.documents if d.file == file), None)

    def by_code(self) -> dict[str, Entry]:
        return {entry.code: entry for entry in self.entries}

    def of_kind(self, kind: str) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.kind == kind)

    def as_public_json(self, language: str) -> dict[str, Any]:
        if language not in LANGUAGES:
            raise CatalogueError(
                f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}"
            )
        return {
            "version": self.version,
            "entries": [entry.public(language) for entry in self.entries],
        }


def parse_text(raw: Any, where: str) -> Text:
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{where}: text must be a mapping of kk, ru and en")
    values = {}
    for lang in LANGUAGES:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{where}: missing {lang} text")
        values[lang] = value.strip()
    return Text(**values)


def parse_short(raw: Any, where: str, required: bool) -> Text | None:
    """A short label: kk, ru and en, each a few words (at most SHORT_LABEL_MAX characters)."""
    if raw is None:
        if required:
            raise CatalogueError(f"{where}: missing short label (short: {{kk, ru, en}})")
        return None
    text = parse_text(raw, f"{where} short")
    for lang in LANGUAGES:
        if len(text.get(lang)) > SHORT_LABEL_MAX:
            raise CatalogueError(
                f"{where}: short {lang} label is longer than {SHORT_LABEL_MAX} characters"
            )
    return text


def parse_source(raw: Any, where: str, sources_dir: Path) -> Source:
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{where}: source must be {{document, line}}")
    document, line = raw.get("document"), raw.get("line")
    if document not in DOCUMENT_LANGUAGE:
        raise CatalogueError(f"{where}: unknown source document {document!r}")
    if not isinstance(line, int) or line < 1:
        raise CatalogueError(f"{where}: source line must be a positive whole number")
    if line > line_count(sources_dir / str(document)):
        raise CatalogueError(f"{where}: source line {line} is past the end of {document}")
    return Source(document=str(document), line=line)


@lru_cache(maxsize=16)
def line_count(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def checksum_of(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_version(data_dir: Path = DATA_DIR) -> str:
    try:
        version = (data_dir / "VERSION").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise CatalogueError(f"{data_dir / 'VERSION'} is missing") from None
    if not re.fullmatch(r"\d{4}\.\d{2}\.\d+", version):
        raise CatalogueError(f"VERSION must look like YYYY.MM.N, not {version!r}")
    return version


def load_catalogue(data_dir: Path = DATA_DIR, sources_dir: Path = SOURCES_DIR) -> Catalogue:
    """Read every kind file, validate it and return the catalogue in display order."""
    version = read_version(data_dir)
    kinds: list[Kind] = []
    groups: list[Group] = []
    entries: list[Entry] = []
    seen_codes: dict[str, str] = {}
    paths = [data_dir / "VERSION"]
    for kind_position, (kind_code, filename) in enumerate(KIND_FILES):
        path = data_dir / filename
        paths.append(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CatalogueError(f"{filename} is missing") from None
        except yaml.YAMLError as exc:
            raise CatalogueError(f"{filename}: not valid YAML: {exc}") from None
        if not isinstance(raw, Mapping) or raw.get("kind") != kind_code:
            raise CatalogueError(f"{filename}: must declare kind: {kind_code}")
        needs_short = kind_code in SHORT_LABEL_KINDS
        kinds.append(
            Kind(
                code=kind_code,
                title=parse_text(raw.get("title"), f"{filename} title"),
                position=kind_position,
                short=parse_short(raw.get("short"), f"{filename} title", needs_short),
            )
        )
        group_codes: set[str] = set()
        for position, raw_group in enumerate(raw.get("groups") or []):
            where = f"{filename} group #{position + 1}"
            code = str(raw_group.get("code", ""))
            if not _CODE_RE.match(code) or code in group_codes:
                raise CatalogueError(
                    f"{where}: group code {code!r} is missing, malformed or repeated"
                )
            group_codes.add(code)
            source = raw_group.get("source")
            groups.append(
                Group(
                    kind=kind_code,
                    code=code,
                    title=parse_text(raw_group.get("title"), where),
                    source=parse_source(source, where, sources_dir) if source else None,
                    position=position,
                    short=parse_short(raw_group.get("short"), where, needs_short),
                )
            )
        raw_entries = raw.get("entries") or []
        if not raw_entries:
            raise CatalogueError(f"{filename}: has no entries")
        for position, raw_entry in enumerate(raw_entries):
            code = str(raw_entry.get("code", ""))
            where = f"{filename} entry {code or '#' + str(position + 1)}"
            if not _CODE_RE.match(code):
                raise CatalogueError(f"{where}: code is missing or malformed")
            if code in seen_codes:
                raise CatalogueError(f"{where}: code already used in {seen_codes[code]}")
            seen_codes[code] = filename
            group = str(raw_entry.get("group", ""))
            if group not in group_codes:
                raise CatalogueError(f"{where}: group {group!r} is not declared in groups")
            extra = {
                key: value
                for key, value in raw_entry.items()
                if key not in {"code", "kind", "group", "text", "source", "short"}
            }
            entries.append(
                Entry(
                    code=code,
                    kind=kind_code,
                    group=group,
                    text=parse_text(raw_entry.get("text"), where),
                    source=parse_source(raw_entry.get("source"), where, sources_dir),
                    position=position,
                    extra=extra,
                    short=parse_short(raw_entry.get("short"), where, needs_short),
                )
            )
    paths.append(data_dir / DOCUMENTS_FILE)
    return Catalogue(
        version=version,
        checksum=checksum_of(paths),
        kinds=tuple(kinds),
        groups=tuple(groups),
        entries=tuple(entries),
        documents=load_documents(data_dir),
    )


def load_documents(data_dir: Path = DATA_DIR) -> tuple[Document, ...]:
    """The seed documents' titles (``documents.yaml``): one for every document cited."""
    path = data_dir / DOCUMENTS_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{DOCUMENTS_FILE} is missing") from None
    documents = []
    for item in (raw or {}).get("documents") or []:
        file = item.get("file")
        if file not in DOCUMENT_LANGUAGE:
            raise CatalogueError(f"{DOCUMENTS_FILE}: unknown document {file!r}")
        documents.append(
            Document(
                file=file,
                number=str(file).split("_")[0],
                title=parse_text(item.get("title"), f"{DOCUMENTS_FILE} {file}"),
            )
        )
    missing = set(DOCUMENT_LANGUAGE) - {d.file for d in documents}
    if missing:
        raise CatalogueError(f"{DOCUMENTS_FILE}: no title for {', '.join(sorted(missing))}")
    return tuple(documents)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue shipped with this version of Qorgan, read once per process."""
    return load_catalogue()


# --- Checking text against the seed --------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]+>")
_BULLET_RE = re.compile(r"^\s*(?:[-•✓]\s+)+(?:\d+\)\s+)?|^\s*\d+\)\s+")


def normalize_seed_text(text: str) -> str:
    """Remove markup, a leading bullet and extra white space, as docs/reference-data.md says."""
    text = text.replace("**", "")
    text = _TAG_RE.sub(" ", text)
    text = _BULLET_RE.sub("", text)
    return " ".join(text.split())


def seed_line(document: str, line: int, sources_dir: Path = SOURCES_DIR) -> str:
    return _seed_lines(sources_dir / document)[line - 1]


@lru_cache(maxsize=16)
def _seed_lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").split("\n"))


def stands_on_source_line(
    text: str, document: str, line: int, sources_dir: Path = SOURCES_DIR
) -> bool:
    """Whether ``text`` (in the document's own language) stands verbatim on its source line.

    A text of one line must be a substring of the line. A paragraph joined from several
    narrow leaflet lines must begin on the line: the line ends with the paragraph's
    beginning (at least two words of it, or the whole line), a line-end hyphen aside.
    """
    haystack = normalize_seed_text(seed_line(document, line, sources_dir))
    needle = normalize_seed_text(text).rstrip(";,")
    if not needle:
        return False
    if needle in haystack:
        return True
    words = haystack.split(" ")
    for start in range(len(words)):
        tail_words = words[start:]
        tail = " ".join(tail_words)
        if (
            tail.endswith("-")
            and needle.startswith(tail[:-1])
            and (start == 0 or len(tail_words) >= 2)
        ):
            return True
        if (
            needle.startswith(tail)
            and len(needle) > len(tail)
            and (start == 0 or len(tail_words) >= 2)
        ):
            return True
    return False
