"""Keeps the statistics rollup current: every save or deletion of a case, and every status
change, refreshes that case's contribution in the same transaction (``monitoring.rollup``).
The cases app knows nothing of monitoring; monitoring listens (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from qorgan.cases.models import Case, StatusChange

from . import rollup


def _case_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return

    rollup.refresh([instance.pk])


def _status_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return

    rollup.refresh([instance.case_id])


def _case_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    rollup.remove(instance.pk)


def connect() -> None:
    post_save.connect(_case_saved, sender=Case, dispatch_uid="monitoring_rollup_case")
    post_save.connect(_status_changed, sender=StatusChange, dispatch_uid="monitoring_rollup_status")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid="monitoring_rollup_case_delete")
