"""The same person twice: duplicate alerts across organisations (issue 13 §3).

When a person's data is recorded (``services.update_person``, an import), the blind indexes
(IIN, passport, name and date of birth in any script; ``identity``, ``names``) are compared with
every other organisation's cases. The user is told only that a possible match exists and by
what. Which organisation holds the other record is shown only after the user asks to
coordinate and that organisation's supervisor agrees. Checks are rate-limited per user and
audited; a confirmed duplicate stays two cases, linked by the alert, never merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation

from .models import Case, DuplicateAlert, DuplicateStatus
from .selectors import as_uuid

INDEXES = (("iin_index", "iin"), ("passport_index", "passport"), ("name_dob_index", "name_dob"))
CHECK_ACTION = "duplicate_check"


def lookups_per_hour() -> int:
    return int(getattr(settings, "DUPLICATE_LOOKUPS_PER_HOUR", 30))


@dataclass(frozen=True)
class CheckResult:
    alerts: int  # possible matches now open on the case
    limited: bool  # the user's hourly limit was reached: nothing was looked up


def _lookups_in_last_hour(user: Any) -> int:
    since = timezone.now() - timedelta(hours=1)
    return AuditEvent.objects.filter(actor_id=user.pk, action=CHECK_ACTION, at__gte=since).count()


def find_matches(case: Case) -> dict[Any, list[str]]:
    """Other organisations' cases whose person has one of this person's blind indexes:
    case id → the indexes that match (not audited: callers record the look-up)."""
    person = case.person
    found: dict[Any, set[str]] = {}
    for field, label in INDEXES:
        value = getattr(person, field)
        if not value:
            continue
        others = (
            Case.objects.filter(**{f"person__{field}": value})
            .exclude(pk=case.pk)
            .exclude(organisation_id=case.organisation_id)
            .values_list("pk", flat=True)
        )
        for other_id in others:
            found.setdefault(other_id, set()).add(label)
    return {pk: sorted(labels) for pk, labels in found.items()}


def check_person(*, user: Any, case: Case, limited: bool = True) -> CheckResult:
    """Compare the case's person with other organisations' cases and record an alert per match.

    ``limited``: counts against the user's hourly limit (an import, checked as a whole when it
    is confirmed, passes False). Audited without naming any organisation."""
    person = case.person
    values = {field: getattr(person, field) for field, _label in INDEXES}
    if not any(values.values()):
        return CheckResult(alerts=0, limited=False)
    if limited and _lookups_in_last_hour(user) >= lookups_per_hour():
        audit.record(
            actor=user,
            action=AuditAction.DUPLICATE_CHECK_REFUSED,
            object_type="cases.Case",
            object_id=case.pk,
            detail={"limit_per_hour": lookups_per_hour()},
        )
        return CheckResult(alerts=0, limited=True)
    found = find_matches(case)
    for other_id, labels in found.items():
        # Both sides are told: the organisation that recorded the person earlier too.
        for mine, theirs in ((case.pk, other_id), (other_id, case.pk)):
            alert, created = DuplicateAlert.objects.get_or_create(
                case_id=mine, other_id=theirs, defaults={"matched_by": labels}
            )
            if not created and alert.matched_by != labels:
                alert.matched_by = labels
                alert.save(update_fields=["matched_by"])
    audit.record(
        actor=user,
        action=CHECK_ACTION,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"matches": len(found)},
    )
    open_alerts = case.duplicate_alerts.exclude(status=DuplicateStatus.DIFFERENT).count()
    return CheckResult(alerts=open_alerts, limited=False)


@dataclass(frozen=True)
class Match:
    """What the case's organisation may know of a possible match: the organisation only once
    its supervisor agreed to coordinate."""

    alert: DuplicateAlert
    by: tuple[str, ...]
    organisation: Organisation | None
    other_reference: str


def _holder(user: Any, case: Case) -> bool:
    return bool(user.organisation_id) and case.organisation_id == user.organisation_id


def matches_for(*, user: Any, case: Case) -> list[Match]:
    """The case's possible matches as its organisation may see them (audited read); none for
    an organisation that only participates in the case (the holder coordinates)."""
    if not allowed("case.view", user, case):
        raise PermissionDenied(_("you cannot see this case"))
    if not _holder(user, case):
        return []
    alerts = list(case.duplicate_alerts.select_related("other__organisation"))
    audit.record(
        actor=user,
        action=AuditAction.MATCH_VIEW,
        object_type="cases.Case",
        object_id=case.pk,
        detail={"alerts": len(alerts)},
    )
    return [
        Match(
            alert=a,
            by=tuple(a.matched_by),
            organisation=a.other.organisation if a.revealed else None,
            other_reference=a.other.reference if a.revealed else "",
        )
        for a in alerts
    ]


def _may_ask(user: Any) -> bool:
    return getattr(user, "role", None) in (Role.CASE_MANAGER, Role.SUPERVISOR)


def _locked(alert: DuplicateAlert, expected: tuple[str, ...]) -> DuplicateAlert:
    alert = (
        DuplicateAlert.objects.select_for_update().select_related("case", "other").get(pk=alert.pk)
    )
    if alert.status not in expected:
        raise ValidationError({"status": [_("this possible match was already answered")]})
    return alert


@transaction.atomic
def request_coordination(*, user: Any, alert: DuplicateAlert) -> DuplicateAlert:
    """The case's organisation asks the other (still unnamed) organisation to coordinate."""
    if not (
        _holder(user, alert.case) and _may_ask(user) and allowed("case.view", user, alert.case)
    ):
        raise PermissionDenied(
            _("only a case manager or supervisor of the case asks to coordinate")
        )
    alert = _locked(alert, (DuplicateStatus.OPEN,))
    alert.status = DuplicateStatus.REQUESTED
    alert.requested_by = user
    alert.requested_at = timezone.now()
    alert.save(update_fields=["status", "requested_by", "requested_at"])
    audit.record(
        actor=user,
        action=AuditAction.DUPLICATE_COORDINATION_ASKED,
        object_type="cases.DuplicateAlert",
        object_id=alert.pk,
    )
    return alert


