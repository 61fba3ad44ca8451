"""Who may do what: every role × action rule of Qorgan, in one place (django-rules).

Rules are tested with ``rules.test_rule(name, user, obj)``, never with ``user.has_perm``:
Django grants every permission to a superuser, and an administrator of the system must not
read personal data because of that.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db import models

from qorgan.hotline.models import Hotline

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
# The rules live in ``qorgan.cases.permissions`` (lead and participating organisations); they
# are registered from there, and re-exported here for the callers that import them from here.

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


@rules.predicate
def is_directory_editor(user: Any) -> bool:
    return getattr(user, "role", None) == Role.DIRECTORY_EDITOR


rules.add_rule(
    "prevention.record",
    is_active_user & has_organisation & ~is_administrator & ~is_directory_editor,
)
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


# Registered last: the case rules use the predicates above (a cycle otherwise).
from qorgan.cases.permissions import (  # noqa: E402
    leads_case,
    owns_case,
    participates_in_case,
    received_case,
    receives_referral,
    sent_referral,
)

__all__ = [
    "allowed",
    "leads_case",
    "owns_case",
    "participates_in_case",
    "received_case",
    "receives_referral",
    "sent_referral",
]


# --- Reference data: catalogue edits and translation review (issue 15) -------------------------


@rules.predicate
def edits_reference_data(user: Any) -> bool:
    """Administrators and directory editors (``Role.DIRECTORY_EDITOR``)."""
    return getattr(user, "role", None) in {Role.ADMINISTRATOR, Role.DIRECTORY_EDITOR}


@rules.predicate
def reviews_translations(user: Any) -> bool:
    """The permission ``knowledge.review_translation``, given to a user or a group in the admin
    (native speakers who review the portal's uz/ky/tg texts), or an administrator."""
    return getattr(user, "role", None) == Role.ADMINISTRATOR or bool(
        getattr(user, "is_authenticated", False) and user.has_perm("knowledge.review_translation")
    )


rules.add_rule("catalogue.edit", is_active_user & edits_reference_data)
# Organisations of the directory in the admin (``directory.admin``); the admin site lets in
# whoever this allows (``accounts.admin_site``).
rules.add_rule("directory.edit", is_active_user & edits_reference_data)
rules.add_rule("translation.review", is_active_user & reviews_translations)
