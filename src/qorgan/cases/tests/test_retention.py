"""Retention and lawful requests: anonymised data is gone, the audit trail stays."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation
from tests.staff_pages import build_data
from tests.test_no_raw_codes import enrich
from tests.test_no_raw_codes_outputs import finder, found, output_codes

from qorgan.cases import services
from qorgan.cases.models import Attachment, Case, CaseStatus, ServiceType
from qorgan.core.audit import verify_chain
from qorgan.core.models import AuditEvent
from qorgan.directory.countries import country_name

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


# The coded keys of each part of the export; each has its label beside it (issue 13 §5).
CODED = {
    "case": ("status", "organisation"),
    "person": ("sex", "citizenship", "age_group"),
    "consents": ("purpose", "form", "recipient"),
    "referrals": ("to", "status"),
    "services": ("service", "provider"),
    "route": ("stage", "country"),
    "status_history": ("from", "to"),
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_export_labels_every_code_in_the_language_asked(make_user: Any, language: str) -> None:
    data = build_data(make_user)
    enrich(data, make_user)
    case = Case.objects.get(pk=data.case.pk)
    out = StringIO()
    call_command(
        "person_request",
        "export",
        "--case",
        case.reference,
        "--reason",
        "subject access request 14/2026",
        "--language",
        language,
        stdout=out,
    )
    exported = json.loads(out.getvalue())
    labels: list[str] = [exported["note"]]
    for part, keys in CODED.items():
        records = exported[part] if isinstance(exported[part], list) else [exported[part]]
        assert records, f"the test case has no {part}"
        for record in records:
            for key in keys:
                if record[key] is None:  # a consent that names no organisation
                    assert record[f"{key}_label"] is None
                    continue
                label = record[f"{key}_label"]
                assert label, (part, key)
                assert label != record[key] or key == "age_group", (part, key, label)
                labels.append(label)
    for referral in exported["referrals"]:
        assert len(referral["services_labels"]) == len(referral["services"])
        labels += referral["services_labels"]
    hits = found(finder(output_codes()), labels)
    assert not hits, hits
    # The labels are those of the language asked, whatever the active one.
    with translation.override(language):
        assert exported["case"]["status_label"] == str(CaseStatus(case.status).label)
        service = exported["services"][0]
        assert service["service_label"] == str(ServiceType(service["service"]).label)
        note = translation.gettext(
            "Each code is followed by its meaning (the key ending in _label). The screenings'"
            " requests and assessments are given as they were recorded."
        )
    assert exported["note"] == note
    assert exported["case"]["organisation_label"] == getattr(case.organisation, f"name_{language}")
    route = exported["route"][0]
    assert route["country_label"] == country_name(route["country"], language)
    assert exported["screenings"]  # as recorded
