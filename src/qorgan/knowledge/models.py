"""The catalogue as loaded into the database, with the version that is live."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import localized


class CatalogueVersion(models.Model):
    """One load of the reference data files. Exactly one version is live at a time."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    checksum = models.CharField(_("checksum"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    is_live = models.BooleanField(_("live"), default=False)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"],
                condition=models.Q(is_live=True),
                name="one_live_catalogue_version",
            )
        ]

    def __str__(self) -> str:
        return self.version


class CatalogueKind(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title_kk = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("catalogue kind")
        verbose_name_plural = _("catalogue kinds")

    def __str__(self) -> str:
        return localized(self, "title")


class CatalogueGroup(models.Model):
    kind = models.ForeignKey(CatalogueKind, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=60)
    title_kk = models.CharField(max_length=500)
    title_ru = models.CharField(max_length=500)
    title_en = models.CharField(max_length=500)
    source_document = models.CharField(max_length=64, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # A few words for the screening form (kinds in catalogue.SHORT_LABEL_KINDS); else empty.
    short_kk = models.CharField(max_length=80, blank=True, default="")
    short_ru = models.CharField(max_length=80, blank=True, default="")
    short_en = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ["kind__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="unique_group_per_kind")
        ]
        verbose_name = _("catalogue group")
        verbose_name_plural = _("catalogue groups")

    def __str__(self) -> str:
        return localized(self, "title")


class CatalogueEntry(models.Model):
    """One entry of the catalogue, with its text in three languages and its source line."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    kind = models.ForeignKey(CatalogueKind, on_delete=models.PROTECT, related_name="entries")
    group = models.ForeignKey(CatalogueGroup, on_delete=models.PROTECT, related_name="entries")
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    # A few words for the screening form, beside the verbatim text (screened kinds only).
    short_kk = models.CharField(_("short label (Kazakh)"), max_length=80, blank=True, default="")
    short_ru = models.CharField(_("short label (Russian)"), max_length=80, blank=True, default="")
    short_en = models.CharField(_("short label (English)"), max_length=80, blank=True, default="")
    source_document = models.CharField(_("source document"), max_length=64)
    source_line = models.PositiveIntegerField(_("source line"))
    position = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("No longer in the live version; kept for old records."),
    )
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind__position", "group__position", "position"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")

    def __str__(self) -> str:
        return f"{self.code}: {localized(self, 'text')[:80]}"

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def short(self) -> str:
        """The short label in the active language; the full text where there is none."""
        return localized(self, "short") or self.text
