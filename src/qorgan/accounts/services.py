"""Writes about users: the first administrator, and changes of access that need two people.

An administrator runs the system; they do not read persons' data. So every change that would
let an account read persons' data, or run the system — a new account with such a role, a change
of anyone's role or organisation, an activation, staff or superuser status, a reset of the
second factor — is a *request* (``UserChangeRequest``) recorded in the audit chain and applied
only when a second person approves it: another administrator, or the supervisor of the
organisation the user will belong to. The requester never approves their own request, and nobody
approves a change of their own account. Taking access away (deactivating, removing staff
status) takes effect at once: in an incident it must be fast. The very first administrator,
who has nobody to approve them, is created on the server's console (``qorgan
ensure_first_admin``), outside the web, and that is audited as a console action; so is
``qorgan approve_user_change``, the way out while an installation has a single administrator.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgan.core.audit import audit_context, record
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.models import Organisation

from .models import ChangeKind, Decision, User, UserChangeRequest
from .permissions import PERSON_WORK_ROLES
from .roles import Role

# Roles whose holders read persons' data, or run the system (and could grant themselves more),
# or change the phones and addresses victims are given (directory editors).
GOVERNED_ROLES = frozenset({*PERSON_WORK_ROLES, Role.ADMINISTRATOR, Role.DIRECTORY_EDITOR})
# Roles that only administrators give (never an organisation's supervisor): they act
# on the whole system or on what every victim is told, not on one organisation's work.
ADMINISTRATION_ROLES = frozenset({Role.ADMINISTRATOR, Role.DIRECTORY_EDITOR})
ACCESS_FIELDS = ("role", "organisation", "is_active", "is_staff", "is_superuser")


@dataclass(frozen=True)
class FirstAdministrator:
    username: str
    one_time_password: str


def _one_time_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def ensure_first_administrator(*, username: str = "admin") -> FirstAdministrator | None:
    """Create the first administrator with a random one-time password, if there is no user yet.

    Returns the credentials to print once, or None when users already exist. The password is
    never fixed and must be changed at the first sign-in. Nobody can approve the first
    administrator: the command runs on the server's console and is audited as such.
    """
    if User.objects.exists():
        return None
    password = _one_time_password()
    admin = User.objects.create_superuser(
        username=username,
        email="",
        password=password,
        role=Role.ADMINISTRATOR,
        must_change_password=True,
    )
    with audit_context(route="console:ensure_first_admin"):
        record(
            actor=None,
            action=AuditAction.FIRST_ADMINISTRATOR_CREATED,
            object_type="accounts.User",
            object_id=admin.pk,
            fields=("role", "is_staff", "is_superuser", "is_active"),
            detail={"role": Role.ADMINISTRATOR},
        )
    return FirstAdministrator(username=username, one_time_password=password)


# --- Which changes need a second person -----------------------------------------------------


def grants_access(*, role: str, is_staff: bool, is_superuser: bool) -> bool:
    """Whether an active account in this state reads persons' data or runs the system."""
    return role in GOVERNED_ROLES or is_staff or is_superuser


def governed(user: User) -> bool:
    return grants_access(role=user.role, is_staff=user.is_staff, is_superuser=user.is_superuser)


