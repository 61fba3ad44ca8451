"""Who may do what: every role × action rule of Qorgan, in one place (django-rules).

Rules are tested with ``rules.test_rule(name, user, obj)``, never with ``user.has_perm``:
Django grants every permission to a superuser, and an administrator of the system must not
read personal data because of that.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models

from .roles import Role

PERSON_WORK_ROLES = frozenset({Role.FRONTLINE_WORKER, Role.CASE_MANAGER, Role.SUPERVISOR})


@rules.predicate
def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def has_organisation(user: Any) -> bool:
    return getattr(user, "organisation_id", None) is not None


@rules.predicate
def works_with_persons(user: Any) -> bool:
    """Frontline workers, case managers and supervisors work with persons' data; coordinators
    see statistics only and administrators run the system."""
    return getattr(user, "role", None) in PERSON_WORK_ROLES


@rules.predicate
def same_organisation(user: Any, obj: Any) -> bool:
    organisation_id = getattr(obj, "organisation_id", None)
    return organisation_id is not None and organisation_id == user.organisation_id


@rules.predicate
def step_of_own_organisation(user: Any, step: Any) -> bool:
    return step is not None and step.screening.organisation_id == user.organisation_id


can_handle_persons = is_active_user & has_organisation & works_with_persons

rules.add_rule("screening.create", can_handle_persons)
rules.add_rule("screening.view", can_handle_persons & same_organisation)
rules.add_rule("screening.tick_step", can_handle_persons & step_of_own_organisation)


def allowed(rule: str, user: Any, obj: Any = None) -> bool:
    return bool(rules.test_rule(rule, user, obj))


# --- Cases and referrals ------------------------------------------------------------------
# A case belongs to the organisation that opened it. An organisation that accepted a referral
# of the case sees it too (and keeps seeing it once the referral is completed).

MANAGER_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})


@rules.predicate
def is_manager(user: Any) -> bool:
    return getattr(user, "role", None) in MANAGER_ROLES


@rules.predicate
def is_supervisor(user: Any) -> bool:
    return getattr(user, "role", None) == Role.SUPERVISOR


@rules.predicate
def is_administrator(user: Any) -> bool:
    return getattr(user, "role", None) == Role.ADMINISTRATOR


@rules.predicate
def owns_case(user: Any, case: Any) -> bool:
    return case is not None and case.organisation_id == user.organisation_id


@rules.predicate
def received_case(user: Any, case: Any) -> bool:
    from qorgan.cases.models import Referral, ReferralStatus

    return (
        case is not None
        and Referral.objects.filter(
            case_id=case.pk,
            to_organisation_id=user.organisation_id,
            status__in=[ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
        ).exists()
    )


@rules.predicate
def sent_referral(user: Any, referral: Any) -> bool:
    return referral is not None and referral.from_organisation_id == user.organisation_id


@rules.predicate
def receives_referral(user: Any, referral: Any) -> bool:
    return referral is not None and referral.to_organisation_id == user.organisation_id


rules.add_rule("case.view", can_handle_persons & (owns_case | received_case))
rules.add_rule("case.edit", can_handle_persons & owns_case)
rules.add_rule("case.record_service", can_handle_persons & (owns_case | received_case))
rules.add_rule("referral.send", can_handle_persons & owns_case)
rules.add_rule("referral.override_consent", can_handle_persons & is_supervisor & owns_case)
rules.add_rule("referral.view", can_handle_persons & (sent_referral | receives_referral))
rules.add_rule("referral.respond", can_handle_persons & is_manager & receives_referral)
rules.add_rule("referral.complete", can_handle_persons & is_manager & receives_referral)
rules.add_rule("referral.withdraw", can_handle_persons & sent_referral)
rules.add_rule("referral.see_overdue", can_handle_persons & is_supervisor)
rules.add_rule("audit.view", is_active_user & is_administrator)


# --- Anonymous reports ------------------------------------------------------------------------


@rules.predicate
def triages_reports(user: Any) -> bool:
    organisation = getattr(user, "organisation", None)
    return organisation is not None and (
        organisation.triages_reports or organisation.kind.code == "police"
    )


rules.add_rule("report.triage", can_handle_persons & triages_reports)


# --- Monitoring -------------------------------------------------------------------------------


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return getattr(user, "role", None) == Role.COORDINATOR


rules.add_rule("stats.view", is_active_user & (is_coordinator | is_supervisor | is_administrator))
rules.add_rule("prevention.record", is_active_user & has_organisation & ~is_administrator)
rules.add_rule("migration.record", is_active_user & is_coordinator)
rules.add_rule("opendata.release", is_active_user & is_coordinator)
rules.add_rule("cases.export", can_handle_persons & is_supervisor)
# HTCDS 2.0: supervisors their organisation's cases, coordinators their scope's, de-identified.
rules.add_rule(
    "htcds.export", (can_handle_persons & is_supervisor) | (is_active_user & is_coordinator)
)


# --- Hotline desk (docs/hotline.md) -------------------------------------------------------------
# Operators are not a role: a frontline worker, case manager or supervisor of the organisation
# that runs a hotline is made one of its operators (Hotline.operators) or its supervisor. The
# police units alerted about a contact, or to which it was reported, read it too.


@rules.predicate
def operates_a_hotline(user: Any) -> bool:
    from qorgan.hotline.models import Hotline

    if not getattr(user, "pk", None):
        return False
    return (
        Hotline.objects.filter(active=True, organisation_id=user.organisation_id)
        .filter(models.Q(operators=user) | models.Q(supervisor=user))
        .exists()
    )


@rules.predicate
def operates_hotline(user: Any, hotline: Any) -> bool:
    return (
        hotline is not None
        and hotline.active
        and hotline.organisation_id == user.organisation_id
        and (hotline.supervisor_id == user.pk or hotline.operators.filter(pk=user.pk).exists())
    )


@rules.predicate
def operates_contact_hotline(user: Any, contact: Any) -> bool:
    return contact is not None and bool(operates_hotline(user, contact.hotline))


@rules.predicate
def informed_of_contact(user: Any, contact: Any) -> bool:
    return contact is not None and (
        contact.police_organisation_id == user.organisation_id
        or contact.alerted.filter(pk=user.organisation_id).exists()
    )


rules.add_rule("hotline.desk", can_handle_persons & operates_a_hotline)
rules.add_rule("hotline.operate", can_handle_persons & operates_hotline)
rules.add_rule("hotline.edit", can_handle_persons & operates_contact_hotline)
rules.add_rule(
    "hotline.view_contact",
    can_handle_persons & (operates_contact_hotline | informed_of_contact),
)
rules.add_rule(
    "hotline.take", can_handle_persons & (operates_contact_hotline | informed_of_contact)
)
rules.add_rule(
    "hotline.stats",
    is_active_user & (is_coordinator | is_supervisor | is_administrator | operates_a_hotline),
)
