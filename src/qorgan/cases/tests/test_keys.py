"""Key rotation: data written under an old key stays readable, and is re-encrypted under the new one."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from qorgan.cases import duplicates, services
from qorgan.cases.models import Case
from qorgan.core import crypto

pytestmark = pytest.mark.django_db
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


def raw_surname(case: Case) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT surname FROM cases_person WHERE id = %s",
            [case.person_id.hex if connection.vendor == "sqlite" else case.person_id],
        )
        return str(cursor.fetchone()[0])


def test_rotation_keeps_old_data_readable_and_re_encrypts_it(
    people: dict[str, Any], settings: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    case = services.open_case(organisation=people["worker"].organisation, by=people["worker"])
    services.update_person(
        user=people["worker"], case=case, expected_version=1, data={"surname": "Нұрланова"}
    )
    attachment = services.add_attachment(
        user=people["worker"], case=case, name="a.png", content=PNG
    )
    token_before = raw_surname(case)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # the new key first, the old one still readable
    assert Case.objects.get(pk=case.pk).person.surname == "Нұрланова"
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "cases.Person" in out.getvalue()
    assert raw_surname(case) != token_before

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed: everything still reads
    assert Case.objects.get(pk=case.pk).person.surname == "Нұрланова"
    assert services.read_attachment(user=people["worker"], attachment=attachment) == PNG

    settings.FIELD_ENCRYPTION_KEYS = [OLD]  # and the old key alone no longer opens it
    with pytest.raises(crypto.DecryptionError):
        Case.objects.get(pk=case.pk).person.surname  # noqa: B018


def test_a_new_blind_index_key_with_a_reindex_finds_the_person_again(
    people: dict[str, Any], settings: Any
) -> None:
    from qorgan.directory.models import Organisation

    mine = services.open_case(organisation=people["worker"].organisation, by=people["worker"])
    theirs = services.open_case(
        organisation=Organisation.objects.get(code="ORG03"), by=people["stranger"]
    )
    services.update_person(
        user=people["worker"],
        case=mine,
        expected_version=1,
        data={"surname": "Омарова", "given_name": "Ляззат", "date_of_birth": "1990"},
    )
    services.update_person(
        user=people["stranger"],
        case=theirs,
        expected_version=1,
        data={"surname": "Omarova", "given_name": "Lyazzat", "date_of_birth": "1990"},
    )
    assert duplicates.find_matches(Case.objects.get(pk=mine.pk))

    settings.BLIND_INDEX_KEY = "a-brand-new-blind-index-key-for-this-test"
    # One person is saved again under the new key, the other still has the old key's index:
    services.update_person(
        user=people["stranger"],
        case=Case.objects.get(pk=theirs.pk),
        expected_version=2,
        data={"phone": "1"},
    )
    assert duplicates.find_matches(Case.objects.get(pk=mine.pk)) == {}
    call_command("reindex_persons", stdout=StringIO())
    assert duplicates.find_matches(Case.objects.get(pk=mine.pk)) == {theirs.pk: ["name_dob"]}
