"""Validation and keyed indexes of a person's identifiers (pure, no Django).

The indexes let Qorgan find the same person again (by IIN, passport, or name and date of
birth in any script) without decrypting anything; see ``core.crypto.blind_index``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

IIN_RE = re.compile(r"^\d{12}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
DOB_RE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")


def iin_is_valid(iin: str) -> bool:
    """Kazakhstan's individual identification number: 12 digits, the last a check digit."""
    if not IIN_RE.match(iin):
        return False
    digits = [int(c) for c in iin]
    total = sum(d * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11
    if total == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        total = sum(d * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if total == 10:
            return False
    return total == digits[11]


def normalize_passport(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def parse_date_of_birth(value: str, today: date) -> tuple[int, date | None]:
    """``YYYY-MM-DD`` or ``YYYY`` → (year, full date or None). Raises ValueError with a clear message."""
    match = DOB_RE.match(value.strip())
    if not match:
        raise ValueError("write the date of birth as YYYY-MM-DD, or YYYY if only the year is known")
    year = int(match.group(1))
    full = None
    if match.group(2):
        try:
            full = date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise ValueError("this date of birth does not exist") from None
    if year < today.year - 130 or (full or date(year, 1, 1)) > today:
        raise ValueError("the date of birth must be in the past and not more than 130 years ago")
    return year, full


def age_group(age: int | None) -> str:
    """Age groups for statistics (never the exact age)."""
    if age is None:
        return "unknown"
    for upper, label in ((13, "0-13"), (17, "14-17"), (24, "18-24"), (34, "25-34"), (49, "35-49")):
        if age <= upper:
            return label
    return "50+"


def age_on(year: int, full: date | None, today: date) -> int:
    if full is None:
        return today.year - year
    return today.year - full.year - ((today.month, today.day) < (full.month, full.day))


def indexes(
    *,
    surname: str,
    given_name: str,
    patronymic: str,
    date_of_birth: str,
    iin: str,
    passport_number: str,
    keyed_hash: Callable[[str, str], str],
    name_key: Callable[[str, str, str], str],
) -> dict[str, str]:
    """The blind indexes of a person; empty where the data to build one is missing."""
    result = {"iin_index": "", "passport_index": "", "name_dob_index": ""}
    if iin:
        result["iin_index"] = keyed_hash("iin", iin)
    if passport_number:
        result["passport_index"] = keyed_hash("passport", normalize_passport(passport_number))
    # The patronymic is left out: one organisation often records it and another not.
    key = name_key(surname, given_name, "")
    if surname.strip() and given_name.strip() and date_of_birth:
        result["name_dob_index"] = keyed_hash("name_dob", f"{key}#{date_of_birth}")
    return result
