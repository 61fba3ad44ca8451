"""``qorgan audit_verify``: check that the audit trail's hash chain is intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgan.core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain; exit 1 and name the first broken event if it was tampered with."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"the audit trail is broken at event {report.first_broken_seq}: {report.reason}"
            )
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {report.events} events."))
