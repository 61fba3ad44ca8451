"""The desk's forms. Codes are checked again by the services (the API sends the same codes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgan.cases.models import ServiceType
from qorgan.core.i18n import localized
from qorgan.directory.selectors import regions

from .models import LANGUAGES, Action, CallerRelation, Channel, ContactType


class ContactForm(forms.Form):
    contact_type = forms.ChoiceField(
        label=_("Type"), choices=ContactType.choices, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect, initial="phone"
    )
    language = forms.ChoiceField(label=_("Language of the contact"), choices=LANGUAGES)
    caller_relation = forms.ChoiceField(
        label=_("Who is calling"),
        choices=CallerRelation.choices,
        widget=forms.RadioSelect,
        initial=CallerRelation.UNKNOWN,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    account = forms.CharField(
        label=_("What happened, in the caller's words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    actions = forms.MultipleChoiceField(
        label=_("What was done"),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_note = forms.CharField(
        label=_("What the next shift should do"), required=False, max_length=2000
    )
    caller_agreed_to_contact = forms.BooleanField(
        label=_("The caller agrees to leave a name or number"),
        required=False,
        help_text=_("Anonymous by default: leave it unticked unless the caller says yes."),
    )
    caller_contact = forms.CharField(
        label=_("Caller's name or number"), required=False, max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("Not known")),
            *[(r.code, localized(r, "name")) for r in regions()],
        ]


class ReferForm(forms.Form):
    to_organisation = forms.ChoiceField(label=_("Help organisation"))
    services = forms.MultipleChoiceField(
        label=_("Services requested"), widget=forms.CheckboxSelectMultiple
    )
    consent_given = forms.BooleanField(
        label=_("The caller agrees to be referred to this organisation (oral consent)"),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Supervisor's override: reason (only without the caller's consent)"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), f"{localized(o, 'name')} ({localized(o, 'city')})") for o in organisations
        ]
        self.fields["services"].choices = ServiceType.choices  # type: ignore[attr-defined]


class PoliceForm(forms.Form):
    police = forms.ChoiceField(label=_("Police unit"))
    share_account = forms.BooleanField(
        label=_("The caller agrees that the police read their account"), required=False
    )
    share_caller = forms.BooleanField(
        label=_("The caller agrees that the police get their name or number"), required=False
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["police"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), localized(o, "name")) for o in units
        ]


class LinkForm(forms.Form):
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=20)
    report_number = forms.CharField(
        label=_("Anonymous report number"), required=False, max_length=12
    )
