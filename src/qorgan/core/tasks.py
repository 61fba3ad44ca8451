"""One interface for work that leaves the request: notifications, reminders, exports, refreshes.

``enqueue("name", **kwargs)`` runs the registered task after the current transaction commits:
in the same process on the embedded default (no broker needed), on Celery workers with Redis
in production (QORGAN_TASKS=celery, QORGAN_REDIS_URL). Arguments must be JSON values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module
from typing import Any

import redis
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from qorgan.celery import run_task

logger = logging.getLogger(__name__)
REGISTRY: dict[str, Callable[..., Any]] = {}


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = function
        return function

    return register


def run(name: str, kwargs: dict[str, Any]) -> Any:
    """Run one task now (what a worker does)."""
    _load_tasks()
    return REGISTRY[name](**kwargs)


def enqueue(name: str, **kwargs: Any) -> None:
    _load_tasks()
    if name not in REGISTRY:
        raise KeyError(f"unknown task {name!r}")
    if settings.TASKS_BACKEND == "celery":
        transaction.on_commit(lambda: run_task.delay(name, kwargs))
    else:

        def inline() -> None:
            try:
                run(name, kwargs)
            except Exception:  # a failed notification must not fail the user's request
                logger.exception("task %s failed", name)

        transaction.on_commit(inline)


def _load_tasks() -> None:
    """Import every app's ``tasks`` module once, so that their tasks are registered."""
    if REGISTRY.get("__loaded__"):
        return
    for config in apps.get_app_configs():
        if config.name.startswith("qorgan."):
            try:
                import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
    REGISTRY["__loaded__"] = lambda: None


@task("core.worker_heartbeat")
def worker_heartbeat(token: str) -> str:
    """Proves a worker runs: writes the token to Redis for five minutes (monitoring, tests)."""
    redis.Redis.from_url(settings.REDIS_URL).set(
        f"qorgan:heartbeat:{token}", timezone.now().isoformat(), ex=300
    )
    return token
