"""A stored screening: the request and its result (encrypted), and the plan's checklist."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.fields import EncryptedJSONField


class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    screened_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    created_at = models.DateTimeField(_("screened at"), auto_now_add=True)
    # Not personal on their own, kept in clear for statistics and lists.
    subject_kind = models.CharField(_("subject kind"), max_length=40)
    assessment = models.CharField(_("assessment"), max_length=20)
    track = models.CharField(_("track"), max_length=10)
    language = models.CharField(_("language"), max_length=2)
    catalogue_version = models.CharField(_("catalogue version"), max_length=32)
    consent_to_referral = models.BooleanField(_("consent to referral"), default=False)
    # The person's data: encrypted at rest.
    request = EncryptedJSONField(_("request"))
    result = EncryptedJSONField(_("result"))
    # Made by the offline app on the device: a screening sent twice is stored once.
    client_uuid = models.UUIDField(_("client identifier"), unique=True, null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.assessment}"


class PlanStep(models.Model):
    """One action of the plan, ticked off by the worker who does it."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    action = models.CharField(_("action"), max_length=60)
    urgency = models.CharField(_("urgency"), max_length=10)
    source_document = models.CharField(max_length=64)
    source_line = models.PositiveIntegerField()
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["screening", "position"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "position"], name="unique_step_position")
        ]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")

    def __str__(self) -> str:
        return self.action
