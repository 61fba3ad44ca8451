"""Notifications: the inbox, and e-mail through a real SMTP server, never with personal data."""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.tasks import remind_overdue
from qorgan.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server on this machine (aiosmtpd), collecting what it receives."""
    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_referral_notifies_the_receiver_by_inbox_and_email_without_personal_data(
    make_user: Any, settings: Any, smtp_server: Any
) -> None:
    port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    worker = make_user(username="worker", organisation="ORG01")
    receiver = make_user(
        username="receiver",
        role=Role.CASE_MANAGER,
        organisation="ORG02",
        email="receiver@example.org",
    )
    case = cases.open_case(organisation=worker.organisation, by=worker)
    cases.update_person(
        user=worker,
        case=case,
        expected_version=1,
        data={"surname": "Жұмабаева", "given_name": "Айнұр"},
    )
    consent = cases.record_consent(
        user=worker, case=case, purpose="referral", form="written", given_on=TODAY
    )
    cases.send_referral(
        user=worker,
        case=case,
        to_organisation=receiver.organisation,
        services=["legal"],
        due_on=TODAY,
        consent=consent,
    )

    inbox = Notification.objects.get(organisation=receiver.organisation)
    assert inbox.kind == "referral_received" and inbox.reference == case.reference
    for _ in range(50):
        if received:
            break
        time.sleep(0.05)
    assert len(received) == 1
    envelope = received[0]
    assert "receiver@example.org" in envelope.rcpt_tos
    message = message_from_bytes(envelope.content)
    body = message.get_payload(decode=True).decode()
    assert case.reference in body
    for personal in ("Жұмабаева", "Айнұр"):
        assert personal not in body and personal not in str(message["Subject"])


def test_answer_overdue_and_new_report_notify(make_user: Any, client: Any) -> None:
    worker = make_user(username="worker", organisation="ORG01")
    receiver = make_user(username="receiver", role=Role.CASE_MANAGER, organisation="ORG02")
    case = cases.open_case(organisation=worker.organisation, by=worker)
    consent = cases.record_consent(
        user=worker, case=case, purpose="referral", form="oral", given_on=TODAY
    )
    referral = cases.send_referral(
        user=worker,
        case=case,
        to_organisation=receiver.organisation,
        services=["legal"],
        due_on=TODAY,
        consent=consent,
    )
    late = cases.open_case(organisation=worker.organisation, by=worker)
    consent2 = cases.record_consent(
        user=worker, case=late, purpose="referral", form="oral", given_on=TODAY
    )
    overdue = cases.send_referral(
        user=worker,
        case=late,
        to_organisation=receiver.organisation,
        services=["medical"],
        due_on=TODAY,
        consent=consent2,
    )
    type(overdue).objects.filter(pk=overdue.pk).update(due_on=TODAY - timedelta(days=3))
    cases.respond_to_referral(user=receiver, referral=referral, accept=False, reason="full")
    assert Notification.objects.filter(
        organisation=worker.organisation, kind="referral_declined"
    ).exists()
    assert remind_overdue() == 1
    assert remind_overdue() == 0  # once a day
    assert (
        Notification.objects.filter(kind="referral_overdue", reference=late.reference).count() == 2
    )  # both sides

    client.force_login(receiver)
    page = client.get("/en/inbox/").content.decode()
    assert case.reference in page and late.reference in page
