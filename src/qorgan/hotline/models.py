"""Hotlines and their contacts (calls, texts, chats, e-mails, web forms).

A hotline is run by an organisation of the directory; its number is not stored here: it is
the catalogue entry's number (``knowledge/data/hotlines.yaml``) where the hotline is one of the
national lines, else the organisation's own phones (``directory/data/organisations.yaml``).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.fields import EncryptedTextField
from qorgan.core.i18n import localized
from qorgan.knowledge.models import CatalogueEntry


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    CHAT = "chat", _("Chat or messenger")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")


class ContactType(models.TextChoices):
    CRISIS = "crisis", _("Crisis: immediate danger")
    TIP = "tip", _("Tip about a suspicious situation")
    REFERRAL_REQUEST = "referral_request", _("Asks for help or a referral")
    INFORMATION = "information", _("Asks for information")
    TRAINING_REQUEST = "training_request", _("Asks for training or materials")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class CallerRelation(models.TextChoices):
    SELF = "self", _("The person themself")
    RELATIVE = "relative", _("A relative or friend")
    WITNESS = "witness", _("A witness")
    PROFESSIONAL = "professional", _("A professional")
    UNKNOWN = "unknown", _("Not said")


class Action(models.TextChoices):
    """What the operator did during the contact (several may apply)."""

    INFORMATION = "information", _("Gave information or safety advice")
    RIGHTS = "rights", _("Explained the person's rights")
    REFERRAL = "referral", _("Referred to a help organisation")
    WARM_HANDOFF = "warm_handoff", _("Warm hand-off (connected the caller)")
    POLICE = "police", _("Reported to the police")
    CALL_102 = "call_102", _("Told the caller to call 102")


class Outcome(models.TextChoices):
    """The outcome counted in the statistics: the furthest step the contact led to."""

    CASE = "case", _("Case opened or linked")
    REFERRAL = "referral", _("Referral")
    POLICE = "police", _("Reported to the police")
    SCREENING = "screening", _("Screening")
    ADVICE = "advice", _("Information or advice only")
    NONE = "none", _("Nothing yet")


LANGUAGES = (
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("tg", "Тоҷикӣ"),
    ("other", _("Other")),
)


def entry_phones(entry: Any) -> list[dict[str, str]]:
    """A catalogue hotline's numbers as {display, tel}: the edited list (``extra.phones``, text
    or {display, tel}) or the shipped number (``extra.phone``)."""
    listed = entry.extra.get("phones") or (
        [entry.extra["phone"]] if entry.extra.get("phone") else []
    )
    result = []
    for phone in listed:
        if isinstance(phone, dict):
            tel = str(phone.get("tel") or phone.get("display") or "")
            result.append({"display": str(phone.get("display") or tel), "tel": tel})
        else:
            result.append({"display": str(phone), "tel": str(phone)})
    return result


def record_key() -> int:
    """A permanent random key for the statistics' cell-key perturbation (monitoring.suppression)."""
    return secrets.randbelow(2**31)


class Hotline(models.Model):
    """A line answered by an organisation's operators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="hotlines",
    )
    catalogue_code = models.CharField(
        _("catalogue entry"),
        max_length=60,
        blank=True,
        help_text=_("Code of the national hotline in the catalogue (e.g. hotline_11616), if any."),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_hotlines",
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operators"),
        related_name="hotlines",
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        entry = self.catalogue_entry
        return entry.text if entry else localized(self.organisation, "name")

    @property
    def catalogue_entry(self):  # type: ignore[no-untyped-def]
        if not self.catalogue_code:
            return None

        return CatalogueEntry.objects.filter(code=self.catalogue_code, retired=False).first()

    @property
    def phones(self) -> list[dict[str, str]]:
        """The numbers to dial: the catalogue's where linked, else the organisation's."""
        entry = self.catalogue_entry
        numbers = entry_phones(entry) if entry else []
        return numbers or list(self.organisation.phones or [])


class Contact(models.Model):
    """One call, text, chat, e-mail or web form that reached a hotline.

    Anonymous by default: the caller's name and number are kept (encrypted) only when the
    caller agreed. The account is in the caller's words, encrypted; everything counted in the
    statistics (channel, type, relation, region, language, outcome) is a code in clear.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    hotline = models.ForeignKey(
        Hotline, verbose_name=_("hotline"), on_delete=models.PROTECT, related_name="contacts"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    contact_type = models.CharField(_("contact type"), max_length=20, choices=ContactType.choices)
    caller_relation = models.CharField(
        _("caller"), max_length=12, choices=CallerRelation.choices, default=CallerRelation.UNKNOWN
    )
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    account = EncryptedTextField(_("what happened, in the caller's words"), blank=True)
    signs = models.JSONField(_("signs heard"), default=list, blank=True)
    actions = models.JSONField(_("what was done"), default=list, blank=True)
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_note = EncryptedTextField(_("follow-up"), blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    caller_agreed_to_contact = models.BooleanField(
        _("the caller agreed to leave a name or number"), default=False
    )
    caller_contact = EncryptedTextField(_("caller's name or number"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    external_id = models.CharField(
        _("identifier in the telephony or chat system"), max_length=100, blank=True
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    police_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("police unit informed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_reports",
    )
    police_informed_at = models.DateTimeField(null=True, blank=True)
    police_may_see_account = models.BooleanField(default=False)
    police_may_see_caller = models.BooleanField(default=False)
    alerted = models.ManyToManyField(
        "directory.Organisation", related_name="hotline_alerts", blank=True, editable=False
    )
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "portal.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        "cases.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.NONE
    )
    record_key = models.PositiveBigIntegerField(default=record_key, editable=False)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["hotline", "-received_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["hotline", "external_id"],
                condition=~models.Q(external_id=""),
                name="hotline_contact_external_id_unique",
            )
        ]
        verbose_name = _("hotline contact")
        verbose_name_plural = _("hotline contacts")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_crisis(self) -> bool:
        return self.contact_type == ContactType.CRISIS

    @property
    def waiting(self) -> bool:
        """A crisis nobody has taken yet: it stays on top of the desk."""
        return self.is_crisis and self.taken_at is None

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up and self.follow_up_done_at is None
