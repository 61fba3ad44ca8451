"""Template helpers: ``{{ obj|loc:"name" }}`` reads a field in the active language."""

from __future__ import annotations

from typing import Any

from django import template

from qorgan.core.i18n import localized

register = template.Library()


@register.filter(name="loc")
def loc(obj: Any, field: str) -> str:
    return localized(obj, field)


@register.filter(name="cell_display")
def cell_display(cell: Any, threshold: int) -> str:
    """A statistics cell: its number, or «<threshold» when withheld."""
    return str(cell.display(threshold))
