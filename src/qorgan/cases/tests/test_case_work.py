"""Working a case across organisations (issue 13 §1–§2): every new action × role × organisation
(0 cross-organisation reads or writes), handover, approvals, closure refusals, consent withdrawal.

The organisations are those of ``test_authorization``: ``owner`` leads, ``receiver`` accepted a
referral under the person's consent, ``pending`` has not answered one, ``stranger`` has nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.cases import approvals, consent, followups, notes, participation, selectors, services
from qorgan.cases.models import ApprovalStatus, Case, FollowUpStatus
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation

from .test_authorization import ORGS, PERSON_ROLES, ROLES, TODAY, client_for, expected, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

MANAGERS = {Role.CASE_MANAGER, Role.SUPERVISOR}


def sees(role: str, relation: str) -> bool:
    return role in PERSON_ROLES and relation in {"owner", "receiver"}


def _goal(world: dict[str, Any]) -> Any:
    return services.add_objective(
        user=world["opener"], case=world["case"], objective="Housing", due_on=TODAY
    )


def _consent_of(world: dict[str, Any], code: str) -> Any:
    return world["case"].consents.get(recipient__code=code)


# (name, method, path builder, body builder, ok, who may)
def work_endpoints() -> list[tuple[str, str, Any, Any, int, Any]]:
    def base(w: dict[str, Any]) -> str:
        return f"/api/v1/cases/{w['case'].pk}"

    return [
        ("notes read", "get", lambda w: f"{base(w)}/notes/", lambda w, u: None, 200, sees),
        (
            "note add",
            "post",
            lambda w: f"{base(w)}/notes/",
            lambda w, u: {"text": "Called"},
            201,
            sees,
        ),
        (
            "follow-up add",
            "post",
            lambda w: f"{base(w)}/followups/",
            lambda w, u: {"task": "Call back", "due_on": TODAY.isoformat()},
            201,
            sees,
        ),
        (
            "assign",
            "post",
            lambda w: f"{base(w)}/assignments/",
            lambda w, u: {"user": u.username},
            201,
            lambda r, rel: sees(r, rel) and r == Role.SUPERVISOR,
        ),
        (
            "approval request",
            "post",
            lambda w: f"{base(w)}/approvals/",
            lambda w, u: {
                "status": "identified",
                "identification_date": TODAY.isoformat(),
                "identification_body": "Police of Almaty",
            },
            201,
            lambda r, rel: sees(r, rel) and r in MANAGERS,
        ),
        (
            "goal result",
            "post",
            lambda w: f"{base(w)}/goals/{_goal(w).pk}/result/",
            lambda w, u: {"achieved": True, "on": TODAY.isoformat()},
            200,
            sees,
        ),
        (
            "consent withdraw",
            "post",
            lambda w: f"{base(w)}/consents/{_consent_of(w, 'ORG04').pk}/withdraw/",
            lambda w, u: {"withdrawn_on": TODAY.isoformat()},
            200,
            sees,
        ),
        (
            "handover request",
            "post",
            lambda w: f"{base(w)}/handovers/",
            lambda w, u: {"to": "ORG02", "consent": _consent_of(w, "ORG02").pk},
            201,
            lambda r, rel: rel == "owner" and r in MANAGERS,
        ),
    ]


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", range(len(work_endpoints())))
def test_case_work_endpoints(
    world: dict[str, Any], role: str, relation: str, endpoint: int
) -> None:
    name, method, path, body, ok, may = work_endpoints()[endpoint]
    client = client_for(role, relation)
    user = User.objects.get(username=client.handler._force_user.username)
    before = AuditEvent.objects.count()
    response = getattr(client, method)(path(world), body(world, user), format="json")
    assert response.status_code == expected(may(role, relation), sees(role, relation), ok), (
        name,
        response.content[:300],
    )
    if response.status_code >= 400:  # a refusal changes nothing (one audit event at most: none)
        assert (
            not AuditEvent.objects.filter(seq__gt=before, actor_username=user.username)
            .exclude(action__in=["read", "note_read"])
            .exists()
        )


@pytest.mark.parametrize("relation", list(ORGS))
@pytest.mark.parametrize("role", ROLES)
def test_decisions_on_requests_of_other_organisations_are_not_found(
    world: dict[str, Any], role: str, relation: str
) -> None:
    """An approval is decided by a supervisor of the organisation that asked; a handover answered
    by the receiver's supervisor; a follow-up closed by its owner or their supervisor."""
    case, opener = world["case"], world["opener"]
    manager = User.objects.create_user(
        username="owner-manager",
        password="x" * 20,
        role=Role.CASE_MANAGER,
        organisation=opener.organisation,
    )
    approval = approvals.request_approval(
        user=manager,
        case=case,
        target="identified",
        identification_date=TODAY,
        identification_body="Police",
    )
    handover = participation.request_handover(
        user=opener,
        case=case,
        to_organisation=Organisation.objects.get(code="ORG02"),
        consent=_consent_of(world, "ORG02"),
    )
    followup = followups.add_followup(user=manager, case=case, task="Visit", due_on=TODAY)
    client = client_for(role, relation)
    answers = {
        "approval": client.post(
            f"/api/v1/approvals/{approval.pk}/decide/", {"approve": True}, format="json"
        ).status_code,
        "handover": client.post(
            f"/api/v1/handovers/{handover.pk}/answer/", {"accept": True}, format="json"
        ).status_code,
        "followup": client.post(
            f"/api/v1/followups/{followup.pk}/close/", {"done": True}, format="json"
        ).status_code,
    }
    supervisor = role == Role.SUPERVISOR
    assert answers["approval"] == (
        200 if supervisor and relation == "owner" else 403 if sees(role, relation) else 404
    )
    assert answers["handover"] == (
        200
        if supervisor and relation == "receiver"
        else 403
        if role in PERSON_ROLES and relation in {"owner", "receiver"}
        else 404
    )
    assert answers["followup"] == (
        200 if supervisor and relation == "owner" else 403 if sees(role, relation) else 404
    )