def _state(user: User) -> dict[str, Any]:
    return {
        "role": user.role,
        "organisation": user.organisation_id,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def _organisation_code(organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    return (
        Organisation.objects.filter(pk=organisation_id).values_list("code", flat=True).first() or ""
    )


def _detail(change: UserChangeRequest) -> dict[str, Any]:
    """Codes and flags only: no names, no personal data."""
    detail: dict[str, Any] = {"request": change.pk, "kind": change.kind}
    if change.role:
        detail["role"] = change.role
    if change.organisation_changed:
        detail["organisation"] = _organisation_code(change.organisation_id)
    for name in ("is_active", "is_staff", "is_superuser"):
        if getattr(change, name) is not None:
            detail[name] = getattr(change, name)
    if change.reset_second_factor:
        detail["reset_second_factor"] = True
    return detail


@transaction.atomic
def request_change(
    user: User,
    *,
    by: Any,
    kind: str,
    role: str | None = None,
    organisation_changed: bool = False,
    organisation_id: int | None = None,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    reset_second_factor: bool = False,
) -> UserChangeRequest:
    """Record a change waiting for a second person's approval (it replaces a waiting one)."""
    superseded = UserChangeRequest.objects.select_for_update().filter(
        user=user, decision=Decision.PENDING
    )
    for old in superseded:
        old.decision = Decision.WITHDRAWN
        old.decided_by = by if getattr(by, "is_authenticated", False) else None
        old.decided_at = timezone.now()
        old.reason = "superseded"
        old.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
        record(
            actor=by,
            action=AuditAction.USER_CHANGE_WITHDRAWN,
            object_type="accounts.User",
            object_id=user.pk,
            fields=old.changed_fields(),
            detail={"request": old.pk, "reason": "superseded"},
        )
    change = UserChangeRequest.objects.create(
        user=user,
        kind=kind,
        role=role or "",
        organisation_changed=organisation_changed,
        organisation_id=organisation_id if organisation_changed else None,
        is_active=is_active,
        is_staff=is_staff,
        is_superuser=is_superuser,
        reset_second_factor=reset_second_factor,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record(
        actor=by,
        action=AuditAction.USER_CHANGE_REQUESTED,
        object_type="accounts.User",
        object_id=user.pk,
        fields=change.changed_fields(),
        detail=_detail(change),
    )
    return change


@dataclass(frozen=True)
class AdminSave:
    """What an administrator's save of a user did: applied now, or waiting for approval."""

    request: UserChangeRequest | None
    revoked: list[str]


def save_from_admin(user: User, *, by: Any, created: bool) -> AdminSave:
    """Save a user as the administrator's form left it, holding back every change of access
    that needs a second person; that part becomes a request. Call inside a transaction."""
    if created:
        wanted = _state(user)
        needs_approval = grants_access(
            role=user.role, is_staff=user.is_staff, is_superuser=user.is_superuser
        )
        if needs_approval:
            user.is_active = False
        user.save()
        if not needs_approval:
            record(
                actor=by,
                action=AuditAction.USER_CREATED,
                object_type="accounts.User",
                object_id=user.pk,
                fields=ACCESS_FIELDS,
                detail={
                    "role": user.role,
                    "organisation": _organisation_code(user.organisation_id),
                    "is_active": user.is_active,
                },
            )
            return AdminSave(None, [])
        change = request_change(
            user,
            by=by,
            kind=ChangeKind.CREATE,
            role=wanted["role"],
            organisation_changed=True,
            organisation_id=wanted["organisation"],
            is_active=wanted["is_active"],
            is_staff=wanted["is_staff"] or None,
            is_superuser=wanted["is_superuser"] or None,
        )
        return AdminSave(change, [])

    old = User.objects.get(pk=user.pk)
    before, after = _state(old), _state(user)
    values: dict[str, Any] = {}
    if after["role"] != before["role"]:
        values["role"] = after["role"]
    if after["organisation"] != before["organisation"]:
        values["organisation_changed"] = True
        values["organisation_id"] = after["organisation"]
    for flag in ("is_staff", "is_superuser", "is_active"):
        if after[flag] and not before[flag]:
            values[flag] = True
    if "is_active" in values and not grants_access(
        role=after["role"], is_staff=after["is_staff"], is_superuser=after["is_superuser"]
    ):
        del values["is_active"]  # activating an account that reads nothing: no second person
    revoked = [
        flag
        for flag in ("is_active", "is_staff", "is_superuser")
        if before[flag] and not after[flag]
    ]
    # Hold back what needs approval: the account keeps its access as it was.
    user.role = old.role
    user.organisation_id = old.organisation_id
    for flag in ("is_staff", "is_superuser", "is_active"):
        if flag in values:
            setattr(user, flag, False)
    user.save()
    if revoked:
        record(
            actor=by,
            action=AuditAction.USER_ACCESS_REVOKED,
            object_type="accounts.User",
            object_id=user.pk,
            fields=revoked,
            detail=dict.fromkeys(revoked, False),
        )
    if after["is_active"] and not before["is_active"] and "is_active" not in values:
        record(
            actor=by,
            action=AuditAction.USER_ACTIVATED,
            object_type="accounts.User",
            object_id=user.pk,
            fields=("is_active",),
            detail={"role": after["role"]},
        )
    if not values:
        return AdminSave(None, revoked)
    return AdminSave(request_change(user, by=by, kind=ChangeKind.CHANGE, **values), revoked)


# --- Deciding ---------------------------------------------------------------------------------


def grants_administration(change: UserChangeRequest) -> bool:
    return bool(
        change.role in ADMINISTRATION_ROLES
        or change.is_staff
        or change.is_superuser
        or (not change.role and change.user.role in ADMINISTRATION_ROLES)
        or change.user.is_staff
        or change.user.is_superuser
    )


def may_decide(approver: Any, change: UserChangeRequest) -> bool:
    """A second administrator, or the supervisor of the organisation the user will belong to;
    never the requester, never the user concerned. Changes that make or touch an administrator
    are decided by administrators only."""
    if not getattr(approver, "is_authenticated", False) or not approver.is_active:
        return False
    if approver.pk in (change.requested_by_id, change.user_id):
        return False
    if approver.role == Role.ADMINISTRATOR:
        return True
    if approver.role != Role.SUPERVISOR or approver.organisation_id is None:
        return False
    if grants_administration(change):
        return False
    return bool(change.target_organisation_id() == approver.organisation_id)


def waiting_for(approver: Any) -> QuerySet[UserChangeRequest]:
    """The requests this person may decide, oldest first."""
    pending = (
        UserChangeRequest.objects.filter(decision=Decision.PENDING)
        .select_related("user", "user__organisation", "organisation", "requested_by")
        .order_by("requested_at", "pk")
    )
    if not getattr(approver, "is_authenticated", False) or not approver.is_active:
        return pending.none()
    pending = pending.exclude(user_id=approver.pk).exclude(requested_by_id=approver.pk)
    if approver.role == Role.ADMINISTRATOR:
        return pending
    if approver.role != Role.SUPERVISOR or approver.organisation_id is None:
        return pending.none()
    ids = [
        change.pk
        for change in pending.filter(
            Q(organisation_changed=True, organisation_id=approver.organisation_id)
            | Q(organisation_changed=False, user__organisation_id=approver.organisation_id)
        )
        if may_decide(approver, change)
    ]
    return pending.filter(pk__in=ids)


@dataclass(frozen=True)
class Decided:
    request: UserChangeRequest
    one_time_password: str | None = None


def _apply(change: UserChangeRequest) -> str | None:
    """Apply the change; returns a one-time password when the account may now be signed in to
    by whoever knows its password and has no second factor (shown once, to the approver)."""
    user = User.objects.select_for_update().get(pk=change.user_id)
    if change.role:
        user.role = change.role
    if change.organisation_changed:
        user.organisation_id = change.organisation_id
    for flag in ("is_active", "is_staff", "is_superuser"):
        value = getattr(change, flag)
        if value is not None:
            setattr(user, flag, value)
    if user.role in PERSON_WORK_ROLES and user.organisation_id is None:
        raise ValidationError(_("A user who works with persons' data belongs to an organisation."))
    if change.reset_second_factor:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    password = None
    fresh_start = change.reset_second_factor or (
        change.is_active and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )
    if fresh_start and user.is_active and governed(user):
        # Whoever requested the change may know the password they typed: the person gets a
        # new one-time password from the approver, and chooses their own at the first sign-in.
        password = _one_time_password()
        user.set_password(password)
        user.must_change_password = True
    user.save()
    return password


@transaction.atomic
def decide(
    change: UserChangeRequest, *, by: Any, approve: bool, reason: str = "", console: bool = False
) -> Decided:
    """Approve (apply) or refuse a waiting request. ``console`` is the server's command line,
    the only decider without an account (a single administrator has nobody else)."""
    change = UserChangeRequest.objects.select_for_update().select_related("user").get(pk=change.pk)
    if not change.is_pending:
        raise ValidationError(_("This request has been decided already."))
    if not console and not may_decide(by, change):
        raise PermissionDenied(_("You may not decide this request."))
    password = _apply(change) if approve else None
    change.decision = Decision.APPROVED if approve else Decision.REFUSED
    change.decided_by = None if console else by
    change.decided_at = timezone.now()
    change.reason = reason.strip()[:500]
    change.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    record(
        actor=None if console else by,
        action=AuditAction.USER_CHANGE_APPROVED if approve else AuditAction.USER_CHANGE_REFUSED,
        object_type="accounts.User",
        object_id=change.user_id,
        fields=change.changed_fields(),
        detail={
            **_detail(change),
            "requested_by": change.requested_by_id,
            "one_time_password_issued": password is not None,
            **({"by": "console"} if console else {}),
        },
    )
    return Decided(change, password)


# --- Passwords and second factors set by an administrator ------------------------------------


def admin_may_set_password(user: User, *, by: Any) -> bool:
    """An administrator may not give a password to an account that reads persons' data (or
    runs the system) and has no second factor yet: they could sign in to it first. A reset of
    the second factor (approved by a second person) issues a one-time password instead."""
    if getattr(by, "pk", None) == user.pk:
        return True
    return not (
        governed(user)
        and user.is_active
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def password_set_by_admin(user: User, *, by: Any) -> None:
    """After an administrator set a password: it must be changed at the first sign-in."""
    if user.has_usable_password() and getattr(by, "pk", None) != user.pk:
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
    record(
        actor=by,
        action=AuditAction.USER_PASSWORD_SET_BY_ADMIN,
        object_type="accounts.User",
        object_id=user.pk,
        fields=("password",),
        detail={"must_change_password": user.must_change_password},
    )


@transaction.atomic
def reset_second_factor(user: User, *, by: Any) -> UserChangeRequest | None:
    """Remove a user's authenticator and backup codes so they set them up again. For an
    account that reads persons' data (or runs the system) this is a request for approval."""
    if governed(user):
        return request_change(user, by=by, kind=ChangeKind.SECOND_FACTOR, reset_second_factor=True)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        actor=by,
        action=AuditAction.SECOND_FACTOR_RESET,
        object_type="accounts.User",
        object_id=user.pk,
        fields=("second_factor",),
        detail={"role": user.role},
    )
    return None
