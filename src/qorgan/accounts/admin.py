"""The admin for users: administrators administer, they do not read.

- No second-factor secret is ever shown or editable: django-otp's own admin pages (which show
  the TOTP key, its QR code and the backup codes) are replaced by read-only lists of devices
  with a "reset the second factor" action.
- A change of access (new account that reads persons' data or runs the system, role,
  organisation, activation, staff or superuser status) becomes a request that a second
  person approves (``services.save_from_admin``); taking access away applies at once.
- A password set by an administrator must be changed at the first sign-in.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgan.core.audit import record
from qorgan.core.audit_actions import AuditAction

from . import (
    admin_axes,  # noqa: F401 - django-axes' lists with translated labels
    services,
)
from .models import AuthenticatorDevice, BackupCodes, Decision, User, UserChangeRequest

for _model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(_model)


def _pending_message(request: HttpRequest, user: User) -> None:
    messages.warning(
        request,
        gettext(
            "The change of access of “%(user)s” waits for approval by a second administrator "
            "or the supervisor of the organisation; until then the account keeps its access "
            "as it was."
        )
        % {"user": user.get_username()},
    )


def _reset(request: HttpRequest, users: list[User]) -> None:
    for user in users:
        pending = services.reset_second_factor(user, by=request.user)
        if pending is not None:
            _pending_message(request, user)
        else:
            messages.success(
                request,
                gettext("The second factor of “%(user)s” was reset.")
                % {"user": user.get_username()},
            )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("role", "is_active", "organisation__kind")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("must_change_password", "waiting_change", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Access"),
            {
                "fields": (
                    "organisation",
                    "role",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "waiting_change",
                ),
                "description": _(
                    "A change of role, organisation, activation, staff or superuser status "
                    "waits for a second administrator or the organisation's supervisor to "
                    "approve it. Deactivation applies at once."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Access"),
            {
                "fields": ("organisation", "role"),
                "description": _(
                    "An account that works with persons' data or runs the system is created "
                    "inactive and waits for approval; on approval the approver receives a "
                    "one-time password for the person. Any password set here must be changed "
                    "at the first sign-in."
                ),
            },
        ),
    )
    actions = ("reset_second_factor",)

    @admin.display(description=_("change waiting for approval"))
    def waiting_change(self, obj: User) -> str:
        change = obj.change_requests.filter(decision=Decision.PENDING).first() if obj.pk else None
        if change is None:
            return "—"
        return gettext("%(kind)s, requested %(date)s: %(fields)s") % {
            "kind": change.get_kind_display(),
            "date": change.requested_at.date().isoformat(),
            "fields": ", ".join(str(label) for label in change.changed_labels()),
        }

    @admin.action(description=_("Reset the second factor"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _reset(request, list(queryset))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change and obj.has_usable_password() and obj.pk != getattr(request.user, "pk", None):
            obj.must_change_password = True
        result = services.save_from_admin(obj, by=request.user, created=not change)
        if result.request is not None:
            _pending_message(request, obj)
        other = sorted(
            set(getattr(form, "changed_data", ()))
            - {*services.ACCESS_FIELDS, "password", "password1", "password2", "usable_password"}
        )
        if change and other:
            record(
                actor=request.user,
                action=AuditAction.USER_CHANGED,
                object_type="accounts.User",
                object_id=obj.pk,
                fields=other,
            )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        record(
            actor=request.user,
            action=AuditAction.USER_DELETED,
            object_type="accounts.User",
            object_id=pk,
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        for pk in pks:
            record(
                actor=request.user,
                action=AuditAction.USER_DELETED,
                object_type="accounts.User",
                object_id=pk,
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        user = self.get_object(request, id)
        if user is not None and not services.admin_may_set_password(user, by=request.user):
            messages.error(
                request,
                gettext(
                    "“%(user)s” has no second factor yet: whoever knows a password set here "
                    "could sign in first. Use “Reset the second factor” instead; once a second "
                    "person approves it, they receive a one-time password for the person."
                )
                % {"user": user.get_username()},
            )
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=(user.pk,)))
        before = user.password if user is not None else None
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and user is not None:
                user.refresh_from_db()
                if user.password != before:
                    services.password_set_by_admin(user, by=request.user)
        return response


class _ConfirmedFilter(admin.BooleanFieldListFilter):
    """django-otp's "confirmed" field, with Qorgan's translated title."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = gettext("confirmed")


