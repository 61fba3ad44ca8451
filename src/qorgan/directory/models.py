"""Subject kinds and their duties (the duty matrix), regions and organisations."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import localized
from qorgan.core.phones import PhoneListField


class Direction(models.Model):
    """One of the four directions of the counter-trafficking system (002 L258–274)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_kk = models.TextField(_("description (Kazakh)"))
    description_ru = models.TextField(_("description (Russian)"))
    description_en = models.TextField(_("description (English)"))
    source_document = models.CharField(_("source document"), max_length=64)
    source_line = models.PositiveIntegerField(_("source line"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return localized(self, "title")


class SubjectKind(models.Model):
    """A kind of counter-trafficking subject (SPEC §2); its code is a public interface."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    abbreviation_kk = models.CharField(_("abbreviation (Kazakh)"), max_length=40, blank=True)
    abbreviation_ru = models.CharField(_("abbreviation (Russian)"), max_length=40, blank=True)
    abbreviation_en = models.CharField(_("abbreviation (English)"), max_length=40, blank=True)
    source_document = models.CharField(_("source document"), max_length=64)
    source_line = models.PositiveIntegerField(_("source line"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("subject kind")
        verbose_name_plural = _("subject kinds")

    def __str__(self) -> str:
        return localized(self, "name")


class Duty(models.Model):
    """One duty of a subject kind in one direction, quoted from the SOP (002 L595–905)."""

    kind = models.ForeignKey(
        SubjectKind, verbose_name=_("subject kind"), on_delete=models.CASCADE, related_name="duties"
    )
    direction = models.ForeignKey(
        Direction, verbose_name=_("direction"), on_delete=models.PROTECT, related_name="duties"
    )
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    applies_to = models.CharField(_("applies to"), max_length=40, blank=True)
    source_document = models.CharField(_("source document"), max_length=64)
    source_line = models.PositiveIntegerField(_("source line"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["kind__position", "direction__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "position"], name="unique_duty_position")
        ]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return localized(self, "text")[:80]


class Region(models.Model):
    """A region or a city of republican significance, by its ISO 3166-2:KZ code."""

    KIND_CHOICES = [("region", _("region")), ("city", _("city of republican significance"))]

    code = models.CharField(
        _("ISO 3166-2 code"), max_length=8, unique=True, validators=[RegexValidator(r"^KZ-\d{2}$")]
    )
    legacy_code = models.CharField(_("former code"), max_length=8, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    centre_kk = models.CharField(_("administrative centre (Kazakh)"), max_length=120)
    centre_ru = models.CharField(_("administrative centre (Russian)"), max_length=120)
    centre_en = models.CharField(_("administrative centre (English)"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return localized(self, "name")


class Organisation(models.Model):
    """An organisation of the counter-trafficking system: a help organisation, a police unit, …

    Organisations from the seed (001) carry their source line; staff add others.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.ForeignKey(
        SubjectKind,
        verbose_name=_("subject kind"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    city_kk = models.CharField(_("city (Kazakh)"), max_length=120, blank=True)
    city_ru = models.CharField(_("city (Russian)"), max_length=120, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    serves_regions = models.ManyToManyField(
        Region, verbose_name=_("regions served"), related_name="served_by", blank=True
    )
    phones = PhoneListField(_("phones"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Fri 09:00–18:00; round the clock."),
    )
    is_help_organisation = models.BooleanField(
        _("help organisation"),
        default=False,
        help_text=_("Shown to the public and in action plans."),
    )
    group = models.CharField(_("group"), max_length=40, blank=True)
    triages_reports = models.BooleanField(
        _("triages anonymous reports"),
        default=False,
        help_text=_(
            "Designated to receive the public's anonymous reports (police units always do)."
        ),
    )
    note_kk = models.TextField(_("note (Kazakh)"), blank=True)
    note_ru = models.TextField(_("note (Russian)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    source_document = models.CharField(_("source document"), max_length=64, blank=True)
    source_line = models.PositiveIntegerField(_("source line"), null=True, blank=True)
    edited_by = models.ForeignKey(
        "self",
        verbose_name=_("last edited locally by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_on = models.DateField(_("last edited locally on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["region__position", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return localized(self, "name")

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def city(self) -> str:
        return localized(self, "city")

    @property
    def source_label(self) -> str:
        """Where the data comes from: a seed line, or who entered it here and when."""
        if self.edited_on:
            return _("local: entered by %(organisation)s on %(date)s") % {
                "organisation": self.edited_by.name if self.edited_by else "—",
                "date": date_format(self.edited_on, "SHORT_DATE_FORMAT"),
            }
        if self.source_document and self.source_line:
            return _("seed %(document)s, line %(line)s") % {
                "document": self.source_document[:3],
                "line": self.source_line,
            }
        return _("local")


class OrganisationSnapshot(models.Model):
    """What a version of the reference files shipped for an organisation: the "before" of the
    three-way merge that ``qorgan load_reference_data`` does on the next version."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    version = models.CharField(_("version"), max_length=20)
    values = models.JSONField(_("values shipped"), default=dict)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("shipped organisation data")
        verbose_name_plural = _("shipped organisation data")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
