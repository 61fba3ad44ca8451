"""Forms of the case page. They check types; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import active_language, localized
from qorgan.core.widgets import DateInput
from qorgan.directory.countries import country_names
from qorgan.directory.models import Organisation, Region
from qorgan.knowledge.catalogue import default_catalogue

from . import workflow
from .models import (
    CaseStatus,
    ConsentForm,
    ConsentPurpose,
    ExplanationLanguage,
    NotificationKind,
    RouteStage,
    ServiceType,
)
from .service_base import PERPETRATOR_ROLES

# dd.mm.yyyy in a text box in every language (core.widgets; issue 15 §3).
DATE = DateInput()


def organisation_choices(blank: str) -> list[tuple[str, str]]:
    orgs = Organisation.objects.filter(active=True).select_related("kind").order_by("code")
    return [
        ("", blank),
        *[(o.code, f"{localized(o, 'name')} ({localized(o.kind, 'name')})") for o in orgs],
    ]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonForm(VersionedForm):
    surname = forms.CharField(label=_("Surname"), required=False, max_length=300)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=300)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=300)
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        required=False,
        help_text=_("YYYY-MM-DD, or YYYY if only the year is known"),
    )
    iin = forms.CharField(label=_("IIN"), required=False, max_length=12)
    passport_number = forms.CharField(label=_("Passport number"), required=False, max_length=30)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=100)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    legal_representative = forms.CharField(
        label=_("Legal representative (minors)"), required=False, max_length=300
    )
    minor_presumed = forms.BooleanField(
        label=_("Presumed a minor: the age is uncertain"), required=False
    )


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Note"), required=False, max_length=300)
    identification_date = forms.DateField(
        label=_("Identification decision date"), required=False, widget=DATE
    )
    identification_body = forms.CharField(label=_("Deciding body"), required=False, max_length=300)
    information_card_issued_on = forms.DateField(
        label=_("Information card issued on"), required=False, widget=DATE
    )
    closure_reason = forms.CharField(label=_("Closure reason"), required=False, max_length=300)

    def __init__(self, *args: Any, source: str, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (t, labels[t]) for t in workflow.targets_from(source, role)
        ]


class DetailsForm(VersionedForm):
    erdr_number = forms.CharField(label=_("ERDR number"), required=False, max_length=40)
    erdr_date = forms.DateField(label=_("ERDR registration date"), required=False, widget=DATE)
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    perpetrator_roles = forms.MultipleChoiceField(
        label=_("Perpetrators' roles, as far as known"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guardianship_body = forms.CharField(
        label=_("Guardianship body (minors)"), required=False, max_length=300
    )
    child_support_centre = forms.ChoiceField(
        label=_("Child support centre (minors)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language_text = {e.code: e.text for e in default_catalogue().of_kind("exploitation_form")}
        lang = active_language()
        self.fields["exploitation_forms"].choices = [  # type: ignore[attr-defined]
            (c, t.get(lang)) for c, t in language_text.items()
        ]
        self.fields["perpetrator_roles"].choices = [  # type: ignore[attr-defined]
            (r, PERPETRATOR_ROLE_LABELS[r]) for r in PERPETRATOR_ROLES
        ]
        self.fields["child_support_centre"].choices = organisation_choices(str(_("None")))  # type: ignore[attr-defined]


PERPETRATOR_ROLE_LABELS = {
    "recruiter_or_intermediary": _("Recruiter or intermediary"),
    "transporter": _("Transporter"),
    "harbourer": _("Harboured the person"),
    "exploiter": _("Exploiter"),
    "controller": _("Controlled the person"),
    "broker_travel_agent": _("Broker or travel agent"),
    "kidnapper": _("Kidnapper"),
    "abuser": _("Abuser"),
    "other": _("Other"),
}


class ConsentRecordForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent to"), choices=ConsentPurpose.choices)
    recipient = forms.ChoiceField(label=_("To whom"), required=False)
    form = forms.ChoiceField(label=_("Form"), choices=ConsentForm.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = organisation_choices(str(_("Any organisation")))  # type: ignore[attr-defined]


class ReferralForm(forms.Form):
    to = forms.ChoiceField(label=_("Refer to"))
    services = forms.MultipleChoiceField(
        label=_("Services requested"),
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Answer due on"), widget=DATE)
    consent = forms.ChoiceField(label=_("The person's consent"), required=False)
    override_reason = forms.CharField(
        label=_("Or, supervisors only: why refer without consent"), required=False, max_length=500
    )
    note = forms.CharField(
        label=_("Note to the receiver"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, consents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        receivers = set(
            Organisation.objects.filter(
                active=True, kind__duties__direction__code="protection"
            ).values_list("code", flat=True)
        )
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (c, label) for c, label in organisation_choices("")[1:] if c in receivers
        ]
        self.fields["consent"].choices = [("", _("No consent recorded"))] + [  # type: ignore[attr-defined]
            (
                str(c.pk),
                f"{c.get_form_display()} {c.given_on:%Y-%m-%d} → {c.recipient or _('any organisation')}",
            )
            for c in consents
        ]
        # The person's consent to referral, given at screening or recorded later, is chosen
        # for the worker: the latest active one (they may still pick another or none).
        active = [c for c in consents if c.active and c.purpose == ConsentPurpose.REFERRAL]
        if active and not self.is_bound:
            self.fields["consent"].initial = str(active[-1].pk)


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Reason or outcome"), required=False, max_length=500)


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Notified"), choices=NotificationKind.choices)
    sent_on = forms.DateField(label=_("Date"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=_("Rights explained"), widget=forms.CheckboxSelectMultiple
    )
    explained_on = forms.DateField(label=_("Date"), widget=DATE)
    language = forms.ChoiceField(
        label=_("Language the rights were explained in"),
        choices=[("", "—"), *ExplanationLanguage.choices],
    )
    language_other = forms.CharField(
        label=_("Name of the other language"),
        required=False,
        max_length=100,
        help_text=_("Only when it is none of the languages above."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        catalogue = default_catalogue()
        self.fields["rights"].choices = [  # type: ignore[attr-defined]
            (e.code, e.text.get(lang))
            for kind in ("victim_right", "migrant_victim_right")
            for e in catalogue.of_kind(kind)
        ]


class RouteForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=RouteStage.choices)
    country = forms.ChoiceField(label=_("Country"), initial="KZ")
    region = forms.ChoiceField(label=_("Region"), required=False)
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Countries and regions by their names in the user's language, not their ISO codes."""
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = list(country_names(active_language()).items())  # type: ignore[attr-defined]
        regions = sorted(
            ((r.code, localized(r, "name")) for r in Region.objects.all()),
            key=lambda choice: choice[1].casefold(),
        )
        self.fields["region"].choices = [("", "—"), *regions]  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ChoiceField(label=_("Provider"))
    started_on = forms.DateField(label=_("From"), widget=DATE)
    ended_on = forms.DateField(label=_("To"), required=False, widget=DATE)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = organisation_choices("")[1:]  # type: ignore[attr-defined]


