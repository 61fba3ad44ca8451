"""The notification tasks (see ``core.tasks``). The overdue-referral reminder is the cases
app's (``cases.tasks.remind_overdue``)."""

from __future__ import annotations

from qorgan.core.tasks import task

from .services import deliver_email


@task("notifications.email")
def email(notification_id: int) -> bool:
    return deliver_email(notification_id)
