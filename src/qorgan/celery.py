"""The Celery application for production: ``celery -A qorgan worker`` (and ``beat`` for reminders)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.prod")

app = Celery("qorgan")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(
    name="qorgan.run_task",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def run_task(name: str, kwargs: dict[str, Any]) -> Any:
    from qorgan.core.tasks import run  # noqa: PLC0415 - cycle: core.tasks imports run_task from this module

    return run(name, kwargs)


app.conf.beat_schedule = {
    "overdue-referral-reminders": {
        "task": "qorgan.run_task",
        "schedule": 24 * 60 * 60,
        "args": ("notifications.remind_overdue", {}),  # cases/tasks.py
    },
    "follow-up-reminders": {
        "task": "qorgan.run_task",
        "schedule": 24 * 60 * 60,
        "args": ("cases.remind_followups", {}),
    },
    "statistics-refresh": {
        "task": "qorgan.run_task",
        "schedule": 15 * 60,
        "args": ("monitoring.refresh_statistics", {}),
    },
    # The anonymous reports of earlier days: at a fixed hour, so no run depends on an arrival.
    "anonymous-report-digest": {
        "task": "qorgan.run_task",
        "schedule": crontab(minute=5, hour=0),
        "args": ("portal.daily_digest", {}),
    },
}
