"""Anonymous by construction: nothing keeps, shows, logs or mails the time of day an anonymous
report (or a reporter's addition) was sent (issue 16, finding 1). Its audit events and the
staff's notifications are written by the daily digest, on a later day, with the day only."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.core.models import AuditEvent
from qorgan.notifications.models import Notification
from qorgan.portal import services
from qorgan.portal.models import Report

from .test_portal import send

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]


def _times_of_day(start: datetime, end: datetime) -> set[str]:
    """Every way the clock of the window could be written: HH:MM in local time and UTC."""
    marks = set()
    moment = start - timedelta(minutes=1)
    while moment <= end + timedelta(minutes=1):
        for zone in (timezone.get_current_timezone(), UTC):
            local = moment.astimezone(zone)
            marks.add(f"{local:%H:%M}")
        moment += timedelta(seconds=30)
    return marks


def _scan_database(start: datetime, end: datetime) -> list[str]:
    found = []
    marks = _times_of_day(start, end)
    with connection.cursor() as cursor:
        for model in apps.get_models():
            fields = list(model._meta.concrete_fields)
            names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT {names} FROM {table}")  # noqa: S608
            for row in cursor.fetchall():
                for field, value in zip(fields, row, strict=True):
                    if isinstance(value, datetime):
                        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
                        if start - timedelta(seconds=2) <= moment <= end + timedelta(seconds=2):
                            found.append(f"{model._meta.label}.{field.name} = {value}")
                    elif isinstance(value, str) and any(mark in value for mark in marks):
                        found.append(f"{model._meta.label}.{field.name} holds a time: {value!r}")
    return found


@pytest.fixture
def triaging_officer(make_user: Any) -> Any:
    officer = make_user(username="triage", role=Role.CASE_MANAGER, organisation="ORG01")
    officer.email = "triage@example.org"
    officer.save()
    officer.organisation.triages_reports = True
    officer.organisation.save()
    return officer


def test_no_table_log_or_mail_holds_the_time_of_sending(
    client: Any, triaging_officer: Any, caplog: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    start = timezone.now()
    # What the database held before (the fixtures' own writes): only what sending adds counts.
    already = set(_scan_database(start - timedelta(minutes=5), start + timedelta(minutes=5)))
    response = send(client)
    assert response.status_code == 200
    receipt = response.context["receipt"]
    client.post(
        "/en/report/status/",
        {
            "form_token": services.issue_status_token(),
            "receipt": receipt,
            "message": "One more thing",
        },
    )
    end = timezone.now()

    assert [found for found in _scan_database(start, end) if found not in already] == []
    marks = _times_of_day(start, end)
    assert not [m for m in marks if m in caplog.text], caplog.text
    assert mail.outbox == []  # nothing mailed at the moment of sending
    assert not AuditEvent.objects.filter(object_type="portal.Report").exists()
    assert not Notification.objects.exists()
    # The triage list (as staff open it the same day) announces nothing of today.
    client.force_login(triaging_officer)
    assert client.get("/en/reports/").status_code == 200
    assert not AuditEvent.objects.filter(action__in=["report_received", "report_addition"])
    assert not Notification.objects.exists()


def test_the_daily_digest_audits_and_announces_with_the_day_only(
    client: Any, triaging_officer: Any, settings: Any
) -> None:
    from qorgan.core.tasks import run

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    receipt = send(client).context["receipt"]
    client.post(
        "/en/report/status/",
        {
            "form_token": services.issue_status_token(),
            "receipt": receipt,
            "message": "One more thing",
        },
    )
    send(client)
    report = Report.objects.order_by("number").first()
    assert report is not None
    today = report.received_on
    assert services.publish_daily_digest(today=today) == 0  # today's reports wait

    # The next day, at the fixed hour of the beat schedule:
    assert services.publish_daily_digest(today=today + timedelta(days=1)) == 2
    events = list(AuditEvent.objects.filter(object_type="portal.Report").order_by("seq"))
    assert sorted(e.action for e in events) == [
        "report_addition",
        "report_received",
        "report_received",
    ]
    assert all(e.detail == {"day": today.isoformat()} for e in events)
    assert all(e.remote_addr == "" and e.route == "" for e in events)
    notifications = list(Notification.objects.all())
    assert {n.reference for n in notifications} == {f"{today:%d.%m.%Y}: 2"}
    assert all("#" not in n.reference for n in notifications)
    run("notifications.email", {"notification_id": notifications[0].pk})
    assert mail.outbox and f"{today:%d.%m.%Y}: 2" in mail.outbox[0].body
    assert not re.search(r"\b\d{1,2}:\d{2}\b", mail.outbox[0].body)
    # Once only.
    assert services.publish_daily_digest(today=today + timedelta(days=2)) == 0
    assert AuditEvent.objects.filter(object_type="portal.Report").count() == 3


def test_the_proxy_example_keeps_no_access_log_of_the_report() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location ~ \^/\(([^)]*)\)/report/ \{(.*?)\}", nginx, re.S)
    assert block is not None
    assert set(block[1].split("|")) >= {"kk", "ru", "en", "uz", "ky", "tg"}
    assert "access_log off;" in block[2]
    # The address goes on only for the flood limits (held hashed for a minute), set by nginx.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in block[2]
