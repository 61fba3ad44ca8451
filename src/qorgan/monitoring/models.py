"""What subjects record of their prevention and cooperation work, and labour-migration figures."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.importjobs import ImportJobBase


class ActivityKind(models.TextChoices):
    """The kinds of work of 002 L328–398 (prevention) and L278–324 (cooperation)."""

    MEDIA_CAMPAIGN = "media_campaign", _("Information campaign in the media")
    ONLINE_CAMPAIGN = "online_campaign", _("Information campaign online and in social networks")
    MATERIALS_PLACED = "materials_placed", _("Materials placed where people gather")
    EDUCATION_PROGRAMME = "education_programme", _("Education programme")
    TRAINING = "training", _("Training of staff")
    PARENT_MEETING = "parent_meeting", _("Meeting with parents")
    LABOUR_INSPECTION = "labour_inspection", _("Inspection of migrant workers' conditions")
    JOINT_OPERATION = "joint_operation", _("Joint operation or raid")
    INTERNATIONAL_COOPERATION = "international_cooperation", _("International cooperation")
    PUBLIC_REPORTING = "public_reporting", _("Informing the public of results")


KIND_DIRECTION = {
    ActivityKind.MEDIA_CAMPAIGN: "prevention",
    ActivityKind.ONLINE_CAMPAIGN: "prevention",
    ActivityKind.MATERIALS_PLACED: "prevention",
    ActivityKind.EDUCATION_PROGRAMME: "prevention",
    ActivityKind.TRAINING: "cooperation",
    ActivityKind.PARENT_MEETING: "prevention",
    ActivityKind.LABOUR_INSPECTION: "prevention",
    ActivityKind.JOINT_OPERATION: "detection",
    ActivityKind.INTERNATIONAL_COOPERATION: "cooperation",
    ActivityKind.PUBLIC_REPORTING: "prevention",
}


class PreventionActivity(models.Model):
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=ActivityKind.choices)
    direction = models.CharField(_("direction"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, help_text=_("Risk group codes of the SOP")
    )
    reach = models.PositiveIntegerField(_("people reached"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    trainer = models.CharField(_("who trained"), max_length=300, blank=True)
    participants_by_body = models.JSONField(_("participants by body"), default=dict, blank=True)
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    duties = models.ManyToManyField(
        "directory.Duty", verbose_name=_("duties fulfilled"), blank=True, related_name="activities"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("prevention or cooperation activity")
        verbose_name_plural = _("prevention and cooperation activities")

    def __str__(self) -> str:
        return self.title


class MigrationIndicator(models.Model):
    """Labour migration (003 L1936–2024, L2867–2891): the quota for foreign workers against the
    workers actually attracted, by region and sector, with the data's source."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "directory.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.CharField(_("sector"), max_length=100)
    quota = models.PositiveIntegerField(_("quota"))
    attracted = models.PositiveIntegerField(_("foreign workers attracted"))
    source = models.CharField(_("data source"), max_length=300)
    published = models.BooleanField(_("published"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "region__position", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "sector"], name="one_indicator_per_year_region_sector"
            )
        ]
        verbose_name = _("labour-migration indicator")
        verbose_name_plural = _("labour-migration indicators")

    def __str__(self) -> str:
        return f"{self.year} {self.region_id} {self.sector}"


class IndicatorImport(ImportJobBase):
    """A file of labour-migration indicators: checked row by row, then imported all or nothing
    by the ``monitoring.import_indicators`` task (``core.importjobs``, the mechanism of the
    case-register import). The file is stored encrypted until the import ends, then deleted."""

    imported = models.PositiveIntegerField(_("rows imported"), default=0)

    class Meta(ImportJobBase.Meta):
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self) -> str:
        return f"indicators {self.status} {self.pk}"


class ExportJob(models.Model):
    """A file built away from the request (``core.tasks``): a case export, a report for the
    commissions or an open-data release. The file is stored encrypted, only its requester may
    download it, and it is deleted after ``EXPORT_TTL``."""

    class Kind(models.TextChoices):
        CASES = "cases", _("Cases")
        REPORT = "report", _("Report for the commissions")
        OPEN_DATA = "open_data", _("Open data")
        HTCDS = "htcds", _("HTCDS 2.0 export")

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CASES)
    fmt = models.CharField(_("format"), max_length=20)
    params = models.JSONField(
        default=dict, blank=True, help_text="period, region and language of a report or release"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    blob = models.CharField(max_length=200, blank=True, help_text="storage name of the file")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.fmt} {self.status} {self.pk}"


class OpenDataRelease(models.Model):
    """One open-data file for one period of the fixed grid (a calendar quarter), built once and
    kept: asking again for the same period returns this very file, so two releases of a period
    never differ and cannot be differenced (docs/monitoring.md, "Open data"). A synthetic
    release records the ε it spent; the ε spent on a period is the sum over its releases and may
    not pass ``OPEN_DATA_EPSILON_BUDGET``."""

    class Kind(models.TextChoices):
        K_ANONYMOUS = "k_anonymous", _("k-anonymous records")
        SYNTHETIC = "synthetic", _("synthetic records")

    period = models.CharField(_("period"), max_length=7, help_text="a calendar quarter: 2026Q1")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    content = models.TextField(help_text="the released CSV")
    fidelity = models.TextField(blank=True, help_text="CSV: total variation distance per column")
    parameters = models.JSONField(default=dict, help_text="k and generalisation, or ε")
    epsilon = models.FloatField(_("ε spent"), default=0.0)
    source_records = models.PositiveIntegerField(default=0)
    released_records = models.PositiveIntegerField(default=0)
    current = models.BooleanField(default=True, help_text="the file served for this period")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "kind", "-released_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind"],
                condition=models.Q(current=True),
                name="one_current_release_per_period_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.kind}"


class RollupMember(models.Model):
    """What one case contributes to the statistics rollup (``monitoring/rollup.py``): its month,
    region and statistical attributes, and its permanent random record key (cell-key
    perturbation, ``monitoring/suppression.py``). Never shown; no personal data."""

    case_id = models.UUIDField(primary_key=True)
    record_key = models.BigIntegerField()
    month = models.DateField()
    region = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=10)
    age_group = models.CharField(max_length=10)
    citizenship = models.CharField(max_length=10)
    forms = models.JSONField(default=list)
    source = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=32)
    identified = models.BooleanField(default=False)
    not_identified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"rollup member {self.case_id}"


class StatCell(models.Model):
    """The statistics rollup: the number of cases per month × region × breakdown category, and
    the sum of their record keys modulo ``rollup.KEY_MODULUS`` (a cell's key). Kept current
    in the same transaction as every case change."""

    month = models.DateField()
    region = models.CharField(max_length=10, blank=True)
    dimension = models.CharField(max_length=20)
    category = models.CharField(max_length=40, blank=True)
    n = models.BigIntegerField(default=0)
    keysum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region", "dimension", "category"], name="statcell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.region} {self.dimension} {self.category}: {self.n}"
