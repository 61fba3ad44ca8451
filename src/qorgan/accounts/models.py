"""A Qorgan user belongs to one organisation and holds one role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role


class User(AbstractUser):
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_(
            "Every staff user belongs to one organisation; only the first administrator may have none."
        ),
    )
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.FRONTLINE_WORKER
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set for one-time passwords: the user must choose a new one at the next sign-in."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ChangeKind(models.TextChoices):
    CREATE = "create", _("New account")
    CHANGE = "change", _("Change of access")
    SECOND_FACTOR = "second_factor", _("Second factor reset")


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UserChangeRequest(models.Model):
    """A change of who may see what, requested by an administrator and applied only when a
    second person approves it: a second administrator, or the supervisor of the organisation.

    A requested value that does not change is empty: ``""`` for the role, ``None`` for the
    flags, ``organisation_changed`` false for the organisation.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, blank=True, help_text=_("Empty: unchanged.")
    )
    organisation_changed = models.BooleanField(_("organisation changes"), default=False)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), null=True, blank=True)
    is_staff = models.BooleanField(_("staff status"), null=True, blank=True)
    is_superuser = models.BooleanField(_("superuser status"), null=True, blank=True)
    reset_second_factor = models.BooleanField(_("reset the second factor"), default=False)
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access change request")
        verbose_name_plural = _("access change requests")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(decision="pending"),
                name="one_pending_change_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user.get_username()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING

    def changed_fields(self) -> list[str]:
        names = [
            name
            for name in ("is_active", "is_staff", "is_superuser")
            if getattr(self, name) is not None
        ]
        if self.role:
            names.append("role")
        if self.organisation_changed:
            names.append("organisation")
        if self.reset_second_factor:
            names.append("second_factor")
        return sorted(names)

    def changed_labels(self) -> list[Any]:
        """The changed fields, as people read them (translated)."""
        labels = {
            "role": _("role"),
            "organisation": _("organisation"),
            "is_active": _("active"),
            "is_staff": _("staff status"),
            "is_superuser": _("superuser status"),
            "second_factor": _("second factor"),
        }
        return [labels[name] for name in self.changed_fields()]

    def target_organisation_id(self) -> int | None:
        """The organisation whose supervisor may approve: the one the user will belong to."""
        return self.organisation_id if self.organisation_changed else self.user.organisation_id


class AuthenticatorDevice(TOTPDevice):
    """The admin's view of an authenticator app: never its key (see ``admin.py``)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class BackupCodes(StaticDevice):
    """The admin's view of a user's backup codes: never the codes."""

    class Meta:
        proxy = True
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")
