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


@register.filter(name="service_labels")
def service_labels(codes: Any) -> str:
    """The services of a referral by their names in the active language, not their codes."""
    from qorgan.cases.models import ServiceType

    labels = dict(ServiceType.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


@register.filter(name="referral_action")
def referral_action(code: str) -> str:
    """A referral event (sent, accepted, declined, …) by its name in the active language."""
    from qorgan.cases.models import ReferralStatus

    return str(dict(ReferralStatus.choices).get(code, code))
