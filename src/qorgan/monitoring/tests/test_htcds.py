"""HTCDS 2.0 exports, validated field by field against the standard's field list
(../shared/standards/htcds-2.0-fields.csv, shipped as docs/standards/htcds-2.0-fields.csv):
names, types and picklist values; the mappings the issue found wrong; who gets which scope."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.models import Case
from qorgan.directory.models import Organisation, Region, SubjectKind
from qorgan.monitoring import htcds
from qorgan.monitoring.models import ExportJob

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[4]
FIELD_LIST = ROOT / "docs" / "standards" / "htcds-2.0-fields.csv"
CATALOGUE = ROOT / "src" / "qorgan" / "knowledge" / "data" / "control_means.yaml"


def standard() -> dict[str, dict[str, Any]]:
    """Field name → its type and picklist values, from the standard's own list."""
    with FIELD_LIST.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        r["Field Name including Prefix"]: {
            "type": r["Field Type"],
            "core": (r["Core"] or "").strip() == "Core",
            "values": [v.strip() for v in (r["Value Names (if picklist)"] or "").splitlines()],
        }
        for r in rows
        if r["Field Name including Prefix"]
    }


def validate(header: list[str], rows: list[list[str]]) -> None:
    """Every column a field of the standard (or Salesforce's Id/ParentId), every value of its
    type: picklists from the list, multiselects ';'-joined values of it, dates ISO, checkboxes
    true/false, country fields ISO 3166 alpha-2."""
    fields = standard()
    unknown = [name for name in header if name not in fields and name not in htcds.EXTRA_FIELDS]
    assert not unknown, f"not fields of HTCDS 2.0: {unknown}"
    for row in rows:
        assert len(row) == len(header)
        for name, value in zip(header, row, strict=True):
            if name in htcds.EXTRA_FIELDS or value == "":
                continue
            spec = fields[name]
            kind = spec["type"]
            iso = "ISO 3166" in " ".join(spec["values"])
            if kind == "Picklist" and not iso:
                assert value in spec["values"], (name, value)
            elif (kind == "Multiselect Picklist" and iso) or name.endswith("Country"):
                assert all(re.fullmatch(r"[A-Z]{2}", v) for v in value.split(";")), (name, value)
            elif kind == "Multiselect Picklist":
                parts = value.split(";")
                assert parts == sorted(set(parts)), (name, value)
                assert set(parts) <= set(spec["values"]), (name, value)
            elif kind == "Date":
                date.fromisoformat(value)
            elif kind == "Checkbox":
                assert value in ("true", "false"), (name, value)


