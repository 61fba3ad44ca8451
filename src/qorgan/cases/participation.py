"""Who works the case: the status moves each organisation may make, handover of the lead, and
assignment of case workers within an organisation (issue 13 §1; docs/cases.md, "Who works the
case").

The SOP (002) gives the lead of the first steps to whoever detects: the police register the
statement in the ERDR and refer the person to a special social services provider for legal,
psychological and medical help and temporary stay (L1017, L1026); after identification (L577,
a joint order of several bodies) the provider of special social services assists (L581); a
person not identified or refusing help gets their rights explained and an information card
(L583, L983). So: the lead makes every move its role allows; a participant makes the moves of
its own work (identification decision, assistance, return, reintegration, refusal and the
information card), never the referral (the lead refers) nor the closure (the lead closes).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.models import Organisation
from qorgan.notifications.models import NotificationKind
from qorgan.notifications.services import notify

from . import workflow
from .models import (
    Assignment,
    Case,
    ConsentPurpose,
    ConsentRecord,
    Handover,
    HandoverStatus,
    Referral,
)
from .permissions import leads_case

# Moves only the lead organisation makes.
LEAD_ONLY_TARGETS = frozenset({workflow.REFERRED, workflow.CLOSED})


def may_move(user: User, case: Case, target: str) -> bool:
    """The organisation's part in the move (the role's part is ``workflow.check``)."""
    if leads_case(user, case):
        return True
    return target not in LEAD_ONLY_TARGETS and allowed("case.work", user, case)


def check_move(user: User, case: Case, target: str) -> None:
    if not may_move(user, case, target):
        raise ValidationError(
            {"status": [_("only the lead organisation of the case refers it and closes it")]}
        )


def participants(case: Case) -> list[Organisation]:
    """Organisations working the case besides the lead, by code."""
    ids = {
        r.to_organisation_id
        for r in Referral.objects.filter(case=case).select_related(
            "consent", "to_organisation__kind"
        )
        if allowed_org(r)
    }
    ids.update(
        Handover.objects.filter(case=case, status=HandoverStatus.ACCEPTED).values_list(
            "from_organisation_id", flat=True
        )
    )
    ids.discard(case.organisation_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("code"))


def allowed_org(referral: Referral) -> bool:
    if referral.status not in ("accepted", "completed"):
        return False
    if referral.consent_id is not None:
        return referral.consent is not None and referral.consent.withdrawn_on is None
    return referral.to_organisation.kind.code != "police"


# --- Handover ----------------------------------------------------------------------------------


@transaction.atomic
def request_handover(
    *, user: User, case: Case, to_organisation: Organisation, consent: ConsentRecord, note: str = ""
) -> Handover:
    """The lead asks a participant to take the case over, under the person's consent to referral
    to that organisation; the receiver's supervisor answers."""
    if not allowed("case.handover", user, case):
        raise PermissionDenied(
            _("only a case manager or supervisor of the lead organisation hands over")
        )
    errors: dict[str, list[str]] = {}
    if to_organisation not in participants(case):
        errors["to_organisation"] = [
            _("a case is handed over to an organisation that works it (an accepted referral)")
        ]
    if (
        consent.case_id != case.pk
        or consent.purpose != ConsentPurpose.REFERRAL
        or not consent.active
        or consent.recipient_id not in (None, to_organisation.pk)
    ):
        errors["consent"] = [
            _("a handover needs the person's active consent to referral to that organisation")
        ]
    if Handover.objects.filter(case=case, status=HandoverStatus.REQUESTED).exists():
        errors["case"] = [_("a handover of this case is already waiting for an answer")]
    if case.status == workflow.CLOSED:
        errors["case"] = [_("the case is closed")]
    if errors:
        raise ValidationError(errors)
    handover = Handover.objects.create(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=to_organisation,
        consent=consent,
        note=note.strip()[:500],
        requested_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.HANDOVER_REQUEST,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"to": to_organisation.code},
    )

    notify(
        organisations=[to_organisation],
        kind=NotificationKind.HANDOVER_REQUESTED,
        reference=case.reference,
        link=f"/kk/cases/{case.pk}/",
    )
    return handover


@transaction.atomic
def answer_handover(*, user: User, handover: Handover, accept: bool, reason: str = "") -> Handover:
    if not allowed("handover.answer", user, handover):
        raise PermissionDenied(_("only a supervisor of the receiving organisation answers"))
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != HandoverStatus.REQUESTED:
        raise ValidationError({"handover": [_("this handover was already answered")]})
    if not accept and not reason.strip():
        raise ValidationError({"reason": [_("say why the handover is declined")]})
    if accept and not handover.consent.active:
        raise ValidationError({"consent": [_("the person withdrew the consent it relied on")]})
    handover.status = HandoverStatus.ACCEPTED if accept else HandoverStatus.DECLINED
    handover.answered_by = user
    handover.answered_at = timezone.now()
    handover.answer_reason = reason.strip()[:500]
    handover.save(update_fields=["status", "answered_by", "answered_at", "answer_reason"])
    if accept:
        case = Case.objects.select_for_update().get(pk=handover.case_id)
        case.organisation_id = handover.to_organisation_id
        case.version += 1
        case.save(update_fields=["organisation", "version"])
    audit.record(
        actor=user,
        action=AuditAction.HANDOVER_ACCEPT if accept else AuditAction.HANDOVER_DECLINE,
        object_type="cases.Case",
        object_id=handover.case_id,
        detail={"from": handover.from_organisation.code, "to": handover.to_organisation.code},
    )
    return handover


# --- Assignment within an organisation ----------------------------------------------------------


def case_workers(organisation_id: object) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role__in=[Role.FRONTLINE_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR],
        ).order_by("username")
    )


@transaction.atomic
def assign(*, user: User, case: Case, worker: User) -> Assignment:
    """A supervisor assigns a case worker of their own organisation (one or more per case)."""
    if not allowed("case.assign", user, case):
        raise PermissionDenied(_("only a supervisor of an organisation working the case assigns"))
    if worker.organisation_id != user.organisation_id or worker not in case_workers(
        user.organisation_id
    ):
        raise ValidationError({"user": [_("choose a case worker of your organisation")]})
    current = Assignment.objects.filter(case=case, user=worker, ended_at__isnull=True).first()
    if current is not None:
        return current
    assignment = Assignment.objects.create(
        case=case, organisation_id=user.organisation_id, user=worker, assigned_by=user
    )
    audit.record(
        actor=user,
        action=AuditAction.ASSIGNMENT_ADD,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"user": worker.username},
    )
    return assignment


@transaction.atomic
def unassign(*, user: User, assignment: Assignment) -> Assignment:
    if not allowed("case.assign", user, assignment.case) or (
        assignment.organisation_id != user.organisation_id
    ):
        raise PermissionDenied(_("only a supervisor of an organisation working the case assigns"))
    if assignment.ended_at is None:
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["ended_at"])
        audit.record(
            actor=user,
            action=AuditAction.ASSIGNMENT_END,
            object_type="cases.Case",
            object_id=assignment.case_id,
            detail={"user": assignment.user.username},
        )
    return assignment