class _DeviceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A second-factor device seen by an administrator: name, user, state; never its secret.
    (Shown through display methods: django-otp's own field labels are not translated.)"""

    list_display: tuple[str, ...] = (
        "device_name",
        "device_user",
        "device_confirmed",
        "device_last_used",
    )
    list_filter = (("confirmed", _ConfirmedFilter),)
    search_fields = ("user__username",)
    fields = (
        "device_name",
        "device_user",
        "device_confirmed",
        "device_created",
        "device_last_used",
    )
    readonly_fields = fields
    actions = ("reset_second_factor",)

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj: Any) -> str:
        return str(obj.name)

    @admin.display(description=_("user"), ordering="user__username")
    def device_user(self, obj: Any) -> str:
        return str(obj.user.get_username())

    @admin.display(description=_("confirmed"), boolean=True)
    def device_confirmed(self, obj: Any) -> bool:
        return bool(obj.confirmed)

    @admin.display(description=_("created at"))
    def device_created(self, obj: Any) -> Any:
        return obj.created_at

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def device_last_used(self, obj: Any) -> Any:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Reset the second factor"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        users = User.objects.filter(pk__in=queryset.values("user_id"))
        _reset(request, list(users))


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(_DeviceAdmin):
    pass


@admin.register(BackupCodes)
class BackupCodesAdmin(_DeviceAdmin):
    list_display = (*_DeviceAdmin.list_display, "codes_left")

    @admin.display(description=_("codes left"))
    def codes_left(self, obj: StaticDevice) -> int:
        return int(obj.token_set.count())


def _decide(
    request: HttpRequest, queryset: QuerySet[UserChangeRequest], *, approve: bool
) -> HttpResponse | None:
    done, issued = 0, []
    for change in queryset:
        try:
            decided = services.decide(
                change,
                by=request.user,
                approve=approve,
                reason="" if approve else gettext("Refused in the admin."),
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(
                request, f"{change}: {' '.join(getattr(error, 'messages', [str(error)]))}"
            )
            continue
        done += 1
        if decided.one_time_password:
            issued.append(decided)
    if done:
        messages.success(
            request,
            gettext("%(count)d requests approved.") % {"count": done}
            if approve
            else gettext("%(count)d requests refused.") % {"count": done},
        )
    if issued:
        # Shown once, on this page only: never in a cookie, a message or the audit trail.
        return render(request, "accounts/approval_done.html", {"issued": issued})
    return None


@admin.register(UserChangeRequest)
class UserChangeRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "kind", "changes", "requested_by", "requested_at", "decision")
    list_filter = ("decision", "kind")
    search_fields = ("user__username",)
    fields = (
        "user",
        "kind",
        "role",
        "organisation_changed",
        "organisation",
        "is_active",
        "is_staff",
        "is_superuser",
        "reset_second_factor",
        "requested_by",
        "requested_at",
        "decision",
        "decided_by",
        "decided_at",
        "reason",
    )
    readonly_fields = fields
    actions = ("approve", "refuse")

    @admin.display(description=_("changes"))
    def changes(self, obj: UserChangeRequest) -> str:
        return ", ".join(str(label) for label in obj.changed_labels())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Approve the selected requests"))
    def approve(
        self, request: HttpRequest, queryset: QuerySet[UserChangeRequest]
    ) -> HttpResponse | None:
        return _decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected requests"))
    def refuse(
        self, request: HttpRequest, queryset: QuerySet[UserChangeRequest]
    ) -> HttpResponse | None:
        return _decide(request, queryset, approve=False)
