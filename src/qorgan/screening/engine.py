"""The screening engine: one person's assessment and the SOP's action plan for them.

Pure and typed: a request (the JSON of SPEC §4) in, a result out; no Django, no database.
The command line (``qorgan screen``), the API and the frontline form all call ``screen``.

- Assessment (002 L404): ``potential_victim`` when at least one sign is recorded,
  ``at_risk`` when no sign but a risk group or a place, else ``no_indication``.
- Suspected forms of exploitation: the forms that the recorded signs and places name
  explicitly (``forms`` in the catalogue), each with the evidence that points to it.
- Actions: the rows of ``rules.RULES`` for the person's track whose condition holds, in
  the SOP's order, with text and source line from the catalogue.

The contract is typed: a ``ScreeningRequest`` in, a frozen ``ScreeningResult`` out (nested
frozen dataclasses for evidence, actions, forms and notes). ``ScreeningResult.as_dict()`` is the
JSON of SPEC §4 that the command line prints and the API returns; the API's OpenAPI schemas are
made from these dataclasses (``screening/contract.py``), so they cannot drift apart.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from qorgan.directory.countries import alpha2_codes
from qorgan.directory.reference import SUBJECT_KIND_CODES, default_directory
from qorgan.knowledge.catalogue import LANGUAGES, Catalogue, Entry, default_catalogue

from .rules import RULES, Facts, NoteFacts, Rule, Track, notes_for, rules_for

NOTES_FILE = Path(__file__).resolve().parent / "data" / "notes.yaml"

ASSESSMENTS = ("potential_victim", "at_risk", "no_indication")
SEXES = ("female", "male", "unknown")
ELEMENT_KINDS = {"signs": "sign", "risk_groups": "risk_group", "places": "place"}
MAX_AGE = 130


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ScreeningInputError(ValueError):
    """The request is not valid. ``errors`` names each field and what is wrong with it."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(error) for error in self.errors))

    def as_field_dict(self) -> dict[str, Any]:
        """Errors keyed by field, nested like the request (``{"person": {"age": [...]}}``):
        one level deep, as the request is. A field with errors of its own and of its fields
        (an unknown key "x.y" beside "x") keeps its own under ``non_field_errors``."""
        result: dict[str, Any] = {}
        for error in self.errors:
            path = error.field.split(".", 1)
            node = result
            if len(path) == 2:
                node = result.setdefault(path[0], {})
                if not isinstance(node, dict):  # "x" failed as a whole: "x.y" stays whole
                    node, path = result, [error.field]
            leaf = path[-1].split("[")[0]
            bucket = node.setdefault(leaf, [])
            if isinstance(bucket, dict):
                bucket = bucket.setdefault("non_field_errors", [])
            bucket.append(error.message if "[" not in path[-1] else str(error))
        return result


@dataclass(frozen=True)
class Person:
    age: int | None = field(default=None, metadata={"help": f"0 to {MAX_AGE}"})
    minor: bool | None = field(default=None, metadata={"help": "under 18; overrides age"})
    sex: str = field(default="unknown", metadata={"choices": SEXES})
    citizenship: str = field(
        default="unknown", metadata={"help": "KZ, ISO 3166-1 alpha-2, stateless or unknown"}
    )

    @property
    def is_minor(self) -> bool | None:
        """``minor`` when given overrides ``age`` (SPEC §4); None when neither is known."""
        if self.minor is not None:
            return self.minor
        if self.age is not None:
            return self.age < 18
        return None


@dataclass(frozen=True)
class Location:
    country: str = field(default="KZ", metadata={"help": "ISO 3166-1 alpha-2"})
    region: str | None = field(default=None, metadata={"help": "ISO 3166-2:KZ, only in KZ"})


