"""Who may do what with a case and its referrals (django-rules), by role and organisation.

A case has a **lead** organisation (``Case.organisation``: the one that opened it, until it hands
the case over) and **participants**: each organisation that accepted a referral of the case while
the person's consent to that referral stands, and each former lead. The lead edits the person's
data and the case's details, records consent, refers, notifies and shares with the police; every
organisation working the case records its own services, goals, rights explained, notes,
documents and follow-ups, and makes the status moves of ``participation.may_move``.

A supervisor's override (no consent) opens the case to the receiver, except to a police unit: the
police receive a person's data only under the person's consent (SOP 003 L2174, L2738), so an
override referral to the police gives it the referral, never the case.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from qorgan.accounts.permissions import can_handle_persons, is_manager, is_supervisor

from .models import Handover, Referral

COVERING_REFERRAL_STATUSES = ("accepted", "completed")


def participant_filter(organisation_id: Any) -> Q:
    """Referrals that make ``organisation_id`` a participant: accepted (or completed) and still
    covered by the person's consent, or sent on a supervisor's override to a non-police body."""
    return Q(to_organisation_id=organisation_id, status__in=COVERING_REFERRAL_STATUSES) & (
        Q(consent__isnull=False, consent__withdrawn_on__isnull=True)
        | (Q(consent__isnull=True) & ~Q(to_organisation__kind__code="police"))
    )


def participating_case_ids(organisation_id: Any) -> set[Any]:
    """Every case the organisation participates in without leading it (two queries)."""
    ids = set(
        Referral.objects.filter(participant_filter(organisation_id)).values_list(
            "case_id", flat=True
        )
    )
    ids.update(
        Handover.objects.filter(
            from_organisation_id=organisation_id, status="accepted"
        ).values_list("case_id", flat=True)
    )
    return ids


@rules.predicate
def leads_case(user: Any, case: Any) -> bool:
    return case is not None and case.organisation_id == user.organisation_id


@rules.predicate
def participates_in_case(user: Any, case: Any) -> bool:
    if case is None or user.organisation_id is None:
        return False
    return (
        Referral.objects.filter(participant_filter(user.organisation_id), case_id=case.pk).exists()
        or Handover.objects.filter(
            case_id=case.pk,
            from_organisation_id=user.organisation_id,
            status="accepted",
        ).exists()
    )


@rules.predicate
def sent_referral(user: Any, referral: Any) -> bool:
    return referral is not None and referral.from_organisation_id == user.organisation_id


@rules.predicate
def receives_referral(user: Any, referral: Any) -> bool:
    return referral is not None and referral.to_organisation_id == user.organisation_id


@rules.predicate
def receives_handover(user: Any, handover: Any) -> bool:
    return handover is not None and handover.to_organisation_id == user.organisation_id


@rules.predicate
def of_own_organisation(user: Any, record: Any) -> bool:
    """An assignment, follow-up, approval or note of the user's organisation."""
    return record is not None and record.organisation_id == user.organisation_id


@rules.predicate
def owns_followup(user: Any, followup: Any) -> bool:
    return followup is not None and followup.owner_id == user.pk


@rules.predicate
def works_record_case(user: Any, record: Any) -> bool:
    return record is not None and bool(works_case(user, record.case))


# Backwards-compatible name: "owns" a case is leading it.
owns_case = leads_case
received_case = participates_in_case
works_case = can_handle_persons & (leads_case | participates_in_case)

RULES = {
    "case.view": works_case,
    "case.edit": can_handle_persons & leads_case,
    "case.work": works_case,
    "case.record_service": works_case,
    "case.note": works_case,
    "case.followup": works_case,
    "case.assign": works_case & is_supervisor,
    "case.withdraw_consent": works_case,
    "case.request_approval": works_case & is_manager,
    "case.handover": can_handle_persons & leads_case & is_manager,
    "handover.answer": can_handle_persons & is_supervisor & receives_handover,
    "approval.decide": can_handle_persons & is_supervisor & of_own_organisation & works_record_case,
    "followup.close": can_handle_persons
    & works_record_case
    & of_own_organisation
    & (owns_followup | is_supervisor),
    "referral.send": can_handle_persons & leads_case,
    "referral.override_consent": can_handle_persons & is_supervisor & leads_case,
    "referral.view": can_handle_persons & (sent_referral | receives_referral),
    "referral.respond": can_handle_persons & is_manager & receives_referral,
    "referral.complete": can_handle_persons & is_manager & receives_referral,
    "referral.withdraw": can_handle_persons & sent_referral,
    "referral.see_overdue": can_handle_persons & is_supervisor,
}

for _name, _predicate in RULES.items():
    rules.set_rule(_name, _predicate)
