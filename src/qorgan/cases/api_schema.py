"""The schema of the cases API (``cases/api.py``): what each request reads, what each answer holds.

These serializers document; the views read bodies themselves and the services validate (their
field-keyed messages are the API's 400s). tests/test_api_client.py calls every endpoint with a
client generated from this schema and checks each answer against it.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import (
    CaseStatus,
    ConsentForm,
    ConsentPurpose,
    DuplicateStatus,
    ReferralStatus,
    ServiceType,
    Sex,
)
from .services import PERPETRATOR_ROLES

REFERRAL_ACTIONS = ("accept", "decline", "complete", "withdraw")


def _serializer(name: str, fields: dict[str, serializers.Field], doc: str = "") -> Any:
    """A serializer class with field names Python cannot spell as attributes (``from``)."""
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


def _text(help_text: str = "", **options: Any) -> serializers.CharField:
    return serializers.CharField(help_text=help_text, allow_blank=True, **options)


def _nullable_text(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(help_text=help_text, allow_null=True)


def _choice(choices: Any, help_text: str = "", **options: Any) -> serializers.ChoiceField:
    """Values with their labels (a TextChoices class), so that the schema names the enum as
    ``ENUM_NAME_OVERRIDES`` says; or a plain list of values."""
    values = choices.choices if hasattr(choices, "choices") else list(choices)
    return serializers.ChoiceField(choices=values, help_text=help_text, **options)


# --- Answers ---------------------------------------------------------------------------------


class PersonNameSerializer(serializers.Serializer):
    surname = _text()
    given_name = _text()


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField(help_text="The case's reference, read aloud on the phone.")
    status = _choice(CaseStatus)
    organisation = serializers.CharField(help_text="Code of the organisation that opened it.")
    region = _nullable_text("ISO 3166-2:KZ code of the region, or null.")
    version = serializers.IntegerField(help_text="Send it back with a change (409 if stale).")
    created_at = serializers.DateTimeField()
    person = PersonNameSerializer()


class CaseListSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = CaseSummarySerializer(many=True)


class PersonSerializer(serializers.Serializer):
    surname = _text()
    given_name = _text()
    patronymic = _text()
    date_of_birth = _text("YYYY-MM-DD, or YYYY if only the year is known; empty if not known.")
    iin = _text("Individual identification number (12 digits).")
    passport_number = _text()
    phone = _text()
    address = _text()
    sex = _choice(Sex)
    citizenship = serializers.CharField(help_text="ISO 3166-1 alpha-2, stateless or unknown.")
    age_group = serializers.CharField(help_text="0-13, 14-17, 18-24, 25-34, 35-49, 50+, unknown.")
    minor_presumed = serializers.BooleanField()
    legal_representative = _text()


IdentificationSerializer = _serializer(
    "CaseIdentificationSerializer",
    {"date": serializers.DateField(allow_null=True), "body": _text()},
)
ErdrSerializer = _serializer(
    "CaseErdrSerializer",
    {"number": _text(), "date": serializers.DateField(allow_null=True)},
    "The Unified Register of Pre-trial Investigations: number and date.",
)
MinorsSerializer = _serializer(
    "CaseMinorsSerializer",
    {
        "guardianship_body": _text(),
        "child_support_centre": _nullable_text("Code of the organisation, or null."),
    },
)
StatusChangeSerializer = _serializer(
    "CaseStatusChangeSerializer",
    {
        "from": _choice(CaseStatus, allow_blank=True),
        "to": _choice(CaseStatus),
        "at": serializers.DateTimeField(),
        "by": serializers.CharField(help_text="Username."),
    },
)


class ConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = _choice(ConsentPurpose)
    recipient = _nullable_text("Code of the organisation the consent is for, or null.")
    form = _choice(ConsentForm)
    given_on = serializers.DateField()
    withdrawn_on = serializers.DateField(allow_null=True)


ReferralEventSerializer = _serializer(
    "ReferralEventSerializer",
    {
        "action": serializers.CharField(),
        "at": serializers.DateTimeField(),
        "by": serializers.CharField(help_text="Username."),
        "note": _text(),
    },
)
ReferralSerializer = _serializer(
    "ReferralSerializer",
    {
        "id": serializers.UUIDField(),
        "case": serializers.UUIDField(),
        "from": serializers.CharField(help_text="Code of the referring organisation."),
        "to": serializers.CharField(help_text="Code of the receiving organisation."),
        "status": _choice(ReferralStatus),
        "services": serializers.ListField(child=_choice(ServiceType)),
        "due_on": serializers.DateField(),
        "overdue": serializers.BooleanField(),
        "consent": serializers.IntegerField(allow_null=True, help_text="Consent record id."),
        "override_reason": _text(),
        "decline_reason": _text(),
        "outcome": _text(),
        "history": ReferralEventSerializer(many=True),
    },
)


class ReferralListSerializer(serializers.Serializer):
    results = ReferralSerializer(many=True)


class CaseSerializer(CaseSummarySerializer):
    person = PersonSerializer()  # type: ignore[assignment]
    exploitation_forms = serializers.ListField(child=serializers.CharField())
    perpetrator_roles = serializers.ListField(child=_choice(PERPETRATOR_ROLES))
    identification = IdentificationSerializer()
    erdr = ErdrSerializer()
    information_card_issued_on = serializers.DateField(allow_null=True)
    closure_reason = _text()
    minors = MinorsSerializer()
    status_history = StatusChangeSerializer(many=True)
    consents = ConsentSerializer(many=True)
    referrals = ReferralSerializer(many=True)


class PossibleMatchSerializer(serializers.Serializer):
    """A possible match at another organisation. Which organisation, its contacts and its case
    reference are null until that organisation's supervisor agrees to coordinate."""

    id = serializers.UUIDField(
        help_text="The alert: ask to coordinate with it (duplicates_action)."
    )
    status = _choice(DuplicateStatus)
    message = serializers.CharField()
    matched_by = serializers.ListField(child=serializers.CharField())
    organisation = _nullable_text("Code of the organisation with the case, once it agreed.")
    name = _nullable_text()
    phones = serializers.ListField(child=serializers.CharField())
    email = _nullable_text()
    other_reference = _nullable_text("The other case's reference, once its organisation agreed.")


