"""``{% case_work %}``: the user's case work on the home page (``cases.work``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("cases/_home_work.html", takes_context=True)
def case_work(context: dict[str, Any]) -> dict[str, Any]:
    from qorgan.cases.work import work_for

    return {"work": work_for(context.get("user")), "today": timezone.localdate()}