class ObjectiveForm(forms.Form):
    objective = forms.CharField(label=_("Objective"), max_length=500)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class ProtectionForm(forms.Form):
    option = forms.ChoiceField(label=_("Protection option"))
    explained_on = forms.DateField(label=_("Explained on"), required=False, widget=DATE)
    choice = forms.ChoiceField(
        label=_("The person's choice"),
        choices=[
            ("undecided", _("Undecided")),
            ("chosen", _("Chosen")),
            ("declined", _("Declined")),
        ],
    )
    requested_on = forms.DateField(label=_("Requested on"), required=False, widget=DATE)
    granted_on = forms.DateField(label=_("Granted on"), required=False, widget=DATE)
    authority = forms.CharField(label=_("Authority"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        self.fields["option"].choices = [  # type: ignore[attr-defined]
            (e.code, e.text.get(lang)) for e in default_catalogue().of_kind("protection_option")
        ]


class PoliceDisclosureForm(forms.Form):
    consent = forms.ChoiceField(label=_("The person's consent to sharing with the police"))
    shared_on = forms.DateField(label=_("Shared on"), widget=DATE)
    summary = forms.CharField(
        label=_("What was shared"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, consents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.get_form_display()} {c.given_on:%Y-%m-%d}") for c in consents
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF, PNG or JPEG)"))


# Django's refusal of a value not offered quotes the value ("closed is not one of the available
# choices"): a code, when a page was out of date. Every choice field here says it in words.
INVALID_CHOICE = _(
    "Choose one of the options offered (the page may be out of date: open it again)."
)


def choices_refused_in_words(module_forms: list[type[forms.Form]]) -> None:
    """Every choice field of these forms refuses a value not offered in words."""
    for form_class in module_forms:
        for field in form_class.base_fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages = {**field.error_messages, "invalid_choice": INVALID_CHOICE}


choices_refused_in_words(
    [
        value
        for value in list(globals().values())
        if isinstance(value, type)
        and issubclass(value, forms.Form)
        and value.__module__ == __name__
    ]
)
