from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgan.core.i18n import active_language, localized
from qorgan.core.widgets import DateInput
from qorgan.directory.models import Duty, Region
from qorgan.knowledge.catalogue import default_catalogue

from .models import ActivityKind
from .statistics import Period

# dd.mm.yyyy in a text box in every language (core.widgets; issue 15 §3).
DATE = DateInput()


def region_choices(blank: str) -> list[tuple[str, str]]:
    return [
        ("", blank),
        *[(r.code, localized(r, "name")) for r in Region.objects.order_by("position")],
    ]


# Dates typed as in Kazakhstan (dd.mm.yyyy) in every language, in a text box: a browser's
# date box shows mm/dd/yyyy whatever the page's language. ISO dates are accepted too.
DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class PeriodForm(forms.Form):
    """Period and region of the statistics. Figures are published for whole months that have
    ended (``statistics.published_period``); a regional coordinator's region is fixed
    (``region`` given)."""

    start = forms.DateField(
        label=_("From (dd.mm.yyyy)"),
        required=False,
        widget=DATE,
        input_formats=DATE_FORMATS,
    )
    end = forms.DateField(
        label=_("To (dd.mm.yyyy)"),
        required=False,
        widget=DATE,
        input_formats=DATE_FORMATS,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, fixed_region: str = "", **kwargs: Any) -> None:
        if fixed_region and args and args[0] is not None:
            args = ({**args[0].dict(), "region": fixed_region}, *args[1:])  # other regions: ignored
        super().__init__(*args, **kwargs)
        self.fixed_region = fixed_region
        if not self.is_bound:  # the boxes show the default period, not an empty pattern
            default = Period.year_to_date(timezone.localdate())
            self.initial.setdefault("start", default.start)
            self.initial.setdefault("end", default.end)
        choices = region_choices(str(_("The whole country")))
        if fixed_region:
            choices = [c for c in choices if c[0] == fixed_region]
        self.fields["region"].choices = choices  # type: ignore[attr-defined]

    def period(self, today: date) -> tuple[date, date, str]:
        data = self.cleaned_data if self.is_valid() else {}
        default = Period.year_to_date(today)
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if end < start:
            start, end = end, start
        return start, end, self.fixed_region or data.get("region") or ""


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of work"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    region = forms.ChoiceField(label=_("Region"), required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups (the SOP's risk groups)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reach = forms.IntegerField(
        label=_("People reached"), min_value=0, max_value=100_000_000, initial=0
    )
    hours = forms.DecimalField(
        label=_("Hours (trainings)"), required=False, min_value=0, max_value=10000, decimal_places=1
    )
    trainer = forms.CharField(label=_("Who trained (trainings)"), required=False, max_length=300)
    participants = forms.CharField(
        label=_("Participants by body (trainings)"),
        required=False,
        max_length=1000,
        help_text=_("One per line: body = number, for example «police = 12»"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    partners = forms.CharField(label=_("Partners"), required=False, max_length=500)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    duties = forms.MultipleChoiceField(
        label=_("Duties of the SOP this work fulfils"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kind_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        self.fields["region"].choices = region_choices(str(_("Not in one region")))  # type: ignore[attr-defined]
        self.fields["target_groups"].choices = [
            (e.code, e.text.get(lang)) for e in default_catalogue().of_kind("risk_group")
        ]  # type: ignore[attr-defined]
        duties = Duty.objects.filter(kind__code=kind_code).select_related("direction")
        self.fields["duties"].choices = [
            (str(d.pk), f"{localized(d.direction, 'title')}: {localized(d, 'text')}")
            for d in duties
        ]  # type: ignore[attr-defined]

    def clean_participants(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for number, line in enumerate(
            str(self.cleaned_data.get("participants") or "").splitlines(), start=1
        ):
            if not line.strip():
                continue
            body, sep, count = line.partition("=")
            if not sep or not count.strip().isdigit() or not body.strip():
                raise forms.ValidationError(_("Line %(n)s: write «body = number».") % {"n": number})
            result[body.strip()[:100]] = int(count.strip())
        return result


class IndicatorForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region = forms.ChoiceField(label=_("Region"))
    sector = forms.CharField(label=_("Sector"), max_length=100)
    quota = forms.IntegerField(label=_("Quota"), min_value=0)
    attracted = forms.IntegerField(label=_("Foreign workers attracted"), min_value=0)
    source = forms.CharField(label=_("Data source"), max_length=300)
    published = forms.BooleanField(label=_("The data is published"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices("")[1:]  # type: ignore[attr-defined]


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("Columns: year, region, sector, quota, attracted, source, published"),
    )
