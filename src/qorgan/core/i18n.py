"""Languages of Qorgan and the one way to read a field stored in all of them.

Reference data (catalogue entries, organisations, regions) is stored with one column per
staff language (``name_kk``, ``name_ru``, ``name_en``: the languages the seed documents give);
the user interface picks the active one. The portal's other languages (``uz``, ``ky``, ``tg``,
settings.LANGUAGES beyond the staff languages) are rows of ``knowledge.Translation``, attached
to the objects a page shows (``knowledge.translations.attach``) and read by ``localized`` too.
Code never spells a column out: ``localized_columns("text", value)`` builds the columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

# The staff languages, one column each: settings.STAFF_LANGUAGES (kk, ru, en), the one list.
LANGUAGE_CODES: tuple[str, ...] = tuple(settings.STAFF_LANGUAGES)
DEFAULT_LANGUAGE = "kk"
# A portal-only language without a translation of some text shows the Russian one (migrants
# from Uzbekistan, Kyrgyzstan and Tajikistan read Russian far more often than Kazakh).
PORTAL_FALLBACK = "ru"


def portal_language_codes() -> tuple[str, ...]:
    """Every language of the public portal: the staff languages, then the portal-only ones."""
    return tuple(code for code, _name in settings.LANGUAGES)


def portal_only_language_codes() -> tuple[str, ...]:
    return tuple(code for code in portal_language_codes() if code not in LANGUAGE_CODES)


def portal_language() -> str:
    """The active language as the public portal knows it: any of settings.LANGUAGES."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in portal_language_codes() else DEFAULT_LANGUAGE


def column_names(*fields: str) -> tuple[str, ...]:
    """The columns of ``fields``, one per staff language: ``("name_kk", "name_ru", ...)``."""
    return tuple(f"{field}_{code}" for field in fields for code in LANGUAGE_CODES)


def default_column(field: str) -> str:
    """The column of ``field`` in the default language (an admin list's one name column)."""
    return f"{field}_{DEFAULT_LANGUAGE}"


def localized_columns(field: str, value: Any) -> dict[str, str]:
    """``{"<field>_kk": value.kk, ...}`` for every staff language; ``value`` None gives ""."""
    return {
        f"{field}_{code}": (str(getattr(value, code, "") or "") if value is not None else "")
        for code in LANGUAGE_CODES
    }


def column_values(obj: Any, field: str) -> dict[str, str]:
    """The values of ``obj``'s columns of ``field``, keyed by language."""
    return {code: str(getattr(obj, f"{field}_{code}", "") or "") for code in LANGUAGE_CODES}


def active_language() -> str:
    """The active interface language, reduced to one of Qorgan's three."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in LANGUAGE_CODES else DEFAULT_LANGUAGE


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>``, falling back to Kazakh, then to any language that has text.

    In a portal-only language: the translation attached to ``obj`` (``obj._translations``),
    else the Russian text."""
    lang = language or portal_language()
    if lang not in LANGUAGE_CODES:
        translated = getattr(obj, "_translations", {}).get((field, lang))
        if translated:
            return str(translated)
        lang = PORTAL_FALLBACK
    for code in (lang, DEFAULT_LANGUAGE, *LANGUAGE_CODES):
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value:
            return str(value)
    return ""


def one_of(values: Iterable[str]) -> str:
    """The error for a value outside a fixed set: "one of a, b, c", in the active language."""
    return _("one of %(values)s") % {"values": ", ".join(values)}