@dataclass(frozen=True)
class ScreeningRequest:
    """The request of SPEC §4, validated. Its fields are the contract's fields, in its order."""

    screened_by: str = field(metadata={"help": "subject kind code (SPEC §2)"})
    reported_to_102: bool = field(
        default=False, metadata={"help": "police only: came in as a 102 report"}
    )
    location: Location = field(default_factory=Location)
    person: Person = field(default_factory=Person)
    signs: tuple[str, ...] = field(default=(), metadata={"help": "sign codes"})
    risk_groups: tuple[str, ...] = field(default=(), metadata={"help": "risk group codes"})
    places: tuple[str, ...] = field(default=(), metadata={"help": "place codes"})
    physical_injuries: bool = False
    accepts_help: bool | None = None

    @property
    def country(self) -> str:
        return self.location.country

    @property
    def region(self) -> str | None:
        return self.location.region

    def as_dict(self) -> dict[str, Any]:
        """The request in the contract's shape, normalized (the form to store)."""
        data: dict[str, Any] = plain(self)
        return data


REQUEST_FIELDS = frozenset(f.name for f in fields(ScreeningRequest))
PERSON_FIELDS = frozenset(f.name for f in fields(Person))
LOCATION_FIELDS = frozenset(f.name for f in fields(Location))


# --- The result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """Where a text stands: a seed document and its line."""

    document: str
    line: int


@dataclass(frozen=True)
class Evidence:
    """One recorded sign, risk group or place, with its text and source line."""

    code: str
    group: str
    text: str
    source: SourceRef


@dataclass(frozen=True)
class EvidenceSet:
    signs: tuple[Evidence, ...] = ()
    risk_groups: tuple[Evidence, ...] = ()
    places: tuple[Evidence, ...] = ()

    def all(self) -> tuple[Evidence, ...]:
        return (*self.signs, *self.risk_groups, *self.places)


@dataclass(frozen=True)
class Action:
    """One step of the plan: its public code (SPEC §4), urgency, text and source line."""

    code: str
    urgency: str = field(metadata={"choices": ("immediate", "urgent", "routine")})
    text: str
    source: SourceRef


@dataclass(frozen=True)
class FormBasis:
    """A suspected form of exploitation and the recorded codes whose SOP text names it."""

    form: str
    text: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    code: str
    text: str


@dataclass(frozen=True)
class ScreeningResult:
    """The engine's answer. ``as_dict()`` is the JSON of SPEC §4 (CLI, API, stored result)."""

    assessment: str = field(metadata={"choices": ASSESSMENTS})
    exploitation_forms: tuple[str, ...]
    evidence: EvidenceSet
    actions: tuple[Action, ...]
    track: str = field(metadata={"choices": ("subject", "police", "mission")})
    exploitation_basis: tuple[FormBasis, ...]
    notes: tuple[Note, ...]
    catalogue_version: str

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = plain(self)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningResult:
        """A result from its JSON (a stored one), the inverse of ``as_dict``."""
        return build(cls, data)

    def evidence_sources(self) -> dict[str, Evidence]:
        """Each recorded code with its evidence (text and line), for the plan's citations."""
        return {item.code: item for item in self.evidence.all()}

    def forms_with_evidence(self) -> tuple[tuple[FormBasis, SourceRef, tuple[Evidence, ...]], ...]:
        """Each suspected form with the line defining it and the evidence naming it (with lines)."""
        by_code = default_catalogue().by_code()
        sources = self.evidence_sources()
        return tuple(
            (
                basis,
                _source(by_code[basis.form]),
                tuple(sources[code] for code in basis.evidence if code in sources),
            )
            for basis in self.exploitation_basis
            if basis.form in by_code
        )

    def unlinked_evidence(self) -> tuple[Evidence, ...]:
        """Recorded signs and places whose SOP text names no form of exploitation."""
        linked = {code for basis in self.exploitation_basis for code in basis.evidence}
        return tuple(
            item
            for item in (*self.evidence.signs, *self.evidence.places)
            if item.code not in linked
        )

    def action(self, code: str) -> Action | None:
        return next((action for action in self.actions if action.code == code), None)


def plain(value: Any) -> Any:
    """A dataclass as JSON data: dataclasses become dicts (fields in order), tuples lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    return value


T = TypeVar("T")


def build(cls: type[T], data: Any) -> T:
    """The inverse of ``plain`` for the result's dataclasses (types read from the annotations)."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        raw = data[f.name]
        hint = hints[f.name]
        origin = typing.get_origin(hint)
        if isinstance(hint, type) and is_dataclass(hint):
            values[f.name] = build(hint, raw)
        elif origin is tuple:
            item = typing.get_args(hint)[0]
            nested = isinstance(item, type) and is_dataclass(item)
            values[f.name] = tuple(build(item, element) if nested else element for element in raw)
        else:
            values[f.name] = raw
    return cls(**values)


