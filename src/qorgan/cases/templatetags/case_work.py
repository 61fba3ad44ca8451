"""``{% case_work %}``: the user's case work on the home page (``cases.work``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from qorgan.cases.models import ReferralStatus, ServiceType
from qorgan.cases.work import work_for
from qorgan.core.i18n import active_language
from qorgan.knowledge.catalogue import default_catalogue

register = template.Library()


@register.inclusion_tag("cases/_home_work.html", takes_context=True)
def case_work(context: dict[str, Any]) -> dict[str, Any]:
    return {"work": work_for(context.get("user")), "today": timezone.localdate()}


@register.filter(name="right_labels")
def right_labels(codes: Any) -> str:
    """Rights explained by their text in the active language (the catalogue's), not codes."""
    language = active_language()
    catalogue = default_catalogue()
    texts = {
        entry.code: entry.text.get(language)
        for kind in ("victim_right", "migrant_victim_right")
        for entry in catalogue.of_kind(kind)
    }
    return "; ".join(texts.get(code) or code for code in codes or ())


@register.filter(name="service_labels")
def service_labels(codes: Any) -> str:
    """The services of a referral by their names in the active language, not their codes."""
    labels = dict(ServiceType.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


@register.filter(name="referral_action")
def referral_action(code: str) -> str:
    """A referral event (sent, accepted, declined, …) by its name in the active language."""
    return str(dict(ReferralStatus.choices).get(code, code))
