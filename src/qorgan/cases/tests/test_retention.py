"""Retention and lawful requests: anonymised data is gone, the audit trail stays."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from qorgan.cases import services
from qorgan.cases.models import Attachment, Case
from qorgan.core.audit import verify_chain
from qorgan.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 16


def closed_case(people: dict[str, Any], days_ago: int) -> Case:
    case = services.open_case(
        organisation=people["worker"].organisation,
        by=people["worker"],
        facts=services.PersonFacts(sex="female", citizenship="KZ", age=20),
    )
    services.update_person(
        user=people["worker"],
        case=case,
        expected_version=1,
        data={
            "surname": "Серікова",
            "given_name": "Дана",
            "iin": "880501300124",
            "date_of_birth": "1988-05-01",
        },
    )
    services.add_attachment(user=people["worker"], case=case, name="passport.png", content=PNG)
    services.change_status(
        user=people["supervisor"],
        case=case,
        expected_version=2,
        target="closed",
        closure_reason="returned home",
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return Case.objects.get(pk=case.pk)


def test_retention_anonymises_old_closed_cases_only(people: dict[str, Any]) -> None:
    old, recent = closed_case(people, 400), closed_case(people, 10)
    out = StringIO()
    call_command("apply_retention", "--days", "365", stdout=out)
    assert "Anonymised 1 case" in out.getvalue()
    old = Case.objects.get(pk=old.pk)
    assert old.person.surname == "" and old.person.iin == "" and old.person.iin_index == ""
    assert (old.stat_sex, old.stat_age_group, old.status) == (
        "female",
        "18-24",
        "closed",
    )  # statistics stay
    assert not Attachment.objects.filter(case=old).exists()
    assert Case.objects.get(pk=recent.pk).person.surname == "Серікова"
    assert AuditEvent.objects.filter(action="anonymise", object_id=str(old.pk)).exists()
    assert verify_chain().intact
    call_command("apply_retention", "--days", "365", stdout=(again := StringIO()))
    assert "Anonymised 0 case" in again.getvalue()


def test_export_and_erase_on_request(people: dict[str, Any]) -> None:
    case = closed_case(people, 1)
    out = StringIO()
    call_command(
        "person_request",
        "export",
        "--case",
        case.reference,
        "--reason",
        "subject access request 12/2026",
        stdout=out,
    )
    exported = json.loads(out.getvalue())
    assert (
        exported["person"]["surname"] == "Серікова"
        and exported["case"]["reference"] == case.reference
    )
    call_command(
        "person_request",
        "erase",
        "--case",
        case.reference,
        "--reason",
        "erasure request 13/2026",
        stdout=StringIO(),
    )
    assert Case.objects.get(pk=case.pk).person.given_name == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT surname, iin_index FROM cases_person")
        for surname, _index in cursor.fetchall():
            assert "Серікова" not in str(surname)
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert "subject_access_export" in actions and "anonymise" in actions
    with pytest.raises(CommandError, match="no case"):
        call_command("person_request", "erase", "--case", "Q0000-NOPE", "--reason", "x")
