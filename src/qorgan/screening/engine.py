"""The screening engine: one person's assessment and the SOP's action plan for them.

Pure and typed: a request (the JSON of SPEC §4) in, a result out; no Django, no database.
The command line (``qorgan screen``), the API and the frontline form all call ``screen``.

- Assessment (002 L404): ``potential_victim`` when at least one sign is recorded,
  ``at_risk`` when no sign but a risk group or a place, else ``no_indication``.
- Suspected forms of exploitation: the forms that the recorded signs and places name
  explicitly (``forms`` in the catalogue), each with the evidence that points to it.
- Actions: the rows of ``rules.RULES`` for the person's track whose condition holds, in
  the SOP's order, with text and source line from the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from qorgan.directory.reference import SUBJECT_KIND_CODES, default_directory
from qorgan.knowledge.catalogue import LANGUAGES, Catalogue, Entry, default_catalogue

from .countries import alpha2_codes
from .rules import Facts, NoteFacts, Rule, Track, notes_for, rules_for

NOTES_FILE = Path(__file__).resolve().parent / "data" / "notes.yaml"

ASSESSMENTS = ("potential_victim", "at_risk", "no_indication")
SEXES = ("female", "male", "unknown")
REQUEST_FIELDS = frozenset(
    {
        "screened_by",
        "reported_to_102",
        "location",
        "person",
        "signs",
        "risk_groups",
        "places",
        "physical_injuries",
        "accepts_help",
    }
)
PERSON_FIELDS = frozenset({"age", "minor", "sex", "citizenship"})
LOCATION_FIELDS = frozenset({"country", "region"})
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
        """Errors keyed by field, nested like the request (``{"person": {"age": [...]}}``)."""
        result: dict[str, Any] = {}
        for error in self.errors:
            path = error.field.split(".")
            node = result
            for part in path[:-1]:
                node = node.setdefault(part, {})
            leaf = path[-1].split("[")[0]
            node.setdefault(leaf, []).append(error.message if "[" not in path[-1] else str(error))
        return result


@dataclass(frozen=True)
class Person:
    age: int | None = None
    minor: bool | None = None
    sex: str = "unknown"
    citizenship: str = "unknown"

    @property
    def is_minor(self) -> bool | None:
        """``minor`` when given overrides ``age`` (SPEC §4); None when neither is known."""
        if self.minor is not None:
            return self.minor
        if self.age is not None:
            return self.age < 18
        return None


@dataclass(frozen=True)
class ScreeningRequest:
    screened_by: str
    country: str = "KZ"
    region: str | None = None
    person: Person = field(default_factory=Person)
    signs: tuple[str, ...] = ()
    risk_groups: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    physical_injuries: bool = False
    accepts_help: bool | None = None
    reported_to_102: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The request in the contract's shape, normalized (the form to store)."""
        return {
            "screened_by": self.screened_by,
            "reported_to_102": self.reported_to_102,
            "location": {"country": self.country, "region": self.region},
            "person": {
                "age": self.person.age,
                "minor": self.person.minor,
                "sex": self.person.sex,
                "citizenship": self.person.citizenship,
            },
            "signs": list(self.signs),
            "risk_groups": list(self.risk_groups),
            "places": list(self.places),
            "physical_injuries": self.physical_injuries,
            "accepts_help": self.accepts_help,
        }


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
        country=country,
        region=region,
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


def screen(data: Any, language: str = "kk", catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Validate a request (the contract's JSON) and evaluate it: the door every interface uses."""
    catalogue = catalogue or default_catalogue()
    return evaluate(parse_request(data, catalogue), language=language, catalogue=catalogue)


def evaluate(
    request: ScreeningRequest, language: str = "kk", catalogue: Catalogue | None = None
) -> dict[str, Any]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    catalogue = catalogue or default_catalogue()
    texts = _localized(catalogue, language)
    assessment = assess(request)
    track = track_of(request)
    facts = facts_of(request)

    evidence = {
        name: [dict(texts.evidence[code]) for code in getattr(request, name)]
        for name in ELEMENT_KINDS
    }
    forms, basis = _exploitation_forms(request, texts)

    actions: list[dict[str, Any]] = []
    if assessment == "potential_victim":
        actions = [dict(texts.actions[rule]) for rule in rules_for(track) if rule.when(facts)]
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
        )
    )

    return {
        "assessment": assessment,
        "exploitation_forms": forms,
        "evidence": evidence,
        "actions": actions,
        "track": track.value,
        "exploitation_basis": basis,
        "notes": [{"code": code, "text": texts.notes[code]} for code in notes],
        "catalogue_version": catalogue.version,
    }


def _exploitation_forms(
    request: ScreeningRequest, texts: _Texts
) -> tuple[list[str], list[dict[str, Any]]]:
    pointing: dict[str, list[str]] = {}
    for code in (*request.signs, *request.places):
        for form in texts.forms_of.get(code, ()):
            pointing.setdefault(form, []).append(code)
    ordered = [form for form in texts.form_order if form in pointing]
    basis = [
        {"form": form, "text": texts.form_text[form], "evidence": pointing[form]}
        for form in ordered
    ]
    return ordered, basis


@dataclass(frozen=True)
class _Texts:
    evidence: dict[str, dict[str, Any]]
    actions: dict[Rule, dict[str, Any]]
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


@lru_cache(maxsize=8)
def _localized(catalogue: Catalogue, language: str) -> _Texts:
    by_code = catalogue.by_code()
    evidence = {
        e.code: {
            "code": e.code,
            "group": e.group,
            "text": e.text.get(language),
            "source": e.source.as_dict(),
        }
        for kind in ELEMENT_KINDS.values()
        for e in catalogue.of_kind(kind)
    }
    actions: dict[Rule, dict[str, Any]] = {}
    from .rules import RULES

    for rule in RULES:
        codes = rule.entry if isinstance(rule.entry, tuple) else (rule.entry,)
        entries = [by_code[code] for code in codes]
        actions[rule] = {
            "code": rule.action,
            "urgency": rule.urgency.value,
            "text": " ".join(action_text(entry, language) for entry in entries),
            "source": entries[0].source.as_dict(),
        }
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
