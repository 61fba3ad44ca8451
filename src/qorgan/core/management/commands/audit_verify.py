"""``qorgan audit_verify``: check the audit trail's hash chain and that it agrees with every
signed checkpoint kept outside the database (docs/security.md, "Audit trail")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from qorgan.core import audit
from qorgan.core import checkpoints as cp


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain and check it against the signed checkpoints; exit 1 "
        "and name the first broken event if it was rewritten, shortened or back-dated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            help="checkpoint file (default: QORGAN_AUDIT_CHECKPOINT_FILE)",
        )
        parser.add_argument(
            "--verify-key",
            action="append",
            default=[],
            help="trusted public key, ed25519:<base64> (default: QORGAN_AUDIT_VERIFY_KEY); "
            "may be given more than once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # In English, like the other commands (the audit log page shows the same reasons
        # in the reader's language).
        with translation.override("en"):
            self._run(**options)

    def _run(self, **options: Any) -> None:
        keys_given = options["verify_key"] or None
        path_given = options["checkpoints"]
        checkpoints: list[cp.Checkpoint] | None = None
        configured = bool(keys_given or audit.verify_keys()) and bool(
            path_given or audit.checkpoint_path()
        )
        if keys_given or path_given:
            try:
                keys = cp.parse_public_keys(keys_given) if keys_given else audit.verify_keys()
                path = Path(path_given) if path_given else audit.checkpoint_path()
                if keys and path is not None and path.exists():
                    checkpoints = cp.read_file(path, keys)
                else:
                    checkpoints = []
            except cp.CheckpointError as exc:
                raise CommandError(f"the audit trail cannot be checked: {exc}") from None
        report = audit.verify_chain(checkpoints=checkpoints)
        if not report.intact:
            if report.first_broken_seq is None:
                raise CommandError(f"the audit trail cannot be checked: {report.reason}")
            raise CommandError(
                f"the audit trail is broken at event {report.first_broken_seq}: {report.reason}"
            )
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {report.events} events."))
        if report.latest is None:
            why = report.not_anchored_because or (
                "No signed checkpoint anchors the chain: whoever can write the database could "
                "rewrite or shorten it unnoticed."
            )
            if configured:
                raise CommandError(why)
            self.stdout.write(self.style.WARNING(why))
            return
        signed_at = cp.format_time(report.latest.at)
        self.stdout.write(
            f"Anchored: {report.checkpoints} signed checkpoints agree with the chain; the latest, "
            f"signed at {signed_at}, covers {report.latest.seq} events; "
            f"{report.unanchored_events} events were appended since (checked, not yet signed)."
        )
        if report.stale:
            raise CommandError(
                f"the latest checkpoint was signed at {signed_at}, longer ago than "
                "QORGAN_AUDIT_CHECKPOINT_MAX_AGE_MINUTES allows: is qorgan audit_checkpoint "
                "running?"
            )