def read(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def export(client: Any, fmt: str, capture: Any) -> tuple[list[str], list[list[str]]]:
    with capture(execute=True):
        response = client.post("/en/monitoring/exports/", {"kind": "htcds", "fmt": fmt})
        assert response.status_code == 302
    job = ExportJob.objects.filter(kind="htcds", fmt=fmt).latest("requested_at")
    assert job.status == ExportJob.Status.READY
    download = client.get(f"/en/monitoring/exports/{job.pk}/")
    assert download.status_code == 200
    assert f"qorgan-htcds-2.0-{fmt}.csv" in download["Content-Disposition"]
    return read(download.content)


def regional_coordinator(make_user: Any) -> Any:
    """A coordinator of Almaty's local executive body: the region's commission secretariat."""
    akimat = Organisation.objects.create(
        code="AKIMAT75",
        kind=SubjectKind.objects.get(code="local_executive_body"),
        name_kk="Алматы қаласының әкімдігі",
        region=Region.objects.get(code="KZ-75"),
    )
    user = make_user(username="coord", role=Role.COORDINATOR, organisation="")
    user.organisation = akimat
    user.save()
    return user


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    """Two cases in Almaty (KZ-75) and one in Astana (KZ-71) of ORG01, with what the HTCDS
    fields come from: route events, a referral in and out, an identification by the police,
    a screening's signs, consent."""
    supervisor = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    other = make_user(username="sup2", role=Role.SUPERVISOR, organisation="ORG02")
    almaty, astana = Region.objects.get(code="KZ-75"), Region.objects.get(code="KZ-71")
    made = []
    for region, sex in ((almaty, "female"), (almaty, "male"), (astana, "female")):
        made.append(
            cases.open_case(
                organisation=supervisor.organisation,
                by=supervisor,
                facts=cases.PersonFacts(sex=sex, citizenship="UZ", age=30),
                region=region,
                exploitation_forms=["forced_labour", "sexual_exploitation"],
            )
        )
    first = made[0]
    day = timezone.localdate() - timedelta(days=30)
    cases.record_route_event(
        user=supervisor, case=first, stage="recruitment", country="UZ", occurred_on=day
    )
    cases.record_route_event(
        user=supervisor, case=first, stage="exploitation", country="KZ", occurred_on=day
    )
    cases.record_route_event(user=supervisor, case=first, stage="transit", country="KG")
    consent = cases.record_consent(
        user=supervisor, case=first, purpose="referral", form="written", given_on=day
    )
    cases.send_referral(
        user=supervisor,
        case=first,
        to_organisation=other.organisation,
        services=["psychological", "return"],
        due_on=timezone.localdate() + timedelta(days=5),
        consent=consent,
    )
    first.refresh_from_db()
    cases.change_status(
        user=supervisor,
        case=first,
        expected_version=first.version,
        target="identified",
        identification_date=day,
        identification_body="Department of Police of Almaty",
    )
    second = made[1]
    cases.change_status(
        user=supervisor,
        case=second,
        expected_version=second.version,
        target="identified",
        identification_date=day,
        identification_body="Решение прокуратуры",
    )
    third = made[2]
    cases.change_status(
        user=supervisor,
        case=third,
        expected_version=third.version,
        target="closed",
        closure_reason='=HYPERLINK("http://evil")',
    )
    from qorgan.screening.models import Screening

    Screening.objects.create(
        organisation=supervisor.organisation,
        screened_by_user=supervisor,
        subject_kind="ngo",
        assessment="potential_victim",
        track="adult",
        language="ru",
        catalogue_version="test",
        request={"signs": ["S12", "S21", "S17", "S30"]},
        result={},
        case=first,
    )
    return {
        "supervisor": supervisor,
        "other": other,
        "cases": made,
    }


def test_supervisor_export_validates_and_maps_what_the_case_records(
    client: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world["supervisor"])
    header, rows = export(client, "cases", django_capture_on_commit_callbacks)
    validate(header, rows)
    assert header == list(htcds.FIELDS)
    records = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    first, second, third = (records[c.reference] for c in world["cases"])
    assert len(records) == 3
    # The case owner is a user, not the organisation's code.
    assert first["cas_CaseOwner"] == "sup" != world["supervisor"].organisation.code
    assert first["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert second["vic_TraffickingStatusDecisionMakingOrg"] == "CourtOrProsecution"
    assert third["vic_TraffickingStatusDecisionMakingOrg"] == ""  # no decision yet
    assert first["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    # Signs S12 (documents held), S21 (children controlled), S17 (debt); S30 shows no means.
    assert first["vic_MethodsOfControl"] == "DebtBondage;ThreatensChildrenFamily;WithholdsDocuments"
    assert third["vic_MethodsOfControl"] == ""
    assert third["cas_Status"] == "Closed" and first["cas_Status"] == "Active"
    assert third["cas_ReasonForCaseClosure"].startswith("'=")  # never a live formula
    assert first["cas_ReferredOrganisation"] == "ORG02"
    assert first["cas_ReasonForOutgoingReferral"] == "MigrationOrChangeOfLocation"
    assert first["cas_OutgoingReferralDate"] == timezone.localdate().isoformat()
    assert first["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    assert first["con_Consent"] == "true" and third["con_Consent"] == "false"
    assert first["prs_Citizenship"] == "UZ"


def test_one_historic_trafficking_event_per_route_event(
    client: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world["supervisor"])
    header, rows = export(client, "events", django_capture_on_commit_callbacks)
    validate(header, rows)
    reference = world["cases"][0].reference
    day = (timezone.localdate() - timedelta(days=30)).isoformat()
    events = sorted((r[1], r[2], r[3], r[4]) for r in rows)
    assert events == [
        (reference, "Exploitation", "KZ", day),
        (reference, "Recruitment", "UZ", day),
        (reference, "Transit", "KG", ""),
    ]
    assert len({r[0] for r in rows}) == 3  # each event its own record


def test_the_receiving_organisation_sees_the_incoming_referral(
    client: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    referral = world["cases"][0].referrals.get()
    cases.respond_to_referral(user=world["other"], referral=referral, accept=True)
    client.force_login(world["other"])
    header, rows = export(client, "cases", django_capture_on_commit_callbacks)
    validate(header, rows)
    (record,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert record["Id"] == world["cases"][0].reference
    assert record["cas_ReferringOrganisation"] == "ORG01"
    assert record["cas_IncomingReferralDate"] == timezone.localdate().isoformat()
    assert record["cas_ReferredOrganisation"] == ""  # ORG02 has referred it nowhere


def test_coordinators_get_their_scope_de_identified(
    client: Any, make_user: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    regional = regional_coordinator(make_user)  # Almaty's akimat: KZ-75
    client.force_login(regional)
    header, rows = export(client, "cases", django_capture_on_commit_callbacks)
    validate(header, rows)
    references = {c.reference for c in Case.objects.all()}
    ids = [r[0] for r in rows]
    assert len(ids) == 2  # the two Almaty cases, not Astana's
    assert not set(ids) & references and all(i.startswith("C") for i in ids)
    assert {r[header.index("cas_ReasonForCaseClosure")] for r in rows} == {""}  # free text
    owners = {r[header.index("cas_CaseOwner")] for r in rows}
    assert owners and "sup" not in owners and all(o.startswith("U") for o in owners)
    _header, events = export(client, "events", django_capture_on_commit_callbacks)
    validate(_header, events)
    assert {e[1] for e in events} <= set(ids) and len(events) == 3  # linked by the pseudonym
    national = make_user(username="natcoord", role=Role.COORDINATOR, organisation="ORG01")
    client.force_login(national)
    header, rows = export(client, "cases", django_capture_on_commit_callbacks)
    assert len(rows) == 3
    closed = [r for r in rows if r[header.index("cas_Status")] == "Closed"]
    assert len(closed) == 1 and closed[0][header.index("cas_ReasonForCaseClosure")] == ""
    assert set(ids) <= {r[0] for r in rows}  # the same case, the same pseudonym


def test_other_roles_get_no_htcds(client: Any, make_user: Any, world: dict[str, Any]) -> None:
    for role in (Role.FRONTLINE_WORKER, Role.CASE_MANAGER, Role.ADMINISTRATOR):
        client.force_login(make_user(username=f"u-{role}", role=role, organisation="ORG01"))
        response = client.post("/en/monitoring/exports/", {"kind": "htcds", "fmt": "cases"})
        assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_decision_org_from_the_body_or_the_recording_organisation() -> None:
    assert htcds.decision_org("ДП города Алматы, полиция", "ngo") == "Police"
    assert htcds.decision_org("Prosecutor's office", "police") == "CourtOrProsecution"
    assert htcds.decision_org("Комиссия", "ngo") == "NGO"
    assert htcds.decision_org("Комиссия", "local_executive_body") == (
        "NonPoliceGovernmentalOrganization"
    )
    assert htcds.decision_org("Комиссия", "tourism_or_recruitment_business") == "Other"
    assert htcds.decision_org("", "") == ""


def test_methods_of_control_come_only_through_the_catalogues_links() -> None:
    """Each HTCDS value is reached only from signs its means of control lists in the
    catalogue (``maps_to``), and only with values of the standard's picklist."""
    catalogue = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    maps_to = {e["code"]: set(e.get("maps_to") or []) for e in catalogue["entries"]}
    allowed = set(standard()["vic_MethodsOfControl"]["values"])
    for means, values in htcds.METHODS_OF_CONTROL.items():
        for value, signs in values.items():
            assert value in allowed
            assert set(signs) <= maps_to[means], (means, value)
    assert htcds.methods_of_control(["S30", "S49"]) == []


def test_core_field_coverage_is_what_the_docs_say() -> None:
    fields = standard()
    core = [name for name, spec in fields.items() if spec["core"]]
    exported = [name for name in htcds.FIELDS if name in core]
    docs = (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8")
    assert f"{len(exported)} of the {len(core)} Core fields" in docs
