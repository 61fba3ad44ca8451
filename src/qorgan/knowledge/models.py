"""The catalogue as loaded into the database, with the version that is live."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import DEFAULT_LANGUAGE, LANGUAGE_CODES, column_values, localized
from qorgan.core.phones import from_stored


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
    kind = models.ForeignKey(
        CatalogueKind, verbose_name=_("kind"), on_delete=models.CASCADE, related_name="groups"
    )
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
    kind = models.ForeignKey(
        CatalogueKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="entries"
    )
    group = models.ForeignKey(
        CatalogueGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="entries"
    )
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    # A few words for the screening form, beside the verbatim text (screened kinds only).
    short_kk = models.CharField(_("short label (Kazakh)"), max_length=80, blank=True, default="")
    short_ru = models.CharField(_("short label (Russian)"), max_length=80, blank=True, default="")
    short_en = models.CharField(_("short label (English)"), max_length=80, blank=True, default="")
    source_document = models.CharField(_("source document"), max_length=64, blank=True)
    source_line = models.PositiveIntegerField(_("source line"), null=True, blank=True)
    # An entry entered in Qorgan (a local hotline): who entered it and when, instead of a seed
    # line ("local: entered by <organisation> on <date>").
    local_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("entered by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    local_entered_on = models.DateField(_("entered on"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)
    # The values the reference data files shipped at the last load (``shipped_version``): the
    # base of the three-way merge, and the verbatim seed text beside any edited wording.
    shipped = models.JSONField(_("shipped values"), default=dict, blank=True)
    shipped_version = models.CharField(_("shipped in version"), max_length=32, blank=True)
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

    @property
    def phones(self) -> list[str]:
        """A hotline's numbers to dial (validated when entered); the first is ``extra.phone``."""
        return [p.tel for p in self.phone_list]

    @property
    def phone_list(self) -> list[Any]:
        """The numbers as ``core.phones.Phone`` (display and tel), for pages; what cannot be
        dialled is left out."""
        listed = self.extra.get("phones") or (
            [self.extra["phone"]] if self.extra.get("phone") else []
        )
        return list(from_stored(list(listed)))

    @property
    def source_label(self) -> str:
        if self.local_organisation_id:
            return _("local: entered by %(organisation)s on %(date)s") % {
                "organisation": self.local_organisation,
                "date": self.local_entered_on.strftime("%d.%m.%Y") if self.local_entered_on else "",
            }
        return f"{self.source_document} L{self.source_line}"

    @property
    def verbatim_text(self) -> str:
        """The seed's verbatim text in its language (Kazakh; Russian for 004)."""
        return str(
            self.shipped.get(f"text_{DEFAULT_LANGUAGE}") or column_values(self, "text")["kk"]
        )

    @property
    def edited(self) -> bool:
        return bool(self.shipped) and any(
            self.shipped.get(name) != value for name, value in editable_values(self).items()
        )


EDITABLE_FIELDS = ("text", "short")


def editable_values(entry: CatalogueEntry) -> dict[str, object]:
    """The values of an entry that staff may edit (and the merge compares), by column."""
    values: dict[str, object] = {
        f"{name}_{code}": getattr(entry, f"{name}_{code}")
        for name in EDITABLE_FIELDS
        for code in LANGUAGE_CODES
    }
    values["phones"] = entry.phones
    return values


class EntryRevision(models.Model):
    """One version of an entry's editable values: who changed it, when and why."""

    entry = models.ForeignKey(CatalogueEntry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    values = models.JSONField(_("values"))
    reason = models.TextField(_("why"))
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="unique_entry_revision")
        ]
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")

    def __str__(self) -> str:
        return f"{self.entry.code} v{self.number}"


class TranslationStatus(models.TextChoices):
    MACHINE = "machine", _("machine-assisted, awaiting review")
    REVIEWED = "reviewed", _("reviewed")


class Translation(models.Model):
    """A catalogue text, or a region's or organisation's name, in a portal-only language (uz, ky,
    tg, …), beside the staff languages' columns. Machine-assisted until a reviewer accepts or
    corrects it."""

    object_type = models.CharField(
        _("object"),
        max_length=20,
        choices=[
            ("entry", "entry"),
            ("group", "group"),
            ("region", "region"),
            ("organisation", "organisation"),
        ],
    )
    # entry code, "<kind>/<group>", a region's ISO code or an organisation's code
    code = models.CharField(_("code"), max_length=120)
    field = models.CharField(_("field"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.MACHINE,
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "object_type", "code", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "code", "field", "language"], name="unique_translation"
            )
        ]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        permissions = [("review_translation", _("Can review the portal's translations"))]

    def __str__(self) -> str:
        return f"{self.language} {self.object_type} {self.code}.{self.field}"


class InterfaceReview(models.Model):
    """A reviewer's decision on an interface string (gettext) of a portal-only language: accepted
    as shipped or corrected. Exported into the language's .po file (the review page), which the
    maintainers commit: gettext catalogues are part of a release, not of the database."""

    language = models.CharField(_("language"), max_length=8)
    msgid = models.TextField(_("English text"))
    text = models.TextField(_("translation"))
    corrected = models.BooleanField(_("corrected"), default=False)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "msgid"], name="unique_interface_review")
        ]
        verbose_name = _("reviewed interface string")
        verbose_name_plural = _("reviewed interface strings")

    def __str__(self) -> str:
        return f"{self.language}: {self.msgid[:60]}"
