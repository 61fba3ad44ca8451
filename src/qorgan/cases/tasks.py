"""The cases app's tasks (``core.tasks``)."""

from __future__ import annotations

from qorgan.core.tasks import task

from . import imports


@task("cases.import_register")
def import_register(job_id: str, language: str = "") -> None:
    imports.run_import(job_id, language)


@task("cases.remind_followups")
def remind_followups() -> int:
    """Daily: each open follow-up due today or overdue, to its organisation (once a day)."""
    from django.utils import timezone

    from qorgan.notifications.models import NotificationKind
    from qorgan.notifications.services import notify

    from .followups import due_followups

    today = timezone.localdate()
    due = due_followups(today)
    for followup in due:
        notify(
            organisations=[followup.organisation],
            kind=NotificationKind.FOLLOWUP_DUE,
            reference=followup.case.reference,
            link=f"/kk/cases/{followup.case_id}/#followups",
        )
        followup.reminded_on = today
        followup.save(update_fields=["reminded_on"])
    return len(due)
