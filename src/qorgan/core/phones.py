"""Phone numbers of organisations and hotlines: parsed, validated, stored as a list.

A number is stored as ``{"display": ..., "tel": ..., "kind": "phone"|"fax"}``: ``tel`` is the
E.164 form (``+77172306073``) or a national short number that can be dialled in Kazakhstan
(``102``), ``display`` is the text people read. Numbers are parsed with ``phonenumbers``
(region KZ for numbers written without ``+``: ``8 7172 30 60 73`` and ``7172 306073`` are
both ``+77172306073``). A number that cannot be dialled is refused when entered and never
shown: the model field drops it when read (so old rows with a bad value show no dead link).

People type the list as text: one number per line (or separated by commas or semicolons),
``(fax)`` or ``(факс)`` after a fax number. Never raw JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# National short numbers that can be dialled anywhere in Kazakhstan, free of charge, with where
# they come from. 11616, 102 and 103 are in the seeds (001 L102, 004 L38/L56; 002 L935); the
# others are the national emergency and help lines of the Republic of Kazakhstan.
SHORT_NUMBERS: dict[str, str] = {
    "101": "fire and rescue service",
    "102": "police (001 L102, 004 L38)",
    "103": "ambulance (002 L935)",
    "104": "gas emergency service",
    "109": "unified contact centre of local executive bodies",
    "111": "contact centre for family, women and the protection of children's rights",
    "112": "single emergency number",
    "150": "helpline for children and young people",
    "1414": "public services (e-government) contact centre",
    "11616": "national anti-trafficking hotline (001 L102, 004 L38, L56)",
}

KINDS = ("phone", "fax")
_SEPARATORS = re.compile(r"[\n;,]+")
_FAX = re.compile(r"\(?\s*\b(?:fax|факс)\b\s*\)?\s*:?", re.IGNORECASE)
_ALLOWED = re.compile(r"^\+?[\d\s().\-]+$")


class PhoneError(ValueError):
    """A number that cannot be dialled; ``number`` is the text as entered."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


@dataclass(frozen=True)
class Phone:
    display: str
    tel: str
    kind: str = "phone"

    def as_dict(self) -> dict[str, str]:
        return {"display": self.display, "tel": self.tel, "kind": self.kind}


@lru_cache(maxsize=2048)
def normalise(number: str) -> str:
    """The number to dial (E.164, or a short number), or PhoneError if it cannot be dialled."""
    text = " ".join(str(number).split())
    if not text or not _ALLOWED.match(text):
        raise PhoneError(text)
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+") and digits in SHORT_NUMBERS:
        return digits
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, "KZ")
    except phonenumbers.NumberParseException:
        raise PhoneError(text) from None
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError(text)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_dialable(number: str) -> bool:
    try:
        normalise(number)
    except PhoneError:
        return False
    return True


def pretty(tel: str) -> str:
    """How a dialable number is written for people: ``+7 7172 30 60 73``, ``102``."""
    if not tel.startswith("+"):
        return tel
    return phonenumbers.format_number(
        phonenumbers.parse(tel), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def parse_one(text: str) -> Phone:
    """One entered number, ``(fax)`` allowed; PhoneError names the number if it is bad.
    ``display`` is the number written the international way (``+7 7172 30 60 73``)."""
    kind = "fax" if _FAX.search(text) else "phone"
    number = " ".join(_FAX.sub(" ", text).split())
    tel = normalise(number)
    return Phone(display=pretty(tel), tel=tel, kind=kind)


def parse_list(text: str) -> tuple[list[Phone], list[str]]:
    """The numbers in ``text`` (one per line, or separated by ``,``/``;``) and the bad ones."""
    phones: list[Phone] = []
    bad: list[str] = []
    seen: set[tuple[str, str]] = set()
    for item in _SEPARATORS.split(text or ""):
        if not item.strip():
            continue
        try:
            phone = parse_one(item)
        except PhoneError:
            bad.append(" ".join(item.split()))
            continue
        if (phone.tel, phone.kind) not in seen:
            seen.add((phone.tel, phone.kind))
            phones.append(phone)
    return phones, bad


def from_stored(value: Any) -> list[Phone]:
    """The dialable numbers of a stored value: a list of dicts (or, from old edits, strings).
    Anything that cannot be dialled is left out."""
    if not isinstance(value, list):
        return []
    phones = []
    for item in value:
        if isinstance(item, str):
            try:
                phones.append(parse_one(item))
            except PhoneError:
                continue
        elif isinstance(item, dict):
            kind = str(item["kind"]) if item.get("kind") in KINDS else "phone"
            display = " ".join(str(item.get("display") or "").split())
            candidates = [str(item.get("tel") or ""), display]
            for candidate in candidates:
                if candidate and is_dialable(candidate):
                    phones.append(
                        Phone(display=display or candidate, tel=normalise(candidate), kind=kind)
                    )
                    break
    return phones


def error_message(bad: Iterable[str]) -> str:
    numbers = ", ".join(f"«{b}»" for b in bad)
    return gettext(
        "This number cannot be dialled: %(numbers)s. Write it with the country code "
        "(+7 7172 30 60 73) or as a national short number (102, 11616)."
    ) % {"numbers": numbers}


class PhoneListFormField(forms.CharField):
    """A text area: one number per line; cleans to a list of stored dicts."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _(
                "One number per line, with the country code (+7 7172 30 60 73) or a national "
                "short number (102, 11616). Write (fax) after a fax number."
            )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("rows", 3)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        lines = []
        for phone in from_stored(value):
            shown = phone.display
            try:
                if normalise(shown) != phone.tel:
                    shown = pretty(phone.tel)
            except PhoneError:
                shown = pretty(phone.tel)
            lines.append(f"{shown} ({gettext('fax')})" if phone.kind == "fax" else shown)
        return "\n".join(lines)

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        if isinstance(value, list):
            return [p.as_dict() for p in from_stored(value)]
        phones, bad = parse_list(str(value or ""))
        if bad:
            raise ValidationError(error_message(bad), code="phone")
        return [p.as_dict() for p in phones]

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        old = [p.as_dict() for p in from_stored(initial)]
        return [(p["tel"], p["kind"]) for p in old] != [(p["tel"], p["kind"]) for p in new]


class PhoneListField(models.JSONField):
    """A JSON list of ``{"display", "tel", "kind"}``; edited as text, dialable numbers only."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        stored = super().from_db_value(value, expression, connection)
        return [p.as_dict() for p in from_stored(stored)]

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, list):
            value = [p.as_dict() for p in from_stored(value)]
        return super().get_prep_value(value)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("A list of phone numbers is expected."), code="phone")
        bad = []
        for item in value:
            text = item if isinstance(item, str) else str((item or {}).get("tel", ""))
            if not is_dialable(text):
                bad.append(text)
        if bad:
            raise ValidationError(error_message(bad), code="phone")

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {"form_class": PhoneListFormField, **kwargs}
        return models.Field.formfield(self, **defaults)
