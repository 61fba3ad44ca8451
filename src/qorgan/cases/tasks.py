"""The cases app's tasks (``core.tasks``)."""

from __future__ import annotations

from qorgan.core.tasks import task

from . import imports


@task("cases.import_register")
def import_register(job_id: str, language: str = "") -> None:
    imports.run_import(job_id, language)
