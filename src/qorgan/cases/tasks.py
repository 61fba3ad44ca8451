"""The cases app's tasks (``core.tasks``)."""

from __future__ import annotations

from django.utils import timezone

from qorgan.core.tasks import task
from qorgan.notifications.models import Notification, NotificationKind
from qorgan.notifications.services import notify

from . import imports
from .followups import due_followups
from .models import Referral, ReferralStatus


@task("cases.import_register")
def import_register(job_id: str, language: str = "") -> None:
    imports.run_import(job_id, language)


@task("cases.remind_followups")
def remind_followups() -> int:
    """Daily: each open follow-up due today or overdue, to its organisation (once a day)."""
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


# Registered under its old name: the beat schedule (qorgan/celery.py) and queued runs use it.
@task("notifications.remind_overdue")
def remind_overdue() -> int:
    """Daily: every referral still unanswered after its due date, to both sides."""
    count = 0
    today = timezone.localdate()
    for referral in Referral.objects.filter(
        status=ReferralStatus.SENT, due_on__lt=today
    ).select_related("case", "from_organisation", "to_organisation"):
        already = Notification.objects.filter(
            kind=NotificationKind.REFERRAL_OVERDUE,
            reference=referral.case.reference,
            created_at__date=today,
        ).exists()
        if already:
            continue
        notify(
            organisations=[referral.to_organisation, referral.from_organisation],
            kind=NotificationKind.REFERRAL_OVERDUE,
            reference=referral.case.reference,
            link="/kk/cases/referrals/",
        )
        count += 1
    return count
