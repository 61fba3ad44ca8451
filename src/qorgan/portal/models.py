"""Anonymous reports of a suspicion, and the messages exchanged through the receipt channel.

No IP address, user agent, time of day or any other metadata about the reporter is kept: a
report has the day it was received, what the reporter chose to write (encrypted), and the
keyed hash of its receipt code. Its audit events and the staff's notifications are written by
the daily digest (``services.publish_daily_digest``) on a later day, never at the moment it
arrives, so that no clock anywhere (audit chain, inbox, e-mail) holds the time it was sent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.fields import EncryptedTextField


class ReportStatus(models.TextChoices):
    NEW = "new", _("Received")
    ASSIGNED = "assigned", _("Being looked at")
    INFO_REQUESTED = "info_requested", _("More information requested")
    DUPLICATE = "duplicate", _("Already reported")
    CLOSED = "closed", _("Closed")
    CASE_OPENED = "case_opened", _("A case was opened")


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    receipt_index = models.CharField(max_length=64, unique=True, editable=False)
    received_on = models.DateField(_("received on"))
    language = models.CharField(_("language"), max_length=5)
    what = EncryptedTextField(_("what happened"))
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = EncryptedTextField(_("where"), blank=True)
    when = EncryptedTextField(_("when"), blank=True)
    who_at_risk = EncryptedTextField(_("who is at risk"), blank=True)
    contact = EncryptedTextField(_("contact, if the reporter gave one"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    assigned_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_note = EncryptedTextField(_("closing note"), max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whether the daily digest has written its audit event and notified the triaging staff.
    digested = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"#{self.number}"


class ReportMessage(models.Model):
    """A question from staff or an addition from the reporter, through the receipt channel."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField(default=False)
    text = EncryptedTextField(_("message"))
    sent_on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An addition from the reporter is audited by the daily digest, like the report itself.
    digested = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.report} message {self.pk}"
