"""Every role × endpoint × organisation: nobody reads or changes a case outside their scope.

The organisations around one case: ``owner`` opened it; ``receiver`` accepted a referral of it;
``pending`` was sent a referral it has not answered; ``stranger`` has nothing to do with it.
Out of scope is answered 404, exactly like an id that does not exist (no hint that it does).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role
from qorgan.cases import services
from qorgan.directory.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ORGS = {"owner": "ORG01", "receiver": "ORG02", "pending": "ORG04", "stranger": "ORG03"}
ROLES = [
    Role.FRONTLINE_WORKER,
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.COORDINATOR,
    Role.ADMINISTRATOR,
]
PERSON_ROLES = {Role.FRONTLINE_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR}


@pytest.fixture
def world(reference_data: None) -> dict[str, Any]:
    def user(name: str, role: str, org: str) -> User:
        return User.objects.create_user(
            username=name,
            password="x" * 20,
            role=role,
            organisation=Organisation.objects.get(code=org),
        )

    opener = user("opener", Role.SUPERVISOR, "ORG01")
    receiver_manager = user("receiver-manager", Role.CASE_MANAGER, "ORG02")
    case = services.open_case(organisation=opener.organisation, by=opener)
    services.update_person(
        user=opener,
        case=case,
        expected_version=1,
        data={"surname": "Serikova", "given_name": "Asel"},
    )
    for org in ("ORG02", "ORG04"):
        consent = services.record_consent(
            user=opener,
            case=case,
            purpose="referral",
            form="written",
            given_on=TODAY,
            recipient=Organisation.objects.get(code=org),
        )
        referral = services.send_referral(
            user=opener,
            case=case,
            to_organisation=consent.recipient,
            services=["legal"],
            due_on=TODAY + timedelta(days=5),
            consent=consent,
        )
        if org == "ORG02":
            services.respond_to_referral(user=receiver_manager, referral=referral, accept=True)
            accepted = referral
        else:
            pending = referral
    case.refresh_from_db()
    return {"case": case, "accepted": accepted, "pending": pending, "opener": opener}


def client_for(role: str, relation: str) -> APIClient:
    user = User.objects.create_user(
        username=f"{relation}-{role}-{uuid.uuid4().hex[:6]}",
        password="x" * 20,
        role=role,
        organisation=Organisation.objects.get(code=ORGS[relation]),
    )
    client = APIClient()
    client.force_authenticate(user)
    return client


def sees(role: str, relation: str) -> bool:
    return role in PERSON_ROLES and relation in {"owner", "receiver"}


def edits(role: str, relation: str) -> bool:
    return role in PERSON_ROLES and relation == "owner"


def expected(allowed: bool, visible: bool, ok: int) -> int:
    if allowed:
        return ok
    return 403 if visible else 404


# (name, method, path, body, ok status, who is allowed, who sees the object)
def case_endpoints(
    world: dict[str, Any],
) -> list[tuple[str, str, str, dict[str, Any] | None, int, Any, Any]]:
    case = world["case"]
    base = f"/api/v1/cases/{case.pk}"
    version = case.version
    return [
        ("read", "get", f"{base}/", None, 200, sees, sees),
        ("matches", "get", f"{base}/matches/", None, 200, sees, sees),
        (
            "edit person",
            "patch",
            f"{base}/person/",
            {"version": version, "phone": "+7 700 1"},
            200,
            edits,
            sees,
        ),
        (
            "edit details",
            "patch",
            f"{base}/details/",
            {"version": version, "erdr_number": "123"},
            200,
            edits,
            sees,
        ),
        (
            "transition",
            "post",
            f"{base}/transitions/",
            {"version": version, "status": "refused_help"},
            200,
            sees,  # a participant makes the moves of its own work (participation.may_move)
            sees,
        ),
        (
            "consent",
            "post",
            f"{base}/consents/",
            {"purpose": "share_with_police", "form": "oral", "given_on": TODAY.isoformat()},
            201,
            edits,
            sees,
        ),
        (
            "refer",
            "post",
            f"{base}/referrals/",
            {
                "to": "ORG05",
                "services": ["medical"],
                "due_on": TODAY.isoformat(),
                "override_reason": "urgent",
            },
            201,
            lambda r, rel: edits(r, rel) and r == Role.SUPERVISOR,
            sees,
        ),
    ]


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", range(7))
def test_case_endpoints(world: dict[str, Any], role: str, relation: str, endpoint: int) -> None:
    name, method, path, body, ok, allowed, visible = case_endpoints(world)[endpoint]
    client = client_for(role, relation)
    response = getattr(client, method)(path, body, format="json")
    assert response.status_code == expected(allowed(role, relation), visible(role, relation), ok), (
        name,
        response.content[:300],
    )


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
def test_case_list_shows_exactly_the_cases_in_scope(
    world: dict[str, Any], role: str, relation: str
) -> None:
    response = client_for(role, relation).get("/api/v1/cases/")
    assert response.status_code == 200
    ids = [c["id"] for c in response.json()["results"]]
    assert ids == ([str(world["case"].pk)] if sees(role, relation) else [])


REFERRAL_ACTIONS = [
    # (referral, action, body, who may, who sees the referral)
    (
        "pending",
        "accept",
        {},
        lambda r, rel: rel == "pending" and r in {Role.CASE_MANAGER, Role.SUPERVISOR},
        lambda r, rel: r in PERSON_ROLES and rel in {"owner", "pending"},
    ),
    (
        "pending",
        "decline",
        {"reason": "full"},
        lambda r, rel: rel == "pending" and r in {Role.CASE_MANAGER, Role.SUPERVISOR},
        lambda r, rel: r in PERSON_ROLES and rel in {"owner", "pending"},
    ),
    (
        "pending",
        "withdraw",
        {"reason": "moved"},
        lambda r, rel: rel == "owner" and r in PERSON_ROLES,
        lambda r, rel: r in PERSON_ROLES and rel in {"owner", "pending"},
    ),
    (
        "accepted",
        "complete",
        {"outcome": "done"},
        lambda r, rel: rel == "receiver" and r in {Role.CASE_MANAGER, Role.SUPERVISOR},
        lambda r, rel: r in PERSON_ROLES and rel in {"owner", "receiver"},
    ),
]


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", range(len(REFERRAL_ACTIONS)))
def test_referral_actions(world: dict[str, Any], role: str, relation: str, action: int) -> None:
    which, verb, body, allowed, visible = REFERRAL_ACTIONS[action]
    response = client_for(role, relation).post(
        f"/api/v1/referrals/{world[which].pk}/{verb}/", body, format="json"
    )
    assert response.status_code == expected(
        allowed(role, relation), visible(role, relation), 200
    ), response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/",
        "/api/v1/cases/{case}/",
        "/api/v1/cases/{case}/matches/",
        "/api/v1/referrals/",
    ],
)
def test_anonymous_gets_nothing(world: dict[str, Any], path: str) -> None:
    response = APIClient().get(path.format(case=world["case"].pk))
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    "guess",
    [lambda: str(uuid.uuid4()), lambda: "1", lambda: "../../etc/passwd", lambda: "' OR 1=1 --"],
)
def test_guessed_ids_are_404(world: dict[str, Any], guess: Any) -> None:
    client = client_for(Role.SUPERVISOR, "owner")
    assert client.get(f"/api/v1/cases/{guess()}/").status_code == 404
    assert client.post(f"/api/v1/referrals/{guess()}/accept/", {}, format="json").status_code == 404


def test_stale_version_is_409(world: dict[str, Any]) -> None:
    client = client_for(Role.SUPERVISOR, "owner")
    path = f"/api/v1/cases/{world['case'].pk}/person/"
    assert (
        client.patch(
            path, {"version": world["case"].version, "phone": "1"}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        path,
        {"version": world["case"].version, "phone": "2"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",  # the API answers in the client's language (default Kazakh)
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["version"][0]


@pytest.mark.parametrize(
    ("language", "missing_version", "not_found"),
    [
        ("en", "the version of the case you are changing", "no such case"),
        ("ru", "требуется версия изменяемого дела", "такого дела нет"),
        ("kk", "өзгертіп жатқан істің нұсқасы", "мұндай іс жоқ"),
    ],
)
def test_api_errors_speak_the_clients_language(
    world: dict[str, Any], language: str, missing_version: str, not_found: str
) -> None:
    client = client_for(Role.SUPERVISOR, "owner")
    response = client.patch(
        f"/api/v1/cases/{world['case'].pk}/person/",
        {"phone": "1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert missing_version in response.json()["version"][0]
    response = client.get(f"/api/v1/cases/{uuid.uuid4()}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json()["detail"] == not_found


# --- Incidents, person links, duplicate alerts (issue 13 §3) -----------------------------------
# The incident belongs to ``owner`` (ORG01) and links the world's case and a second case of
# ORG01. A possible match: ``stranger`` (ORG03) has a case with the same IIN as the world's.
# Nobody outside the owner sees the incident, its persons or its links; the matching
# organisation is asked only through the alert, and answers only by its supervisor.

MANAGERS = {Role.CASE_MANAGER, Role.SUPERVISOR}


@pytest.fixture
def incident_world(world: dict[str, Any]) -> dict[str, Any]:
    from qorgan.cases import incidents
    from qorgan.cases.models import DuplicateAlert

    opener = world["opener"]
    case = world["case"]
    incident = incidents.open_incident(user=opener, kind="workplace", people_reported=2)
    incidents.add_person(user=opener, incident=incident, case=case)
    second = incidents.add_person(user=opener, incident=incident)
    stranger = User.objects.create_user(
        username="stranger-opener",
        password="x" * 20,
        role=Role.SUPERVISOR,
        organisation=Organisation.objects.get(code="ORG03"),
    )
    theirs = services.open_case(organisation=stranger.organisation, by=stranger)
    services.update_person(
        user=stranger, case=theirs, expected_version=1, data={"iin": "090314600012"}
    )
    case.refresh_from_db()
    services.update_person(
        user=opener, case=case, expected_version=case.version, data={"iin": "090314600012"}
    )
    alert = DuplicateAlert.objects.get(case=case, other=theirs)
    return {**world, "incident": incident, "second": second, "alert": alert, "theirs": theirs}


def owner_person_role(role: str, relation: str) -> bool:
    return role in PERSON_ROLES and relation == "owner"


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
def test_incident_matrix(incident_world: dict[str, Any], role: str, relation: str) -> None:
    from qorgan.cases.models import Case, IncidentCase, PersonLink

    w = incident_world
    client = client_for(role, relation)
    base = f"/api/v1/incidents/{w['incident'].pk}"
    mine = owner_person_role(role, relation)
    cases_before = Case.objects.count()

    read = client.get(f"{base}/")
    assert read.status_code == (200 if mine else 404), read.content[:300]
    listed = client.get("/api/v1/incidents/").json()["results"]
    assert [i["id"] for i in listed] == ([str(w["incident"].pk)] if mine else [])
    add = client.post(f"{base}/persons/", {}, format="json")
    assert add.status_code == (201 if mine else 404), add.content[:300]
    assert Case.objects.count() == cases_before + (1 if mine else 0)
    linked = client.post(f"{base}/persons/", {"case": str(w["theirs"].pk)}, format="json")
    assert linked.status_code == 404  # another organisation's case: never linked, never shown
    assert not IncidentCase.objects.filter(case=w["theirs"]).exists()
    opened = client.post("/api/v1/incidents/", {"kind": "workplace"}, format="json")
    assert opened.status_code == (201 if role in PERSON_ROLES else 403), opened.content[:300]

    links = client.get(f"/api/v1/cases/{w['case'].pk}/links/")
    assert links.status_code == (200 if sees(role, relation) else 404)
    link = client.post(
        f"/api/v1/cases/{w['case'].pk}/links/",
        {"other": str(w["second"].pk), "relation": "parent"},
        format="json",
    )
    # The receiver sees the world's case, not the incident's second case: 404 like no case.
    assert link.status_code == (201 if mine else 404), link.content[:300]
    assert PersonLink.objects.count() == (1 if mine else 0)


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
def test_duplicate_matrix(incident_world: dict[str, Any], role: str, relation: str) -> None:
    from qorgan.cases import duplicates

    w = incident_world
    alert = w["alert"]
    client = client_for(role, relation)
    matches = client.get(f"/api/v1/cases/{w['case'].pk}/matches/")
    if sees(role, relation) and relation == "owner":
        [match] = matches.json()["results"]
        assert match["organisation"] is None and match["other_reference"] is None
        assert match["matched_by"] == ["iin"]

    ask = client.post(f"/api/v1/duplicates/{alert.pk}/", {"action": "ask"}, format="json")
    asking = role in MANAGERS and relation == "owner"
    visible = role in PERSON_ROLES and relation == "owner"
    assert ask.status_code == expected(asking, visible, 200), ask.content[:300]
    if ask.status_code == 200:
        assert ask.json()["organisation"] is None  # asked, not yet agreed: still unnamed
    else:
        duplicates.request_coordination(user=w["opener"], alert=alert)

    requests = client.get("/api/v1/duplicates/requests/").json()["results"]
    answers_it = role in PERSON_ROLES and relation == "stranger"
    assert [r["id"] for r in requests] == ([str(alert.pk)] if answers_it else [])

    agree = client.post(f"/api/v1/duplicates/{alert.pk}/", {"action": "agree"}, format="json")
    agreeing = role == Role.SUPERVISOR and relation == "stranger"
    seen = role in PERSON_ROLES and relation in {"owner", "stranger"}
    assert agree.status_code == expected(agreeing, seen, 200), agree.content[:300]
    alert.refresh_from_db()
    assert alert.status == ("agreed" if agreeing else "requested")


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
def test_incident_and_import_pages(
    incident_world: dict[str, Any], role: str, relation: str
) -> None:
    """The pages answer like the API: another organisation's incident, import or alert is 404."""
    from django.test import Client

    from qorgan.cases.models import ImportJob

    w = incident_world
    job = ImportJob.objects.create(
        organisation=w["opener"].organisation,
        requested_by=w["opener"],
        fmt="register",
        file_name="register.csv",
        rows=1,
    )
    user = User.objects.create_user(
        username=f"page-{relation}-{role}",
        password="x" * 20,
        role=role,
        organisation=Organisation.objects.get(code=ORGS[relation]),
    )
    client = Client()
    client.force_login(user)
    mine = owner_person_role(role, relation)
    incident = client.get(f"/en/cases/incidents/{w['incident'].pk}/")
    assert incident.status_code == (200 if mine else 403 if role not in PERSON_ROLES else 404)
    page = client.get(f"/en/cases/import/{job.pk}/")
    assert page.status_code == (200 if mine and role in MANAGERS else 404)
    client.post(f"/en/cases/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "checked"  # no blob: never queued, by anyone
    asked = client.post(f"/en/cases/duplicates/{w['alert'].pk}/ask/")
    assert asked.status_code == (302 if mine else 403 if role not in PERSON_ROLES else 404)
