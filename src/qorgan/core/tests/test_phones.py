"""Phone numbers as people type them (issue 15 §2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qorgan.core.phones import (
    PhoneError,
    PhoneListFormField,
    from_stored,
    normalise,
    parse_list,
)


@pytest.mark.parametrize(
    ("typed", "tel"),
    [
        ("+7 727 376 40 37", "+77273764037"),
        ("8 (727) 376-40-37", "+77273764037"),
        ("87273764037", "+77273764037"),
        ("+7(7172)72 01 11", "+77172720111"),  # the MFA's duty diplomat as 004 writes it
        ("00 998 71 123 45 67", "+998711234567"),  # Tashkent, with the international prefix
        ("102", "102"),
        ("11616", "11616"),
        ("112", "112"),
    ],
)
def test_numbers_that_can_be_dialled(typed: str, tel: str) -> None:
    assert normalise(typed) == tel


@pytest.mark.parametrize(
    "typed", ["555-12", "+7 777 6844647 919610", "1409", "call us", "", "+7 727", "12345"]
)
def test_numbers_that_cannot_be_dialled(typed: str) -> None:
    with pytest.raises(PhoneError):
        normalise(typed)


def test_a_list_with_a_fax_and_a_repeat() -> None:
    phones, bad = parse_list("+7 727 3964240 (fax)\n8 727 396 19 38, +7 727 396 19 38; 102")
    assert bad == []
    assert [(p.tel, p.kind) for p in phones] == [
        ("+77273964240", "fax"),
        ("+77273961938", "phone"),
        ("102", "phone"),
    ]
    assert phones[0].display == "+7 727 396 4240"


def test_the_form_field_names_every_bad_number_in_the_users_language() -> None:
    field = PhoneListFormField(required=False)
    with translation.override("kk"), pytest.raises(ValidationError) as error:
        field.clean("+7 701 555 00 00\n555-12\nabc")
    message = error.value.messages[0]
    assert "«555-12», «abc»" in message
    assert "Бұл нөмірді теру мүмкін емес" in message
    assert field.clean("") == []


def test_stored_values_that_cannot_be_dialled_are_not_shown() -> None:
    stored = [
        {"display": "+7 7172 306073, 1409", "tel": "+77172306073"},  # the seed's own text
        {"display": "", "tel": "not a number"},
        "+7 701 555 00 00",  # an old raw-JSON edit: a plain string
        "call us",
        {"display": "+7 727 3964240", "tel": "+77273964240", "kind": "fax"},
    ]
    shown = from_stored(stored)
    assert [(p.tel, p.kind) for p in shown] == [
        ("+77172306073", "phone"),
        ("+77015550000", "phone"),
        ("+77273964240", "fax"),
    ]
    assert shown[0].display == "+7 7172 306073, 1409"
    assert from_stored("not a list") == []
