"""Reads of cases, scoped to what the user may see, and audited when they read personal data."""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import Q, QuerySet

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

from .models import PERSON_DATA_FIELDS, Case, Referral, ReferralStatus
from .permissions import participating_case_ids

VISIBLE_REFERRAL_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)


def as_uuid(value: object) -> uuid.UUID | None:
    """The id as a UUID, or None when it is malformed (callers then find nothing)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def cases_for(user: User) -> QuerySet[Case]:
    """Cases of the user's organisation and those referred to it and accepted; none for roles
    that do not work with persons."""
    if not allowed("screening.create", user):  # the roles that work with persons' data
        return Case.objects.none()
    # Participants: accepted referrals the person's consent still covers, former leads.
    received = list(participating_case_ids(user.organisation_id))
    scope = Q(organisation_id=user.organisation_id)
    if received:
        scope |= Q(pk__in=received)
    return (
        Case.objects.filter(scope)
        .select_related("organisation", "person", "region")
        .order_by("-created_at")
    )


LIST_DEFERRED = tuple(
    f"person__{field}" for field in PERSON_DATA_FIELDS if field not in ("surname", "given_name")
)


def list_cases(user: User, *, status: str = "", limit: int = 200, offset: int = 0) -> list[Case]:
    """The case list; one audit event names the cases whose person data was shown.

    Only the names are read (and decrypted): the other personal fields are left in the database.
    """
    queryset = cases_for(user).defer(*LIST_DEFERRED)
    if status:
        queryset = queryset.filter(status=status)
    cases = list(queryset[offset : offset + limit])
    if cases:
        audit.record(
            actor=user,
            action=AuditAction.READ_LIST,
            object_type="cases.Case",
            detail={"cases": [str(case.pk) for case in cases]},
            fields=("surname", "given_name"),
        )
    return cases


SUMMARY_FIELDS = (
    "id",
    "reference",
    "status",
    "version",
    "created_at",
    "organisation__code",
    "region__code",
    "person__surname",
    "person__given_name",
)


def case_summaries(
    user: User, *, status: str = "", limit: int = 50, offset: int = 0
) -> list[dict[str, object]]:
    """The case list for the API as plain rows (no model objects): only the names are decrypted
    (the field's converter does it). Audited like ``list_cases``."""
    queryset = cases_for(user)
    if status:
        queryset = queryset.filter(status=status)
    rows = list(queryset.values_list(*SUMMARY_FIELDS)[offset : offset + limit])
    if rows:
        audit.record(
            actor=user,
            action=AuditAction.READ_LIST,
            object_type="cases.Case",
            detail={"cases": [str(row[0]) for row in rows]},
            fields=("surname", "given_name"),
        )
    return [
        {
            "id": str(pk),
            "reference": reference,
            "status": status_,
            "organisation": organisation,
            "region": region,
            "version": version,
            "created_at": created.isoformat(),
            "person": {
                "surname": surname or "",
                "given_name": given or "",
            },
        }
        for pk, reference, status_, version, created, organisation, region, surname, given in rows
    ]


def read_case(user: User, case_id: uuid.UUID | str) -> Case | None:
    """One case the user may see, with the person's data; the read is audited. None for an
    unknown, malformed or out-of-scope id (no difference shown)."""
    key = as_uuid(case_id)
    if key is None:
        return None
    case = cases_for(user).filter(pk=key).first()
    if case is None:
        return None
    audit.record(
        actor=user,
        action=AuditAction.READ,
        object_type="cases.Case",
        object_id=case.pk,
        fields=PERSON_DATA_FIELDS,
    )
    return case


def referrals_for(user: User) -> QuerySet[Referral]:
    """Referrals the user's organisation sent or received."""
    if not allowed("screening.create", user):
        return Referral.objects.none()
    organisation_id = user.organisation_id
    return (
        Referral.objects.filter(
            Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
        )
        .select_related("case", "from_organisation", "to_organisation")
        .prefetch_related("events__by")
    )


def referral_inbox(user: User, limit: int = 200) -> list[Referral]:
    """The referrals page: the newest referrals sent or received, with their notes (personal
    data, stored encrypted); one audit event names the referrals whose notes were shown."""
    referrals = list(referrals_for(user).order_by("-sent_at")[:limit])
    if referrals:
        audit.record(
            actor=user,
            action=AuditAction.READ_LIST,
            object_type="cases.Referral",
            detail={"referrals": [str(referral.pk) for referral in referrals]},
            fields=("note",),
        )
    return referrals


def referral_for(user: User, referral_id: uuid.UUID | str) -> Referral | None:
    key = as_uuid(referral_id)
    if key is None:
        return None
    return referrals_for(user).filter(pk=key).first()


def overdue_referrals(user: User, today: date) -> QuerySet[Referral]:
    """For supervisors: referrals of their organisation (either side) still unanswered after their due date."""
    if not allowed("referral.see_overdue", user):
        return Referral.objects.none()
    return (
        referrals_for(user).filter(status=ReferralStatus.SENT, due_on__lt=today).order_by("due_on")
    )
