"""Languages of Qorgan and the one way to read a field stored in all of them.

Reference data (catalogue entries, organisations, regions) is stored with one column per
language (``name_kk``, ``name_ru``, ``name_en``); the user interface picks the active one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGE_CODES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"


def active_language() -> str:
    """The active interface language, reduced to one of Qorgan's three."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in LANGUAGE_CODES else DEFAULT_LANGUAGE


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>``, falling back to Kazakh, then to any language that has text."""
    lang = language or active_language()
    for code in (lang, DEFAULT_LANGUAGE, *LANGUAGE_CODES):
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value:
            return str(value)
    return ""


def one_of(values: Iterable[str]) -> str:
    """The error for a value outside a fixed set: "one of a, b, c", in the active language."""
    return _("one of %(values)s") % {"values": ", ".join(values)}
