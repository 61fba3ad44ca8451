"""``{% approvals_waiting %}``: a link to the approval page when requests wait for this user."""

from __future__ import annotations

from typing import Any

from django import template

from qorgan.accounts.roles import Role
from qorgan.accounts.services import waiting_for

register = template.Library()


@register.inclusion_tag("accounts/_approvals_waiting.html", takes_context=True)
def approvals_waiting(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    count = 0
    if getattr(user, "role", None) in (Role.ADMINISTRATOR, Role.SUPERVISOR):
        count = waiting_for(user).count()
    return {"count": count}