class PossibleMatchListSerializer(serializers.Serializer):
    results = PossibleMatchSerializer(many=True)


# --- Requests --------------------------------------------------------------------------------

_VERSION = serializers.IntegerField(
    help_text="The case's `version` as the client read it; 409 `version_conflict` if it changed."
)


class PersonUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed; an empty string clears one."""

    version = _VERSION
    surname = _text(required=False, max_length=300)
    given_name = _text(required=False, max_length=300)
    patronymic = _text(required=False, max_length=300)
    date_of_birth = _text("YYYY-MM-DD, or YYYY if only the year is known.", required=False)
    iin = _text("12 digits with a valid check digit.", required=False)
    passport_number = _text("5 to 20 Latin letters and digits.", required=False)
    phone = _text(required=False, max_length=300)
    address = _text(required=False, max_length=300)
    legal_representative = _text(required=False, max_length=300)
    sex = _choice(Sex, required=False)
    citizenship = serializers.CharField(
        required=False, help_text="KZ, an ISO 3166-1 alpha-2 code, stateless or unknown."
    )
    minor_presumed = serializers.BooleanField(required=False)


class CaseDetailsUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed; null or an empty string clears one."""

    version = _VERSION
    erdr_number = _text(required=False, allow_null=True, max_length=40)
    erdr_date = serializers.DateField(required=False, allow_null=True)
    exploitation_forms = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Codes of the catalogue's forms of exploitation.",
    )
    perpetrator_roles = serializers.ListField(child=_choice(PERPETRATOR_ROLES), required=False)
    guardianship_body = _text(required=False, allow_null=True)
    child_support_centre = _text(
        "Code of an organisation, or null.", required=False, allow_null=True
    )
    region = _text("ISO 3166-2:KZ code, or null.", required=False, allow_null=True)


class CaseTransitionSerializer(serializers.Serializer):
    """A change of status; the SOP's rules say which fields each target needs."""

    version = _VERSION
    status = _choice(CaseStatus, help_text="The new status.")
    reason = _text(required=False, max_length=300)
    identification_date = serializers.DateField(required=False, allow_null=True)
    identification_body = _text(required=False)
    information_card_issued_on = serializers.DateField(required=False, allow_null=True)
    closure_reason = _text(required=False)


class ConsentCreateSerializer(serializers.Serializer):
    purpose = _choice(ConsentPurpose)
    form = _choice(ConsentForm)
    given_on = serializers.DateField(help_text="Not in the future.")
    recipient = _text(
        "Code of the organisation the consent is for.", required=False, allow_null=True
    )


class ReferralCreateSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Code of the receiving organisation.")
    services = serializers.ListField(child=_choice(ServiceType))
    due_on = serializers.DateField(help_text="When the answer is due; not in the past.")
    note = _text(required=False)
    consent = serializers.IntegerField(
        required=False, allow_null=True, help_text="A consent record of this case."
    )
    override_reason = _text(
        "Why the referral is sent without the person's consent to referral.", required=False
    )


class ReferralActionSerializer(serializers.Serializer):
    reason = _text("Why (decline, withdraw).", required=False)
    outcome = _text("What came of it (complete).", required=False)
