"""Form widgets shared by every app.

Dates: a browser's date box shows the date in the browser's own locale (mm/dd/yyyy on an
English-language phone), whatever the page's language, and some phones show no picker at all.
Qorgan's dates are typed as in Kazakhstan, dd.mm.yyyy, in all six languages, in an honest text
box with a pattern and a placeholder in the page's language; ISO dates (yyyy-mm-dd) are accepted
too. DateField parses them by the language's DATE_INPUT_FORMATS (src/qorgan/formats; Django
adds the ISO format).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateInput(forms.DateInput):
    """A text box for a date in dd.mm.yyyy."""

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(
            format="%d.%m.%Y",
            attrs={
                "inputmode": "numeric",
                "pattern": DATE_PATTERN,
                "placeholder": _("dd.mm.yyyy"),
                "autocomplete": "off",
                "size": "10",
                **(attrs or {}),
            },
        )

    def format_value(self, value: object) -> str | None:
        """A date typed the ISO way is shown back as dd.mm.yyyy, as every other date is; anything
        else that was typed stays as typed, beside its error."""
        if isinstance(value, str) and _ISO.match(value.strip()):
            with contextlib.suppress(ValueError):  # 2026-02-30: stays as typed
                value = date.fromisoformat(value.strip())
        return super().format_value(value)


DATE = DateInput()


_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")


def parse_date(text: str) -> date:
    """A date typed in a filter box: dd.mm.yyyy, or ISO yyyy-mm-dd. ValueError otherwise."""
    text = (text or "").strip()
    if _DAY_MONTH_YEAR.match(text):
        return datetime.strptime(text, "%d.%m.%Y").date()
    return date.fromisoformat(text)
