"""Who may do what: every role × action rule of Qorgan, in one place (django-rules).

Rules are tested with ``rules.test_rule(name, user, obj)``, never with ``user.has_perm``:
Django grants every permission to a superuser, and an administrator of the system must not
read personal data because of that.
"""

from __future__ import annotations

from typing import Any

import rules

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
