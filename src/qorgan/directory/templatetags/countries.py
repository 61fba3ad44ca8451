"""``{{ code|country }}``: a country's name in the page's language, never its bare code."""

from __future__ import annotations

from django import template

from qorgan.core.i18n import active_language
from qorgan.directory.countries import country_name

register = template.Library()


@register.filter(name="country")
def country(code: str | None) -> str:
    return country_name(code, active_language())
