"""Monitoring work that leaves the request (see ``qorgan.core.tasks``)."""

from __future__ import annotations

from qorgan.core.tasks import task

from . import services


@task("monitoring.build_export")
def build_export(job_id: str) -> None:
    services.build_export(job_id)


@task("monitoring.refresh_statistics")
def refresh_statistics() -> int:
    return services.refresh_statistics()


@task("monitoring.import_indicators")
def import_indicators(job_id: str, language: str = "") -> None:
    services.run_indicator_import(job_id, language)
