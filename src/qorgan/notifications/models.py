from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("A referral is waiting for your answer")
    REFERRAL_ACCEPTED = "referral_accepted", _("Your referral was accepted")
    REFERRAL_DECLINED = "referral_declined", _("Your referral was declined")
    REFERRAL_OVERDUE = "referral_overdue", _("A referral has not been answered by its due date")
    REPORT_RECEIVED = "report_received", _("Anonymous reports received (day: how many)")
    HOTLINE_CRISIS = "hotline_crisis", _("Crisis call to a hotline: a person in immediate danger")
    HOTLINE_REPORT = "hotline_report", _("A hotline reports a situation to the police")
    FOLLOWUP_DUE = "followup_due", _("A follow-up on a case is due")
    HANDOVER_REQUESTED = "handover_requested", _("A case is being handed over to you")
    APPROVAL_REQUESTED = "approval_requested", _("A decision on a case waits for your approval")


class Notification(models.Model):
    """One message in an organisation's inbox. It names a case or report by its reference only."""

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    reference = models.CharField(_("reference"), max_length=40)
    link = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