def requests_for(user: Any) -> QuerySet[DuplicateAlert]:
    """Requests to coordinate about the user's organisation's cases (its supervisors answer)."""
    if not allowed("screening.create", user) or not user.organisation_id:
        return DuplicateAlert.objects.none()
    return (
        DuplicateAlert.objects.filter(other__organisation_id=user.organisation_id)
        .exclude(status=DuplicateStatus.OPEN)
        .select_related("case__organisation", "other")
    )


def _other_supervisor(user: Any, alert: DuplicateAlert) -> bool:
    return (
        getattr(user, "role", None) == Role.SUPERVISOR
        and bool(user.organisation_id)
        and alert.other.organisation_id == user.organisation_id
    )


@transaction.atomic
def answer_coordination(*, user: Any, alert: DuplicateAlert, agree: bool) -> DuplicateAlert:
    """The other organisation's supervisor agrees (its name and the case reference are then
    shown to the asking organisation) or declines (nothing is shown)."""
    if not _other_supervisor(user, alert):
        raise PermissionDenied(_("only a supervisor of the organisation asked answers"))
    alert = _locked(alert, (DuplicateStatus.REQUESTED,))
    alert.status = DuplicateStatus.AGREED if agree else DuplicateStatus.DECLINED
    alert.decided_by = user
    alert.decided_at = timezone.now()
    alert.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=user,
        action=AuditAction.DUPLICATE_COORDINATION_AGREED
        if agree
        else AuditAction.DUPLICATE_COORDINATION_DECLINED,
        object_type="cases.DuplicateAlert",
        object_id=alert.pk,
    )
    return alert


@transaction.atomic
def resolve(*, user: Any, alert: DuplicateAlert, same_person: bool) -> DuplicateAlert:
    """After agreement, either organisation records whether it is the same person. A confirmed
    duplicate links the two cases; nothing is merged or copied."""
    side = (_holder(user, alert.case) and _may_ask(user)) or _other_supervisor(user, alert)
    if not side:
        raise PermissionDenied(_("only the two organisations concerned decide"))
    alert = _locked(alert, (DuplicateStatus.AGREED,))
    alert.status = DuplicateStatus.CONFIRMED if same_person else DuplicateStatus.DIFFERENT
    alert.resolved_by = user
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit.record(
        actor=user,
        action=AuditAction.DUPLICATE_CONFIRMED if same_person else AuditAction.DUPLICATE_REJECTED,
        object_type="cases.DuplicateAlert",
        object_id=alert.pk,
    )
    return alert


def linked_duplicates(case: Case) -> QuerySet[DuplicateAlert]:
    """Confirmed duplicates of the case, from either side."""
    return DuplicateAlert.objects.filter(
        Q(case=case) | Q(other=case), status=DuplicateStatus.CONFIRMED
    ).select_related("case__organisation", "other__organisation")


def alert_for(user: Any, alert_id: Any) -> DuplicateAlert | None:
    """An alert the user's organisation is a side of (the asking side, or the asked side once
    asked); None otherwise, like an id that does not exist."""
    pk = as_uuid(str(alert_id))
    if pk is None or not user.organisation_id or not allowed("screening.create", user):
        return None
    return (
        DuplicateAlert.objects.filter(pk=pk)
        .filter(
            Q(case__organisation_id=user.organisation_id)
            | (Q(other__organisation_id=user.organisation_id) & ~Q(status=DuplicateStatus.OPEN))
        )
        .select_related("case__organisation", "other__organisation")
        .first()
    )
