"""The notification tasks (see ``core.tasks``)."""

from __future__ import annotations

from django.utils import timezone

from qorgan.core.tasks import task

from .services import deliver_email, notify


@task("notifications.email")
def email(notification_id: int) -> bool:
    return deliver_email(notification_id)


@task("notifications.remind_overdue")
def remind_overdue() -> int:
    """Daily: every referral still unanswered after its due date, to both sides."""
    from qorgan.cases.models import Referral, ReferralStatus

    from .models import Notification, NotificationKind

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
