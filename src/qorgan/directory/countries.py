"""ISO 3166-1 countries with their names in Kazakh, Russian and English (from pycountry)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils import translation


@lru_cache(maxsize=1)
def alpha2_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@lru_cache(maxsize=4)
def country_names(language: str) -> dict[str, str]:
    """``{alpha_2: name}`` in the language, sorted by name."""
    if language == "en":
        names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    else:
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        names = {c.alpha_2: catalogue.gettext(c.name) for c in pycountry.countries}
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def country_name(code: str | None, language: str) -> str:
    """A country's name in the language for an alpha-2 code; ``stateless`` and ``unknown``
    in words; anything else as given (never a bare code where a name is known)."""
    if not code:
        return ""
    if code in ("stateless", "unknown"):
        with translation.override(language):
            if code == "stateless":
                return translation.gettext("Stateless")
            return translation.gettext("Not known")
    return country_names(language).get(code.upper(), code)
