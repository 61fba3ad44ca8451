"""The audit trail: an append-only, hash-chained log of every read and write of personal data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One read or write of personal data: who, when, what, from where.

    Rows are never updated or deleted (database triggers refuse it). Each row's ``hash``
    covers its content and the previous row's hash, so a changed or removed row breaks
    the chain (``qorgan audit_verify``).
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"))
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    actor_organisation = models.CharField(_("organisation"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    remote_addr = models.CharField(_("from address"), max_length=64, blank=True)
    route = models.CharField(_("from"), max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_username"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last hash of the chain; locked while appending, so appends are serialized."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return self.last_hash
