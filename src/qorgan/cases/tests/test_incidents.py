"""Incidents, person links, duplicate alerts and register imports (issue 13 §3–4)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from openpyxl import Workbook

from qorgan.cases import duplicates, imports, incidents, selectors, services
from qorgan.cases.models import Case, DuplicateStatus, ImportJob, PersonRelation
from qorgan.core.models import AuditEvent
from qorgan.core.spreadsheet import SpreadsheetLimitError
from qorgan.directory.models import Organisation

pytestmark = pytest.mark.django_db
AIGUL = {"surname": "Қасымова", "given_name": "Айгүл", "date_of_birth": "2009-03-14"}


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def person_case(user: Any, data: dict[str, Any]) -> Case:
    case = services.open_case(organisation=user.organisation, by=user)
    return services.update_person(user=user, case=case, expected_version=1, data=data)


# --- Duplicates ---------------------------------------------------------------------------


def test_edit_raises_an_alert_that_names_no_organisation_until_agreed(
    people: dict[str, Any],
) -> None:
    theirs = person_case(people["stranger"], {**AIGUL, "iin": "090314600012"})
    # Russian transliteration of the same name: found by name and date of birth.
    mine = person_case(
        people["manager"],
        {"surname": "Kasymova", "given_name": "Aigul", "date_of_birth": "2009-03-14"},
    )
    assert mine.duplicate_check.alerts == 1  # type: ignore[attr-defined]
    [match] = services.possible_matches(user=people["manager"], case=mine)
    assert match.organisation is None and match.other_reference == "" and match.by == ("name_dob",)
    # Nothing of the other organisation in the audit trail of the look-up either.
    details = AuditEvent.objects.filter(action="duplicate_check").values_list("detail", flat=True)
    assert "ORG03" not in str(list(details))

    alert = match.alert
    with pytest.raises(PermissionDenied):  # a frontline worker does not ask
        duplicates.request_coordination(user=people["worker"], alert=alert)
    duplicates.request_coordination(user=people["manager"], alert=alert)
    [match] = services.possible_matches(user=people["manager"], case=mine)
    assert match.organisation is None
    # Only the other organisation's supervisor answers; it sees who asks.
    with pytest.raises(PermissionDenied):
        duplicates.answer_coordination(user=people["supervisor"], alert=alert, agree=True)
    [asked] = duplicates.requests_for(people["stranger"])
    assert asked.case.organisation.code == "ORG01" and asked.other == theirs
    duplicates.answer_coordination(user=people["stranger"], alert=alert, agree=True)
    [match] = services.possible_matches(user=people["manager"], case=mine)
    assert match.organisation.code == "ORG03" and match.other_reference == theirs.reference
    duplicates.resolve(user=people["manager"], alert=alert, same_person=True)
    # Linked, never merged: two cases, two persons, the data of each untouched.
    assert Case.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert Case.objects.get(pk=theirs.pk).person.iin == "090314600012"
    assert Case.objects.get(pk=mine.pk).person.iin == ""
    assert list(duplicates.linked_duplicates(theirs)) == [alert]
    # Still not readable across organisations.
    assert not selectors.cases_for(people["manager"]).filter(pk=theirs.pk).exists()


def test_declined_coordination_reveals_nothing(people: dict[str, Any]) -> None:
    person_case(people["stranger"], {**AIGUL, "iin": "090314600012"})
    mine = person_case(people["manager"], {"iin": "090314600012"})
    [match] = services.possible_matches(user=people["manager"], case=mine)
    duplicates.request_coordination(user=people["manager"], alert=match.alert)
    duplicates.answer_coordination(user=people["stranger"], alert=match.alert, agree=False)
    [match] = services.possible_matches(user=people["manager"], case=mine)
    assert match.organisation is None and match.alert.status == DuplicateStatus.DECLINED
    with pytest.raises(ValidationError):
        duplicates.resolve(user=people["manager"], alert=match.alert, same_person=True)


def test_lookups_are_rate_limited_per_user_and_audited(
    people: dict[str, Any], settings: Any
) -> None:
    settings.DUPLICATE_LOOKUPS_PER_HOUR = 2
    person_case(people["stranger"], {"iin": "090314600012"})
    results = [
        person_case(people["manager"], {"iin": "090314600012"}).duplicate_check  # type: ignore[attr-defined]
        for _ in range(3)
    ]
    assert [(r.alerts, r.limited) for r in results] == [(1, False), (1, False), (0, True)]
    assert AuditEvent.objects.filter(action="duplicate_check_refused").count() == 1
    # Another user of the same organisation has their own allowance.
    other = person_case(people["supervisor"], {"iin": "090314600012"})
    assert other.duplicate_check.alerts == 1  # type: ignore[attr-defined]


# --- Incidents ----------------------------------------------------------------------------


def test_incident_links_three_persons_and_family(people: dict[str, Any]) -> None:
    incident = incidents.open_incident(
        user=people["worker"],
        kind="group_transport",
        summary="bus from Shymkent",
        people_reported=3,
    )
    cases = [incidents.add_person(user=people["worker"], incident=incident) for _ in range(3)]
    assert [c.organisation.code for c in cases] == ["ORG01"] * 3
    assert incidents.visible_cases(people["manager"], incident) == cases
    incidents.link_persons(user=people["worker"], case=cases[0], other=cases[1], relation="parent")
    assert incidents.links_of(people["worker"], cases[1]) == [("is the child of", cases[0])]
    assert incidents.links_of(people["worker"], cases[0]) == [
        (str(PersonRelation.PARENT.label), cases[1])
    ]
    with pytest.raises(ValidationError):
        incidents.link_persons(
            user=people["worker"], case=cases[1], other=cases[0], relation="sibling"
        )
    # Another organisation sees neither the incident nor its cases, and cannot add to it.
    assert incidents.incident_for(people["stranger"], incident.pk) is None
    assert incidents.visible_cases(people["stranger"], incident) == []
    with pytest.raises(PermissionDenied):
        incidents.add_person(user=people["stranger"], incident=incident)
    their_case = services.open_case(organisation=org("ORG03"), by=people["stranger"])
    with pytest.raises(PermissionDenied):
        incidents.add_person(user=people["worker"], incident=incident, case=their_case)
    with pytest.raises(PermissionDenied):
        incidents.link_persons(
            user=people["worker"], case=cases[0], other=their_case, relation="group"
        )
    # Roles that do not work with persons' data open none.
    with pytest.raises(PermissionDenied):
        incidents.open_incident(user=people["coordinator"], kind="workplace")


# --- Imports ------------------------------------------------------------------------------


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RU_HEADER = [
    "Номер в реестре",
    "Фамилия",
    "Имя",
    "Дата рождения",
    "Пол",
    "ИИН",
    "Регион",
    "Формы эксплуатации",
]


def test_dry_run_reports_problems_by_row_and_column_in_the_users_language(
    people: dict[str, Any],
) -> None:
    content = xlsx(
        [
            RU_HEADER,
            ["1", "Серикова", "Асель", "14.03.2009", "женский", "", "KZ-75", "forced_labour"],
            ["2", "Омарова", "Лязат", "31.02.1990", "ж", "123", "KZ-99", "nonsense"],
            ["", "", "", "", "", "", "", ""],  # empty: skipped
            ["4", "", "", "", "м", "", "", ""],
        ]
    )
    with translation.override("ru"):
        job = imports.dry_run(
            user=people["manager"], fmt="register", name="reestr.xlsx", content=content
        )
    assert job.rows == 3 and not job.blob
    found = {(p["row"], p["column"]) for p in job.problems}
    assert {(3, "Дата рождения"), (3, "ИИН"), (3, "Формы эксплуатации"), (5, "")} <= found
    assert all(any("а" <= ch <= "я" for ch in p["message"]) for p in job.problems), job.problems
    assert Case.objects.count() == 0  # a dry run keeps nothing
    with pytest.raises(ValidationError):
        imports.confirm(user=people["manager"], job=job)


def test_import_runs_in_the_task_all_or_nothing_with_duplicate_check(
    people: dict[str, Any],
) -> None:
    person_case(people["stranger"], {**AIGUL, "iin": "090314600012"})
    content = (
        "Тегі,Аты,Туған күні,Жынысы,ЖСН\n"
        "Қасымова,Айгүл,2009-03-14,әйел,090314600012\n"
        "Омаров,Нұрлан,1990,ер,\n"
    ).encode()
    job = imports.dry_run(user=people["manager"], fmt="register", name="tizim.csv", content=content)
    assert job.problems == [] and job.rows == 2 and job.blob
    assert default_storage.exists(job.blob)
    assert content not in default_storage.open(job.blob).read()  # stored encrypted
    blob = job.blob
    with pytest.raises(PermissionDenied):
        imports.confirm(user=people["stranger"], job=job)
    with translation.override("kk"):
        imports.confirm(user=people["manager"], job=job)
    imports.run_import(str(job.pk), "kk")  # what the worker does (tests run tasks on commit)
    job.refresh_from_db()
    assert (job.status, job.created, job.alerts, job.blob) == ("done", 2, 1, "")
    assert not default_storage.exists(blob)
    mine = Case.objects.filter(organisation=org("ORG01"))
    assert sorted(c.person.given_name for c in mine) == ["Айгүл", "Нұрлан"]
    assert AuditEvent.objects.filter(action="import", object_id=str(job.pk)).exists()


def test_file_over_the_limits_is_refused_at_once(people: dict[str, Any], settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    content = xlsx([RU_HEADER] + [["1", "А", "Б"]] * 10)
    with pytest.raises(SpreadsheetLimitError):
        imports.dry_run(user=people["manager"], fmt="register", name="big.xlsx", content=content)
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(SpreadsheetLimitError):
        imports.dry_run(user=people["manager"], fmt="register", name="a.csv", content=b"x" * 101)
    assert ImportJob.objects.count() == 0
    with pytest.raises(PermissionDenied):
        imports.dry_run(user=people["worker"], fmt="register", name="a.csv", content=b"")


def test_htcds_round_trip(people: dict[str, Any]) -> None:
    """Qorgan's own HTCDS 2.0 export read back: what the export carries is kept."""
    from qorgan.core.spreadsheet import to_csv
    from qorgan.monitoring import htcds

    record = htcds.record(
        reference="Q2026-ABCDEF",
        status="identified",
        history=["detected"],
        closure_reason="",
        owner="ORG03",
        decision_body="",
        decision_recorder_kind="",
        signs=[],
        sex="female",
        citizenship="UZ",
        forms=["forced_labour", "sexual_exploitation"],
        roles=["transporter"],
        referred_by="",
        referred_in_on="",
        referred_to="",
        referral_services=[],
        referred_on="",
        consent=True,
    )
    content = to_csv(htcds.FIELDS, [[record[f] for f in htcds.FIELDS]])
    job = imports.dry_run(user=people["manager"], fmt="htcds", name="htcds.csv", content=content)
    assert job.problems == [] and job.rows == 1
    imports.confirm(user=people["manager"], job=job)
    imports.run_import(str(job.pk))
    [case] = Case.objects.all()
    assert (case.person.sex, case.person.citizenship) == ("female", "UZ")
    assert case.exploitation_forms == ["forced_labour", "sexual_exploitation"]
    assert case.perpetrator_roles == ["transporter"]


