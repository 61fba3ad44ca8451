"""``qorgan rebuild_rollup``: rebuild the statistics rollup from the cases (after a bulk load
or a restore); record keys of cases already in it are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgan.monitoring import rollup


class Command(BaseCommand):
    help = "Rebuild the statistics rollup from the cases."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rollup.rebuild()
        self.stdout.write(self.style.SUCCESS(f"The rollup counts {count} cases."))