def test_participant_works_its_part_but_neither_refers_nor_closes(world: dict[str, Any]) -> None:
    receiver = User.objects.get(username="receiver-manager")
    case = Case.objects.get(pk=world["case"].pk)
    assert allowed("case.work", receiver, case) and not allowed("case.edit", receiver, case)
    services.record_rights_explained(
        user=receiver, case=case, rights=["right_free_legal_aid"], explained_on=TODAY, language="kk"
    )
    note = notes.add_note(user=receiver, case=case, text="Accommodation found")
    assert [n.pk for n in notes.read_notes(user=world["opener"], case=case)] == [note.pk]
    assert AuditEvent.objects.filter(action="note_read", actor_username="opener").exists()
    assert not participation.may_move(receiver, case, "closed")
    with pytest.raises(ValidationError, match="lead organisation"):
        services.change_status(
            user=User.objects.create_user(
                username="rs",
                password="x" * 20,
                role=Role.SUPERVISOR,
                organisation=receiver.organisation,
            ),
            case=case,
            expected_version=case.version,
            target="closed",
            closure_reason="done",
        )


def test_identification_is_approved_or_sent_back_by_a_supervisor(world: dict[str, Any]) -> None:
    opener = world["opener"]
    manager = User.objects.create_user(
        username="m1", password="x" * 20, role=Role.CASE_MANAGER, organisation=opener.organisation
    )
    case = Case.objects.get(pk=world["case"].pk)
    with pytest.raises(ValidationError, match="supervisor's approval"):
        services.change_status(
            user=manager,
            case=case,
            expected_version=case.version,
            target="identified",
            identification_date=TODAY,
            identification_body="Police",
        )
    first = approvals.request_approval(
        user=manager,
        case=case,
        target="identified",
        identification_date=TODAY,
        identification_body="Police",
    )
    with pytest.raises(ValidationError, match="say why"):
        approvals.decide(user=opener, approval=first, approve=False)
    approvals.decide(user=opener, approval=first, approve=False, reason="Attach the decision")
    assert Case.objects.get(pk=case.pk).status == "referred"
    second = approvals.request_approval(
        user=manager,
        case=case,
        target="identified",
        identification_date=TODAY,
        identification_body="Police",
    )
    approvals.decide(user=opener, approval=second, approve=True)
    second.refresh_from_db()
    assert (
        second.status == ApprovalStatus.APPROVED
        and Case.objects.get(pk=case.pk).status == "identified"
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert actions.count("approval_request") == 2
    assert "approval_send_back" in actions and "approval_approve" in actions


@pytest.mark.parametrize(
    ("language", "referral", "goal"),
    [
        ("en", "the referral to", "the support-plan goal “Housing”"),
        ("ru", "направление в", "цель плана поддержки «Housing»"),
        ("kk", "жолдама", "«Housing»"),
    ],
)
def test_closure_is_refused_while_things_are_open_listing_them(
    world: dict[str, Any], language: str, referral: str, goal: str
) -> None:
    opener = world["opener"]
    case = Case.objects.get(pk=world["case"].pk)
    goal_record = _goal(world)
    followup = followups.add_followup(user=opener, case=case, task="Visit", due_on=TODAY)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.change_status(
            user=opener,
            case=case,
            expected_version=case.version,
            target="closed",
            closure_reason="done",
        )
    message = refused.value.message_dict["status"][0]
    assert referral in message and goal in message, message
    assert message.count(";") >= 3  # two referrals, the follow-up and the goal
    # Finish everything: then the supervisor closes.
    services.complete_referral(
        user=User.objects.get(username="receiver-manager"),
        referral=world["accepted"],
        outcome="housed",
    )
    services.withdraw_referral(user=opener, referral=world["pending"], reason="not needed")
    followups.close_followup(user=opener, followup=followup, done=True)
    followups.set_goal_result(
        user=opener, objective=goal_record, achieved=False, on=TODAY, note="moved"
    )
    case.refresh_from_db()
    closed = services.change_status(
        user=opener,
        case=case,
        expected_version=case.version,
        target="closed",
        closure_reason="done",
    )
    assert closed.status == "closed"
    assert followup.__class__.objects.get(pk=followup.pk).status == FollowUpStatus.DONE


def test_withdrawn_consent_ends_the_participants_access(world: dict[str, Any]) -> None:
    receiver = User.objects.get(username="receiver-manager")
    case = Case.objects.get(pk=world["case"].pk)
    assert selectors.cases_for(receiver).filter(pk=case.pk).exists()
    done = consent.withdraw(
        user=world["opener"], consent=_consent_of(world, "ORG02"), withdrawn_on=TODAY
    )
    assert done.organisations_out == ("ORG02",)
    assert not selectors.cases_for(receiver).filter(pk=case.pk).exists()
    assert not allowed("case.view", receiver, case)
    pending = consent.withdraw(
        user=world["opener"], consent=_consent_of(world, "ORG04"), withdrawn_on=TODAY
    )
    assert pending.referrals_withdrawn == 1
    world["pending"].refresh_from_db()
    assert world["pending"].status == "withdrawn"


def test_override_referral_to_the_police_opens_no_case(world: dict[str, Any]) -> None:
    from qorgan.directory.models import SubjectKind

    police = Organisation.objects.create(
        code="POLICE-ALMATY",
        kind=SubjectKind.objects.get(code="police"),
        name_kk="Алматы полициясы",
        region=Organisation.objects.get(code="ORG01").region,
    )
    case = Case.objects.get(pk=world["case"].pk)
    referral = services.send_referral(
        user=world["opener"],
        case=case,
        to_organisation=police,
        services=["legal"],
        due_on=TODAY + timedelta(days=3),
        override_reason="urgent danger",
    )
    officer = User.objects.create_user(
        username="officer", password="x" * 20, role=Role.CASE_MANAGER, organisation=police
    )
    services.respond_to_referral(user=officer, referral=referral, accept=True)
    assert not selectors.cases_for(officer).filter(pk=case.pk).exists()
    assert not allowed("case.view", officer, case)


def test_handover_moves_the_lead_and_keeps_the_former_lead_in(world: dict[str, Any]) -> None:
    opener = world["opener"]
    case = Case.objects.get(pk=world["case"].pk)
    receiver_org = Organisation.objects.get(code="ORG02")
    handover = participation.request_handover(
        user=opener, case=case, to_organisation=receiver_org, consent=_consent_of(world, "ORG02")
    )
    manager = User.objects.get(username="receiver-manager")
    with pytest.raises(Exception, match="supervisor"):
        participation.answer_handover(user=manager, handover=handover, accept=True)
    supervisor = User.objects.create_user(
        username="rsup", password="x" * 20, role=Role.SUPERVISOR, organisation=receiver_org
    )
    participation.answer_handover(user=supervisor, handover=handover, accept=True)
    case.refresh_from_db()
    assert case.organisation_id == receiver_org.pk
    assert allowed("case.edit", supervisor, case) and not allowed("case.edit", opener, case)
    assert allowed("case.view", opener, case) and allowed("case.work", opener, case)
    participation.assign(user=supervisor, case=case, worker=manager)
    assert case.assignments.filter(user=manager, ended_at__isnull=True).exists()


def test_case_page_works_the_case_for_a_participant(world: dict[str, Any], client: Any) -> None:
    """The receiving organisation's case manager, on the case page: note, follow-up, goal result,
    an approval request; the supervisor approves; the page speaks Russian."""
    receiver = User.objects.get(username="receiver-manager")
    case = Case.objects.get(pk=world["case"].pk)
    goal = _goal(world)
    client.force_login(receiver)
    page = f"/ru/cases/{case.pk}/"
    assert "Кто работает с делом" in client.get(page).content.decode()

    def post(action: str, data: dict[str, Any]) -> str:
        response = client.post(f"/ru/cases/{case.pk}/work/{action}/", data, follow=True)
        assert response.status_code == 200
        return response.content.decode()

    assert "зашифрована" in post("note", {"note-text": "Приняли в кризисный центр"})
    assert "Приняли в кризисный центр" in client.get(page).content.decode()
    post(
        "followup",
        {
            "followup-task": "Позвонить",
            "followup-due_on": TODAY.strftime("%d.%m.%Y"),
            "followup-owner": receiver.username,
        },
    )
    assert case.followups.get().owner == receiver
    post("goal-achieved", {"id": goal.pk, "on": TODAY.strftime("%d.%m.%Y")})
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.resolved_on == TODAY
    body = post(
        "approval",
        {
            "approval-status": "identified",
            "approval-identification_date": TODAY.strftime("%d.%m.%Y"),
            "approval-identification_body": "ДП Алматы",
        },
    )
    assert "супервайзер" in body
    approval = case.approvals.get()
    supervisor = User.objects.create_user(
        username="rsup2",
        password="x" * 20,
        role=Role.SUPERVISOR,
        organisation=receiver.organisation,
    )
    client.force_login(supervisor)
    post("approve", {"id": approval.pk})
    assert Case.objects.get(pk=case.pk).status == "identified"
    # A stranger cannot post to the case at all.
    client.force_login(
        User.objects.create_user(
            username="str",
            password="x" * 20,
            role=Role.SUPERVISOR,
            organisation=Organisation.objects.get(code="ORG03"),
        )
    )
    assert client.post(f"/ru/cases/{case.pk}/work/note/", {"note-text": "x"}).status_code == 404
    assert case.notes.count() == 1


def test_due_follow_ups_are_reminded_once_a_day(world: dict[str, Any]) -> None:
    from qorgan.cases.tasks import remind_followups
    from qorgan.celery import app
    from qorgan.notifications.models import Notification

    opener = world["opener"]
    case = Case.objects.get(pk=world["case"].pk)
    followups.add_followup(user=opener, case=case, task="Visit", due_on=TODAY - timedelta(days=1))
    followups.add_followup(user=opener, case=case, task="Later", due_on=TODAY + timedelta(days=3))
    assert remind_followups() == 1
    assert remind_followups() == 0  # once a day
    sent = Notification.objects.get(kind="followup_due")
    assert sent.organisation == opener.organisation and sent.reference == case.reference
    scheduled = {entry["args"][0] for entry in app.conf.beat_schedule.values()}
    assert "cases.remind_followups" in scheduled


def test_home_page_lists_the_users_work_in_few_queries(
    world: dict[str, Any], client: Any, django_assert_max_num_queries: Any
) -> None:
    from qorgan.cases.work import work_for

    opener = world["opener"]  # a supervisor of the lead organisation
    case = Case.objects.get(pk=world["case"].pk)
    manager = User.objects.create_user(
        username="m-home",
        password="x" * 20,
        role=Role.CASE_MANAGER,
        organisation=opener.organisation,
    )
    participation.assign(user=opener, case=case, worker=opener)
    followups.add_followup(user=opener, case=case, task="Visit", due_on=TODAY - timedelta(days=2))
    approvals.request_approval(
        user=manager,
        case=case,
        target="identified",
        identification_date=TODAY,
        identification_body="Police",
    )
    with django_assert_max_num_queries(5):
        work = work_for(opener)
    assert (len(work.assigned), len(work.followups), len(work.approvals)) == (1, 1, 1)
    client.force_login(opener)
    page = client.get("/ru/work/").content.decode()
    assert f"Дело {case.reference} назначено вам" in page
    assert f"Просроченная задача по делу {case.reference}" in page
    assert f"по делу {case.reference} ждёт вашего утверждения" in page
    pending_manager = User.objects.create_user(
        username="p-home",
        password="x" * 20,
        role=Role.CASE_MANAGER,
        organisation=Organisation.objects.get(code="ORG04"),
    )
    client.force_login(pending_manager)
    assert (
        f"Направление {case.reference} ждёт вашего ответа"
        in client.get("/ru/work/").content.decode()
    )


def test_a_closed_case_offers_no_new_assignment_handover_or_follow_up(
    world: dict[str, Any], client: Any
) -> None:
    opener = world["opener"]
    services.complete_referral(
        user=User.objects.get(username="receiver-manager"), referral=world["accepted"], outcome="ok"
    )
    services.withdraw_referral(user=opener, referral=world["pending"], reason="not needed")
    case = Case.objects.get(pk=world["case"].pk)
    page = f"/en/cases/{case.pk}/"
    client.force_login(opener)
    before = client.get(page).content.decode()
    assert "/work/assign/" in before and "/work/followup/" in before
    services.change_status(
        user=opener,
        case=case,
        expected_version=case.version,
        target="closed",
        closure_reason="done",
    )
    after = client.get(page).content.decode()
    assert "/work/assign/" not in after and "/work/followup/" not in after
    assert "/work/handover/" not in after