# --- Pages --------------------------------------------------------------------------------


def test_triage_of_a_report_about_several_people_opens_an_incident(
    client: Any, people: dict[str, Any]
) -> None:
    from qorgan.cases.models import Incident
    from qorgan.directory.models import Region
    from qorgan.portal.models import Report

    officer = people["manager"]
    Organisation.objects.filter(pk=officer.organisation_id).update(triages_reports=True)
    report = Report.objects.create(
        number=7,
        receipt_index="incident-test",
        received_on=timezone.localdate(),
        language="ru",
        what="Одиннадцать человек на стройке, паспорта забрали",
        region=Region.objects.get(code="KZ-75"),
        place="Алматы",
    )
    client.force_login(officer)
    answer = client.post(f"/ru/reports/{report.number}/incident/", {"people": "11"})
    incident = Incident.objects.get()
    assert answer["Location"] == f"/ru/cases/incidents/{incident.pk}/"
    assert (incident.kind, incident.people_reported, incident.source_report) == ("report", 11, 7)
    assert incident.organisation == officer.organisation and incident.region.code == "KZ-75"
    report.refresh_from_db()
    assert report.status == "case_opened"
    client.post(f"/ru/reports/{report.number}/incident/", {"people": "11"})  # not twice
    assert Incident.objects.count() == 1
    page = client.get(f"/ru/cases/incidents/{incident.pk}/").content.decode()
    assert "Сообщение о нескольких людях" in page and "№ 7" in page
    # Each person gets a case from the incident's page.
    client.post(f"/ru/cases/incidents/{incident.pk}/person/")
    assert incident.links.count() == 1


def test_a_case_found_with_others_opens_an_incident(client: Any, people: dict[str, Any]) -> None:
    from qorgan.cases.models import Incident

    case = services.open_case(organisation=org("ORG01"), by=people["worker"])
    client.force_login(people["stranger"])
    assert client.post(f"/kk/cases/{case.pk}/incident/", {"people": "4"}).status_code == 404
    client.force_login(people["worker"])
    client.post(f"/kk/cases/{case.pk}/incident/", {"people": "4"})
    incident = Incident.objects.get()
    assert incident.kind == "screening" and [link.case for link in incident.links.all()] == [case]


def test_the_template_speaks_the_users_language_and_workers_do_not_import(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["manager"])
    template = client.get("/kk/cases/import/template.csv").content.decode("utf-8-sig")
    assert template.splitlines()[0].startswith("Тізілімдегі нөмірі,Тегі,Аты")
    client.force_login(people["worker"])
    assert client.get("/kk/cases/import/").status_code == 403
