"""``qorgan apply_retention [--days N]``: anonymise cases closed more than N days ago."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qorgan.cases.retention import apply_retention
from qorgan.core.audit import audit_context


class Command(BaseCommand):
    help = "Anonymise the person's data of cases closed longer ago than the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="default: QORGAN_RETENTION_DAYS")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.RETENTION_DAYS
        if days < 30:
            raise CommandError("--days must be at least 30")
        with audit_context(route="command apply_retention"):
            count = apply_retention(days=days)
        self.stdout.write(
            self.style.SUCCESS(f"Anonymised {count} case(s) closed more than {days} days ago.")
        )
