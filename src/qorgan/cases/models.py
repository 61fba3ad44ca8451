"""A case follows one person from detection to closure (SPEC §5, the national referral mechanism).

Personal data lives on ``Person`` only, encrypted field by field; keyed blind indexes find
the same person again without decrypting. Every other record of the case holds codes,
dates and references, or encrypted free text.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgan.core.fields import EncryptedTextField
from qorgan.core.importjobs import ImportJobBase


class CaseStatus(models.TextChoices):
    DETECTED = "detected", _("Detected")
    REFERRED = "referred", _("Referred")
    IDENTIFIED = "identified", _("Identified as a victim")
    NOT_IDENTIFIED = "not_identified", _("Not identified as a victim")
    ASSISTED = "assisted", _("Assisted")
    RETURNED = "returned", _("Returned")
    REINTEGRATED = "reintegrated", _("Reintegrated")
    REFUSED_HELP = "refused_help", _("Refused help")
    INFORMATION_CARD_ISSUED = "information_card_issued", _("Information card issued")
    CLOSED = "closed", _("Closed")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not known")


# A person's data fields (encrypted): what a full read shows, what retention anonymises and
# a lawful request exports or erases.
PERSON_DATA_FIELDS = (
    "surname",
    "given_name",
    "patronymic",
    "date_of_birth",
    "iin",
    "passport_number",
    "phone",
    "address",
    "legal_representative",
)


class Person(models.Model):
    """The minimum personal data of the person a case is about, encrypted at rest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    surname = EncryptedTextField(_("surname"), blank=True)
    given_name = EncryptedTextField(_("given name"), blank=True)
    patronymic = EncryptedTextField(_("patronymic"), blank=True)
    date_of_birth = EncryptedTextField(
        _("date of birth"), blank=True, help_text=_("YYYY-MM-DD, or YYYY if only the year is known")
    )
    iin = EncryptedTextField(_("IIN"), blank=True)
    passport_number = EncryptedTextField(_("passport number"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    # Not identifying on their own; kept in clear for statistics and the SOP's conditions.
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(_("citizenship"), max_length=10, default="unknown")
    age_group = models.CharField(_("age group"), max_length=10, default="unknown")
    minor_presumed = models.BooleanField(
        _("presumed a minor"),
        default=False,
        help_text=_("The age is uncertain and the person may be under 18."),
    )
    legal_representative = EncryptedTextField(_("legal representative"), blank=True)
    # Keyed hashes (HMAC) for finding the same person again; never the values themselves.
    iin_index = models.CharField(max_length=64, blank=True, db_index=True)
    passport_index = models.CharField(max_length=64, blank=True, db_index=True)
    name_dob_index = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return str(_("person"))


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="case"
    )
    status = models.CharField(
        _("status"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.DETECTED
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Raised by every change: an edit made on an older version is refused."),
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exploitation_forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    perpetrator_roles = models.JSONField(_("perpetrators' roles"), default=list, blank=True)
    # Identification decision (002 L575–577).
    identification_date = models.DateField(_("identification decision date"), null=True, blank=True)
    identification_body = models.CharField(_("deciding body"), max_length=300, blank=True)
    # Unified Register of Pre-trial Investigations (002 L569, L1017).
    erdr_number = models.CharField(_("ERDR number"), max_length=40, blank=True)
    erdr_date = models.DateField(_("ERDR registration date"), null=True, blank=True)
    information_card_issued_on = models.DateField(
        _("information card issued on"), null=True, blank=True
    )
    # Minors (002 L979, L1020, L1030): who is involved for the child.
    guardianship_body = models.CharField(_("guardianship body"), max_length=300, blank=True)
    child_support_centre = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("child support centre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closure_reason = EncryptedTextField(_("closure reason"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Copies kept for statistics, so that aggregates need no join with the person's table.
    # None of them identifies anybody; outputs suppress small cells.
    stat_sex = models.CharField(max_length=10, default="unknown", editable=False)
    stat_age_group = models.CharField(max_length=10, default="unknown", editable=False)
    stat_citizenship = models.CharField(max_length=10, default="unknown", editable=False)
    detection_source = models.CharField(
        max_length=40,
        default="",
        editable=False,
        help_text="the subject kind that detected the case, or anonymous_report",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["region", "created_at"]),
            models.Index(fields=["organisation", "-created_at"], name="case_list_by_organisation"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference


class CaseRecord(models.Model):
    """A record belonging to a case (its history, consent, referrals, services…)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class StatusChange(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=32, choices=CaseStatus.choices)
    reason = EncryptedTextField(_("reason"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referral to another organisation")
    SHARE_WITH_POLICE = "share_with_police", _("Sharing information with the police")
    DATA_PROCESSING = "data_processing", _("Recording personal data")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class ConsentRecord(CaseRecord):
    """What the person consented to, to whom, how; withdrawn when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty when the consent names no particular organisation."),
    )
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Referral(CaseRecord):
    """One organisation refers the case to another; the receiver accepts or declines."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    services = models.JSONField(_("services requested"), default=list, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = EncryptedTextField(
        _("reason for referring without consent"), max_length=500, blank=True
    )
    due_on = models.DateField(_("answer due on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), max_length=500, blank=True)
    outcome = EncryptedTextField(_("outcome"), max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]


class ReferralEvent(CaseRecord):
    """The referral's history, seen by both sides."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    note = EncryptedTextField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class NotificationKind(models.TextChoices):
    POLICE_102 = "police_102", _("Police, by calling 102")
    POLICE_LETTER = "police_letter", _("Police anti-trafficking unit, by letter")
    GUARDIANSHIP_BODY = "guardianship_body", _("Guardianship body")
    JUVENILE_POLICE = "juvenile_police", _("Juvenile police")
    MISSION_TO_INTERIOR_MINISTRY = (
        "mission_to_interior_ministry",
        _("Mission abroad to the internal affairs bodies"),
    )


class NotificationSent(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("notified"), max_length=40, choices=NotificationKind.choices)
    sent_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "pk"]


class ExplanationLanguage(models.TextChoices):
    """The language rights were explained in: Qorgan's six, or another one named in words (a
    person who does not know the country's language may ask for help in their own, seeds
    000/001 "your rights"; SOP 002 L1021: explain in words the person understands)."""

    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")
    EN = "en", _("English")
    UZ = "uz", _("Uzbek")
    KY = "ky", _("Kyrgyz")
    TG = "tg", _("Tajik")
    OTHER = "other", _("Another language")


class RightsExplanation(CaseRecord):
    """Which rights were explained (catalogue codes), when, by whom, in which language."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rights_explained")
    rights = models.JSONField(_("rights"), default=list)
    explained_on = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=20, choices=ExplanationLanguage.choices)
    # The language's name when it is none of the six ("other"); free text, so encrypted.
    language_other = EncryptedTextField(_("other language"), blank=True, default="")
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["explained_on", "pk"]

    def language_name(self) -> str:
        """The language by its name in the active language (the other one's as written)."""
        if self.language == ExplanationLanguage.OTHER and self.language_other:
            return str(self.language_other)
        return str(self.get_language_display())


class ServiceType(models.TextChoices):
    LEGAL = "legal", _("Legal assistance")
    PSYCHOLOGICAL = "psychological", _("Psychological assistance")
    MEDICAL = "medical", _("Medical assistance")
    TEMPORARY_ACCOMMODATION = "temporary_accommodation", _("Temporary accommodation")
    RETURN = "return", _("Return")
    REINTEGRATION = "reintegration", _("Reintegration")
    COMPENSATION_CLAIM = "compensation_claim", _("Claim to the Victims' Compensation Fund")


class ServiceRecord(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "pk"]


class RouteStage(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSIT = "transit", _("Transit")
    EXPLOITATION = "exploitation", _("Exploitation")


class RouteEvent(CaseRecord):
    """Places and route: where the person was recruited, moved through and exploited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="route")
    stage = models.CharField(_("stage"), max_length=20, choices=RouteStage.choices)
    country = models.CharField(_("country"), max_length=2)
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    place = EncryptedTextField(_("place"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


class SupportObjective(CaseRecord):
    """One objective of the person's support plan, with its date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objectives")
    objective = EncryptedTextField(_("objective"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN
    )
    # The goal's result: achieved or not, when, and a note (encrypted).
    resolved_on = models.DateField(_("result recorded for"), null=True, blank=True)
    resolution_note = EncryptedTextField(_("note on the result"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]


class ProtectionMeasure(CaseRecord):
    """One victim-witness protection option or measure (catalogue ``protection_option``, 003
    L2286–2342): explained, chosen (revisable: the person may change their mind, 003 L2222),
    requested from and granted by an authority."""

    CHOICE = [("undecided", _("Undecided")), ("chosen", _("Chosen")), ("declined", _("Declined"))]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protection")
    option = models.CharField(_("option"), max_length=60)
    explained_on = models.DateField(_("explained on"), null=True, blank=True)
    choice = models.CharField(
        _("the person's choice"), max_length=10, choices=CHOICE, default="undecided"
    )
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    authority = models.CharField(_("authority"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["option"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "option"], name="one_record_per_protection_option"
            )
        ]


class PoliceDisclosure(CaseRecord):
    """Information shared with the police, only under the person's recorded consent (003 L2174, L2738)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="police_disclosures")
    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    shared_on = models.DateField(_("shared on"))
    summary = EncryptedTextField(_("what was shared"))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["shared_on", "pk"]


class Attachment(CaseRecord):
    """A document or piece of evidence, stored encrypted; its type and size are checked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    name = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    blob = models.CharField(max_length=200, help_text="storage name of the encrypted content")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


# --- Case work across organisations (issue 13 §1–§2; docs/cases.md) ------------------------------


class HandoverStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the receiver's supervisor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Handover(CaseRecord):
    """The lead organisation hands the case over to a participant, with the person's consent;
    the receiver's supervisor accepts. The former lead stays a participant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.REQUESTED
    )
    note = EncryptedTextField(_("note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = EncryptedTextField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]


class Assignment(CaseRecord):
    """A case worker of one organisation works the case; a supervisor assigns and reassigns."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        on_delete=models.PROTECT,
        related_name="case_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        indexes = [models.Index(fields=["user", "ended_at"], name="assignment_by_user")]


class CaseNote(CaseRecord):
    """A case worker's note: encrypted, audited on read and write, seen by the organisations that
    see the case (the lead, and participants whose referral the person's consent still covers)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField(_("note"), max_length=4000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class FollowUp(CaseRecord):
    """A dated task on a case with its owner; reminded through the notifications when due."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="followups",
    )
    task = EncryptedTextField(_("task"), max_length=500)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="followup_by_owner")]


class ApprovalKind(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification decision")
    CLOSURE = "closure", _("Closure")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")


class ApprovalRequest(CaseRecord):
    """The identification decision and the closure wait for a supervisor: approve (the move is
    made) or send back with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ApprovalKind.choices)
    target = models.CharField(_("new status"), max_length=32, choices=CaseStatus.choices)
    identification_date = models.DateField(null=True, blank=True)
    identification_body = models.CharField(max_length=300, blank=True)
    closure_reason = EncryptedTextField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = EncryptedTextField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"], name="approval_by_organisation")]


# --- Several people, one situation; the same person twice (issue 13 §3) ----------------------


class IncidentKind(models.TextChoices):
    WORKPLACE = "workplace", _("A workplace")
    GROUP_TRANSPORT = "group_transport", _("A group transported together")
    REPORT = "report", _("A report about several people")
    SCREENING = "screening", _("A screening of a group")
    OTHER = "other", _("Another situation")


class Incident(models.Model):
    """One situation that concerns several people: each identified person gets a case, and the
    incident links them. It belongs to the organisation that opened it; a case linked to it
    stays visible only to whoever may see that case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    summary = EncryptedTextField(_("what happened"), max_length=2000, blank=True)
    people_reported = models.PositiveIntegerField(
        _("people reported"),
        default=0,
        help_text=_("How many people the report or screening speaks of (0 if not known)."),
    )
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_report = models.PositiveIntegerField(_("anonymous report number"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.reference


class IncidentCase(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incident_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "case"], name="one_link_per_incident_case")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.case_id}"


class PersonRelation(models.TextChoices):
    PARENT = "parent", _("is the parent of")
    SIBLING = "sibling", _("is a sibling of")
    SPOUSE = "spouse", _("is the spouse or partner of")
    RELATIVE = "relative", _("is a relative of")
    GROUP = "group", _("was in the same group as")


class PersonLink(models.Model):
    """A family or group link between the persons of two cases ("``case`` is the parent of
    ``other``"); both cases must be visible to whoever records it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="person_links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="person_links_to")
    relation = models.CharField(_("relation"), max_length=20, choices=PersonRelation.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="one_link_per_pair_of_cases")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.relation} {self.other_id}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Possible match")
    REQUESTED = "requested", _("Coordination asked")
    AGREED = "agreed", _("Coordination agreed")
    DECLINED = "declined", _("Coordination declined")
    CONFIRMED = "confirmed", _("Confirmed: the same person (linked)")
    DIFFERENT = "different", _("Not the same person")


class DuplicateAlert(models.Model):
    """The blind indexes say that ``case`` (the one just recorded) and ``other`` (at another
    organisation) may be about the same person. ``case``'s organisation learns only that a match
    exists; which organisation holds ``other`` is shown once that organisation's supervisor
    agrees to coordinate. A confirmed duplicate stays two cases, linked, never merged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duplicate_alerts")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duplicate_alerts_to")
    matched_by = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="one_alert_per_pair_of_cases")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.other_id}"

    @property
    def revealed(self) -> bool:
        return self.status in (DuplicateStatus.AGREED, DuplicateStatus.CONFIRMED)


# --- Bringing existing registers in (issue 13 §4) --------------------------------------------


class ImportJob(ImportJobBase):
    """An uploaded register: checked row by row (dry run), then imported all or nothing by a
    task (``core.importjobs``). The file is stored encrypted until the import ends, then
    deleted."""

    class Format(models.TextChoices):
        REGISTER = "register", _("Qorgan register template (XLSX or CSV)")
        HTCDS = "htcds", _("HTCDS 2.0 CSV")

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    fmt = models.CharField(_("format"), max_length=10, choices=Format.choices)
    created = models.PositiveIntegerField(_("cases created"), default=0)
    alerts = models.PositiveIntegerField(_("possible duplicates found"), default=0)

    class Meta(ImportJobBase.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.fmt} {self.status} {self.pk}"
