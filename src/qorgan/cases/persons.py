"""Opening a case and editing its person (with the duplicate check)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.crypto import blind_index
from qorgan.directory.countries import alpha2_codes
from qorgan.directory.models import Organisation, Region

from . import duplicates, identity
from .models import (
    Case,
    Person,
)
from .names import person_name_key
from .service_base import (
    PERSON_TEXT_FIELDS,
    _bump_version,
    _date_of_birth_error,
    _new_reference,
    _require,
)


@dataclass(frozen=True)
class PersonFacts:
    """What a screening knows about the person: no identifier, only the SOP's conditions."""

    sex: str = "unknown"
    citizenship: str = "unknown"
    age: int | None = None
    minor: bool | None = None


@transaction.atomic
def open_case(
    *,
    organisation: Organisation,
    by: User,
    facts: PersonFacts | None = None,
    region: Region | None = None,
    exploitation_forms: Iterable[str] = (),
    detection_source: str = "",
) -> Case:
    """Open a case at ``organisation`` (status detected). The reference is random, not a counter,
    so that it tells nothing about how many cases an organisation has."""
    facts = facts or PersonFacts()
    person = Person.objects.create(
        sex=facts.sex,
        citizenship=facts.citizenship,
        age_group=identity.age_group(facts.age),
        # Marked a minor without a known age: the case presumes minority until the age is established.
        minor_presumed=facts.minor is True and facts.age is None,
    )
    case = Case.objects.create(
        reference=_new_reference(),
        organisation=organisation,
        person=person,
        created_by=by,
        region=region,
        exploitation_forms=list(exploitation_forms),
        stat_sex=person.sex,
        stat_age_group=person.age_group,
        stat_citizenship=person.citizenship,
        detection_source=detection_source or organisation.kind.code,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        object_type="cases.Case",
        object_id=case.pk,
        fields=["person"],
    )
    return case


def _clean_person(data: dict[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in PERSON_TEXT_FIELDS:
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > 300:
                errors[field] = _("at most 300 characters")
            cleaned[field] = value
    if "date_of_birth" in data:
        value = str(data["date_of_birth"] or "").strip()
        if value:
            try:
                identity.parse_date_of_birth(value, today)
            except ValueError as exc:
                errors["date_of_birth"] = _date_of_birth_error(str(exc))
        cleaned["date_of_birth"] = value
    if "iin" in data:
        value = str(data["iin"] or "").strip()
        if value and not identity.iin_is_valid(value):
            errors["iin"] = _("an IIN has 12 digits and a valid check digit")
        cleaned["iin"] = value
    if "passport_number" in data:
        value = identity.normalize_passport(str(data["passport_number"] or ""))
        if value and not identity.PASSPORT_RE.match(value):
            errors["passport_number"] = _("5 to 20 Latin letters and digits")
        cleaned["passport_number"] = value
    if "sex" in data:
        if data["sex"] not in {"female", "male", "unknown"}:
            errors["sex"] = _("female, male or unknown")
        cleaned["sex"] = data["sex"]
    if "citizenship" in data:
        value = str(data["citizenship"] or "unknown").strip()
        value = value.upper() if value not in {"stateless", "unknown"} else value
        if value not in {"stateless", "unknown"} and value not in alpha2_codes():
            errors["citizenship"] = _("KZ, an ISO 3166-1 alpha-2 code, stateless or unknown")
        cleaned["citizenship"] = value
    if "minor_presumed" in data:
        if not isinstance(data["minor_presumed"], bool):
            errors["minor_presumed"] = _("true or false")
        cleaned["minor_presumed"] = data["minor_presumed"]
    unknown = set(data) - set(cleaned) - set(errors)
    for field in sorted(unknown):
        errors[field] = _("unknown field")
    return cleaned, errors


def person_indexes(person: Person) -> dict[str, str]:
    """The blind indexes of a person's current data (for finding them again), under the current
    index key; ``update_person`` and ``qorgan reindex_persons`` store them."""
    return identity.indexes(
        surname=person.surname,
        given_name=person.given_name,
        patronymic=person.patronymic,
        date_of_birth=person.date_of_birth,
        iin=person.iin,
        passport_number=person.passport_number,
        keyed_hash=blind_index,
        name_key=person_name_key,
    )


@transaction.atomic
def update_person(
    *,
    user: User,
    case: Case,
    expected_version: int,
    data: dict[str, Any],
    check_duplicates: bool = True,
) -> Case:
    """Record or correct the person's data (encrypted), refresh the blind indexes."""
    _require(
        "case.edit",
        user,
        case,
        _("only the organisation that opened the case edits the person's data"),
    )
    today = timezone.localdate()
    cleaned, errors = _clean_person(data, today)
    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})
    person = Person.objects.select_for_update().get(pk=case.person_id)
    _bump_version(case, expected_version)
    for field, value in cleaned.items():
        setattr(person, field, value)
    if person.date_of_birth:
        year, full = identity.parse_date_of_birth(person.date_of_birth, today)
        age = identity.age_on(year, full, today)
        person.age_group = identity.age_group(age)
    indexes = person_indexes(person)
    identifiers_changed = any(getattr(person, f) != v for f, v in indexes.items())
    for field, value in indexes.items():
        setattr(person, field, value)
    person.save()
    audit.record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="cases.Person",
        object_id=person.pk,
        fields=cleaned,
    )
    case.person = person
    # The duplicate check runs by itself whenever the identifiers change (issue 13 §3): the
    # caller tells the user. An import checks its persons itself, outside the hourly limit.
    if check_duplicates and identifiers_changed:
        case.duplicate_check = duplicates.check_person(user=user, case=case)  # type: ignore[attr-defined]
    return case


def possible_matches(*, user: User, case: Case) -> list[duplicates.Match]:
    """The case's possible matches at other organisations: that one exists and by what; which
    organisation holds it only once that organisation's supervisor agreed (``duplicates``)."""
    _require("case.view", user, case, _("you cannot see this case"))
    return duplicates.matches_for(user=user, case=case)