# --- Parsing and validation ------------------------------------------------------------------


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_request(data: Any, catalogue: Catalogue | None = None) -> ScreeningRequest:
    """Validate the contract's JSON and return a request; raise ScreeningInputError naming each field."""
    catalogue = catalogue or default_catalogue()
    errors: list[FieldError] = []
    if not isinstance(data, Mapping):
        raise ScreeningInputError([FieldError("request", "must be a JSON object")])
    for key in sorted(set(data) - REQUEST_FIELDS):
        errors.append(FieldError(str(key), "unknown field"))

    screened_by = data.get("screened_by")
    if screened_by is None:
        errors.append(
            FieldError("screened_by", "is required: the code of the screening subject's kind")
        )
    elif not isinstance(screened_by, str) or screened_by not in SUBJECT_KIND_CODES:
        errors.append(FieldError("screened_by", f"unknown subject kind {screened_by!r}"))

    reported = data.get("reported_to_102", False)
    if not _is_bool(reported):
        errors.append(FieldError("reported_to_102", "must be true or false"))

    country, region = _parse_location(data.get("location"), errors)
    person = _parse_person(data.get("person"), errors)

    elements: dict[str, tuple[str, ...]] = {}
    codes = _codes_by_kind(catalogue)
    for name, kind in ELEMENT_KINDS.items():
        raw = data.get(name, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            errors.append(FieldError(name, "must be a list of codes"))
            elements[name] = ()
            continue
        seen: list[str] = []
        for index, code in enumerate(raw):
            if not isinstance(code, str):
                errors.append(FieldError(f"{name}[{index}]", "must be a code (text)"))
            elif code not in codes[kind]:
                errors.append(
                    FieldError(
                        f"{name}[{index}]", f"unknown {kind.replace('_', ' ')} code {code!r}"
                    )
                )
            elif code not in seen:
                seen.append(code)
        elements[name] = tuple(seen)

    injuries = data.get("physical_injuries", False)
    if not _is_bool(injuries):
        errors.append(FieldError("physical_injuries", "must be true or false"))
    accepts = data.get("accepts_help")
    if accepts is not None and not _is_bool(accepts):
        errors.append(FieldError("accepts_help", "must be true, false or null"))

    if errors:
        raise ScreeningInputError(errors)
    return ScreeningRequest(
        screened_by=str(screened_by),
        location=Location(country=country, region=region),
        person=person,
        signs=elements["signs"],
        risk_groups=elements["risk_groups"],
        places=elements["places"],
        physical_injuries=bool(injuries),
        accepts_help=accepts,
        reported_to_102=bool(reported),
    )


def _parse_location(raw: Any, errors: list[FieldError]) -> tuple[str, str | None]:
    if raw is None:
        return "KZ", None
    if not isinstance(raw, Mapping):
        errors.append(FieldError("location", "must be an object with country and region"))
        return "KZ", None
    for key in sorted(set(raw) - LOCATION_FIELDS):
        errors.append(FieldError(f"location.{key}", "unknown field"))
    country = raw.get("country", "KZ")
    if not isinstance(country, str) or country.strip().upper() not in alpha2_codes():
        errors.append(
            FieldError(
                "location.country", f"must be an ISO 3166-1 alpha-2 country code, not {country!r}"
            )
        )
        return "KZ", None
    country = country.strip().upper()
    region = raw.get("region")
    if region is None or region == "":
        return country, None
    if not isinstance(region, str):
        errors.append(FieldError("location.region", "must be an ISO 3166-2:KZ code or null"))
        return country, None
    if country != "KZ":
        errors.append(
            FieldError(
                "location.region",
                "is a region of Kazakhstan: give it only when location.country is KZ",
            )
        )
        return country, None
    normalized = region_code(region)
    if normalized is None:
        errors.append(FieldError("location.region", f"unknown ISO 3166-2:KZ region {region!r}"))
        return country, None
    return country, normalized


def region_code(value: str) -> str | None:
    """The current ISO 3166-2:KZ code for a current or former code (``KZ-ALA`` → ``KZ-75``)."""
    code = value.strip().upper()
    if not code.startswith("KZ-"):
        code = f"KZ-{code}"
    return _region_codes().get(code)


@lru_cache(maxsize=1)
def _region_codes() -> dict[str, str]:
    return default_directory().region_codes()


def _parse_person(raw: Any, errors: list[FieldError]) -> Person:
    if raw is None:
        return Person()
    if not isinstance(raw, Mapping):
        errors.append(
            FieldError("person", "must be an object with age, minor, sex and citizenship")
        )
        return Person()
    for key in sorted(set(raw) - PERSON_FIELDS):
        errors.append(FieldError(f"person.{key}", "unknown field"))
    age = raw.get("age")
    if age is not None and (not _is_int(age) or not 0 <= age <= MAX_AGE):
        errors.append(
            FieldError("person.age", f"must be a whole number from 0 to {MAX_AGE}, or null")
        )
        age = None
    minor = raw.get("minor")
    if minor is not None and not _is_bool(minor):
        errors.append(FieldError("person.minor", "must be true, false or null"))
        minor = None
    sex = raw.get("sex", "unknown")
    if sex is None:
        sex = "unknown"
    if sex not in SEXES:
        errors.append(FieldError("person.sex", f"must be one of {', '.join(SEXES)}"))
        sex = "unknown"
    citizenship = raw.get("citizenship", "unknown")
    if citizenship is None:
        citizenship = "unknown"
    if not isinstance(citizenship, str):
        errors.append(
            FieldError(
                "person.citizenship", "must be KZ, an ISO 3166-1 alpha-2 code, stateless or unknown"
            )
        )
        citizenship = "unknown"
    elif citizenship not in ("stateless", "unknown"):
        if citizenship.strip().upper() not in alpha2_codes():
            errors.append(
                FieldError(
                    "person.citizenship",
                    f"must be KZ, an ISO 3166-1 alpha-2 code, stateless or unknown, not {citizenship!r}",
                )
            )
            citizenship = "unknown"
        else:
            citizenship = citizenship.strip().upper()
    return Person(age=age, minor=minor, sex=sex, citizenship=citizenship)


@lru_cache(maxsize=4)
def _codes_by_kind_cached(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    return {
        kind: frozenset(e.code for e in catalogue.of_kind(kind)) for kind in ELEMENT_KINDS.values()
    }


def _codes_by_kind(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    return _codes_by_kind_cached(catalogue)


# --- Evaluation -----------------------------------------------------------------------------


def assess(request: ScreeningRequest) -> str:
    if request.signs:
        return "potential_victim"
    if request.risk_groups or request.places:
        return "at_risk"
    return "no_indication"


def facts_of(request: ScreeningRequest) -> Facts:
    citizenship = request.person.citizenship
    return Facts(
        minor=request.person.is_minor,
        female=request.person.sex == "female",
        injuries=request.physical_injuries,
        accepts_help=request.accepts_help,
        reported_to_102=request.reported_to_102 and request.screened_by == "police",
        kz_citizen=citizenship == "KZ",
        foreign_citizen=citizenship not in ("KZ", "stateless", "unknown"),
        stateless=citizenship == "stateless",
    )


def track_of(request: ScreeningRequest) -> Track:
    """Abroad: the missions' steps; in Kazakhstan: the police's or the other subjects'."""
    if request.country != "KZ":
        return Track.MISSION
    return Track.POLICE if request.screened_by == "police" else Track.SUBJECT


def screen(data: Any, language: str = "kk", catalogue: Catalogue | None = None) -> ScreeningResult:
    """Validate a request (the contract's JSON) and evaluate it: the door every interface uses."""
    catalogue = catalogue or default_catalogue()
    return evaluate(parse_request(data, catalogue), language=language, catalogue=catalogue)


def evaluate(
    request: ScreeningRequest, language: str = "kk", catalogue: Catalogue | None = None
) -> ScreeningResult:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    catalogue = catalogue or default_catalogue()
    texts = _localized(catalogue, language)
    assessment = assess(request)
    track = track_of(request)
    facts = facts_of(request)

    evidence = EvidenceSet(
        **{
            name: tuple(texts.evidence[code] for code in getattr(request, name))
            for name in ELEMENT_KINDS
        }
    )
    basis = _exploitation_forms(request, texts)

    actions: tuple[Action, ...] = ()
    if assessment == "potential_victim":
        actions = tuple(texts.actions[rule] for rule in rules_for(track) if rule.when(facts))
    # The notes' conditions are data in rules.NOTES, read by the browser's engine too.
    notes = notes_for(
        NoteFacts(
            assessment=assessment,
            track=track.value,
            screened_by=request.screened_by,
            minor=facts.minor,
            citizenship=request.person.citizenship,
            accepts_help=request.accepts_help,
            stateless=facts.stateless,
            reported_to_102=request.reported_to_102,
            # The SOP's lists of signs and places (002 L443–559) name a form only in a few
            # entries; for the others the plan says so rather than guess.
            no_form_named=bool(request.signs or request.places) and not basis,
        )
    )

    return ScreeningResult(
        assessment=assessment,
        exploitation_forms=tuple(item.form for item in basis),
        evidence=evidence,
        actions=actions,
        track=track.value,
        exploitation_basis=basis,
        notes=tuple(Note(code=code, text=texts.notes[code]) for code in notes),
        catalogue_version=catalogue.version,
    )


def _exploitation_forms(request: ScreeningRequest, texts: _Texts) -> tuple[FormBasis, ...]:
    pointing: dict[str, list[str]] = {}
    for code in (*request.signs, *request.places):
        for form in texts.forms_of.get(code, ()):
            pointing.setdefault(form, []).append(code)
    return tuple(
        FormBasis(form=form, text=texts.form_text[form], evidence=tuple(pointing[form]))
        for form in texts.form_order
        if form in pointing
    )


@dataclass(frozen=True)
class _Texts:
    evidence: dict[str, Evidence]
    actions: dict[Rule, Action]
    notes: dict[str, str]
    forms_of: dict[str, tuple[str, ...]]
    form_order: tuple[str, ...]
    form_text: dict[str, str]


def action_text(entry: Entry, language: str) -> str:
    """The step's text; in the seed's own language the heading it continues comes first."""
    text = entry.text.get(language)
    lead = entry.extra.get("lead")
    if lead and language == "kk" and isinstance(lead, Mapping):
        return f"{lead['kk']} {text}"
    return text


def action_for(
    track: str, code: str, language: str = "kk", catalogue: Catalogue | None = None
) -> Action | None:
    """The text of one step of a track's plan in a language, without evaluating a request
    (a stored plan's step shown again, for example after it is ticked)."""
    texts = _localized(catalogue or default_catalogue(), language)
    return next(
        (texts.actions[rule] for rule in rules_for(Track(track)) if rule.action == code), None
    )


def _source(entry: Entry) -> SourceRef:
    return SourceRef(document=entry.source.document, line=entry.source.line)


@lru_cache(maxsize=8)
def _localized(catalogue: Catalogue, language: str) -> _Texts:
    by_code = catalogue.by_code()
    evidence = {
        e.code: Evidence(code=e.code, group=e.group, text=e.text.get(language), source=_source(e))
        for kind in ELEMENT_KINDS.values()
        for e in catalogue.of_kind(kind)
    }
    actions: dict[Rule, Action] = {}

    for rule in RULES:
        codes = rule.entry if isinstance(rule.entry, tuple) else (rule.entry,)
        entries = [by_code[code] for code in codes]
        actions[rule] = Action(
            code=rule.action,
            urgency=rule.urgency.value,
            text=" ".join(action_text(entry, language) for entry in entries),
            source=_source(entries[0]),
        )
    raw_notes = yaml.safe_load(NOTES_FILE.read_text(encoding="utf-8"))["notes"]
    notes = {code: str(texts[language]) for code, texts in raw_notes.items()}
    forms_of = {
        e.code: tuple(e.extra.get("forms") or ())
        for kind in ("sign", "place")
        for e in catalogue.of_kind(kind)
        if e.extra.get("forms")
    }
    form_entries = catalogue.of_kind("exploitation_form")
    return _Texts(
        evidence=evidence,
        actions=actions,
        notes=notes,
        forms_of=forms_of,
        form_order=tuple(e.code for e in form_entries),
        form_text={e.code: e.text.get(language) for e in form_entries},
    )
