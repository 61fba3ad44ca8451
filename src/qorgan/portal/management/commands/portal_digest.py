"""``qorgan portal_digest``: audit and announce the anonymous reports of earlier days (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgan.portal.services import publish_daily_digest


class Command(BaseCommand):
    help = "Audit and announce the anonymous reports received before today (daily digest)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = publish_daily_digest()
        self.stdout.write(f"{count} report(s) announced")
