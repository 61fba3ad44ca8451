"""The portal's tasks (see ``core.tasks``)."""

from __future__ import annotations

from qorgan.core.tasks import task

from .services import publish_daily_digest


@task("portal.daily_digest")
def daily_digest() -> int:
    """Once a day at a fixed hour: audit and announce the anonymous reports of earlier days."""
    return publish_daily_digest()
