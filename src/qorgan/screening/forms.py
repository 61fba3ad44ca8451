"""The frontline screening form: person basics and the three elements, as in the SOP."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import active_language, localized
from qorgan.directory.countries import country_names
from qorgan.directory.selectors import regions

TRI_STATE = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
TRI_VALUES = {"": None, "yes": True, "no": False}


class ScreeningForm(forms.Form):
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    minor = forms.ChoiceField(
        label=_("Is the person under 18?"),
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Answer when the age is not known or not certain; it overrides the age."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("female", _("Female")), ("male", _("Male")), ("unknown", _("Not known"))],
        initial="unknown",
        widget=forms.RadioSelect,
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"), initial="KZ")
    country = forms.ChoiceField(label=_("Country where the person is now"), initial="KZ")
    region = forms.ChoiceField(label=_("Region"), required=False)
    reported_to_102 = forms.BooleanField(
        label=_("The case came in as a report to 102"), required=False
    )
    physical_injuries = forms.BooleanField(
        label=_("The person has physical injuries"), required=False
    )
    accepts_help = forms.ChoiceField(
        label=_("Does the person accept help?"),
        choices=TRI_STATE,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_to_referral = forms.BooleanField(
        label=_(
            "The person agrees to be referred and to their data being shared with the receiving organisation"
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, signs: list[str], risk_groups: list[str], places: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        names = country_names(active_language())
        countries = [(code, name) for code, name in names.items()]
        self.fields["citizenship"].choices = [  # type: ignore[attr-defined]
            ("KZ", names.get("KZ", "Kazakhstan")),
            ("stateless", _("Stateless")),
            ("unknown", _("Not known")),
            *[(code, name) for code, name in countries if code != "KZ"],
        ]
        self.fields["country"].choices = [
            ("KZ", names.get("KZ", "Kazakhstan")),
            *[c for c in countries if c[0] != "KZ"],
        ]  # type: ignore[attr-defined]
        self.fields["region"].choices = [
            ("", _("Not known")),
            *[(r.code, localized(r, "name")) for r in regions()],
        ]  # type: ignore[attr-defined]
        # The three elements are checklists rendered by group; their codes are checked by the engine.
        self.elements = {"signs": signs, "risk_groups": risk_groups, "places": places}

    def to_request(self, screened_by: str) -> dict[str, Any]:
        data = self.cleaned_data
        country = data["country"]
        return {
            "screened_by": screened_by,
            "reported_to_102": bool(data.get("reported_to_102")) and screened_by == "police",
            "location": {
                "country": country,
                "region": (data.get("region") or None) if country == "KZ" else None,
            },
            "person": {
                "age": data.get("age"),
                "minor": TRI_VALUES[data.get("minor") or ""],
                "sex": data.get("sex") or "unknown",
                "citizenship": data["citizenship"],
            },
            **self.elements,
            "physical_injuries": bool(data.get("physical_injuries")),
            "accepts_help": TRI_VALUES[data.get("accepts_help") or ""],
        }
