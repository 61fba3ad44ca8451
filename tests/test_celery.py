"""Background work in production: a real Celery worker with a real Redis (the address
scripts/test.sh provides, see tests/services.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.services import redis_url

REDIS_URL = redis_url(15)


@pytest.mark.django_db
def test_a_task_travels_through_redis_to_a_worker(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from qorgan.celery import app
    from qorgan.core.tasks import enqueue

    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # scripts/test.sh brings a Redis for the run, as production has one
    server.flushdb()
    settings.TASKS_BACKEND = "celery"
    app.conf.broker_url = REDIS_URL
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qorgan.settings.test",
        "QORGAN_REDIS_URL": REDIS_URL,
    }
    celery = str(Path(sys.executable).with_name("celery"))
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "qorgan",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        token = uuid.uuid4().hex
        with django_capture_on_commit_callbacks(
            execute=True
        ):  # as when the request's transaction commits
            enqueue("core.worker_heartbeat", token=token)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not server.exists(f"qorgan:heartbeat:{token}"):
            time.sleep(0.2)
        assert server.exists(f"qorgan:heartbeat:{token}"), (
            worker.stderr.read1().decode() if worker.poll() is not None else "no answer"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        server.flushdb()
