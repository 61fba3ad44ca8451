"""Create notifications and deliver them: the inbox at once, the e-mail through a task."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from qorgan.core.tasks import enqueue
from qorgan.directory.models import Organisation

from .models import Notification, NotificationKind


def notify(
    *, organisations: Iterable[Organisation], kind: str, reference: str, link: str
) -> list[Notification]:
    created = [
        Notification.objects.create(organisation=o, kind=kind, reference=reference, link=link)
        for o in organisations
    ]
    for notification in created:
        enqueue("notifications.email", notification_id=notification.pk)
    return created


# The e-mail is written in Kazakh and in Russian, one after the other: a recipient's language is
# not known (it goes to an organisation's address and its staff), and every member of staff
# reads one of the two (the state language and the official one).
EMAIL_LANGUAGES = ("kk", "ru")


def _link(notification: Notification, language: str) -> str:
    """The page to open, in ``language`` (links are stored in the default language)."""
    path = notification.link
    default = f"/{settings.LANGUAGE_CODE}/"
    if path.startswith(default):
        path = f"/{language}/" + path[len(default) :]
    return settings.SITE_URL.rstrip("/") + path


def email_text(notification: Notification) -> tuple[str, str]:
    """Subject and body: what happened and where to look; never a name or any personal data."""
    labels, paragraphs = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            label = str(NotificationKind(notification.kind).label)
            labels.append(label)
            paragraphs.append(
                _(
                    "%(what)s: %(reference)s.\n\nSign in to Qorgan to see it: %(link)s\n\n"
                    "This message holds no personal data, by design. Do not reply to it."
                )
                % {
                    "what": label,
                    "reference": notification.reference,
                    "link": _link(notification, language),
                }
            )
    subject = "Qorgan: " + " / ".join(dict.fromkeys(labels))
    return subject, "\n\n———\n\n".join(paragraphs)


def deliver_email(notification_id: int) -> bool:
    notification = (
        Notification.objects.select_related("organisation").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed:
        return False
    recipients = [notification.organisation.email] if notification.organisation.email else []
    recipients += list(
        notification.organisation.users.filter(is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    recipients = sorted(set(recipients))
    if not recipients:
        return False
    subject, body = email_text(notification)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    Notification.objects.filter(pk=notification.pk).update(emailed=True)
    return True
