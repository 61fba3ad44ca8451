"""``qorgan audit_verify``: check the audit trail's hash chain and that it agrees with every
signed checkpoint kept outside the database (docs/security.md, "Audit trail")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
                raise CommandError(
                    _("the audit trail cannot be checked: %(reason)s") % {"reason": exc}
                ) from None
        report = audit.verify_chain(checkpoints=checkpoints)
        if not report.intact:
            if report.first_broken_seq is None:
                raise CommandError(
                    _("the audit trail cannot be checked: %(reason)s") % {"reason": report.reason}
                )
            raise CommandError(
                _("the audit trail is broken at event %(seq)s: %(reason)s")
                % {"seq": report.first_broken_seq, "reason": report.reason}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit trail is intact: %(count)s events.") % {"count": report.events}
            )
        )
        if report.latest is None:
            why = report.not_anchored_because or _(
                "No signed checkpoint anchors the chain: whoever can write the database could "
                "rewrite or shorten it unnoticed."
            )
            if configured:
                raise CommandError(why)
            self.stdout.write(self.style.WARNING(why))
            return
        self.stdout.write(
            _(
                "Anchored: %(checkpoints)s signed checkpoints agree with the chain; the latest, "
                "signed at %(at)s, covers %(seq)s events; %(later)s events were appended since "
                "(checked, not yet signed)."
            )
            % {
                "checkpoints": report.checkpoints,
                "at": cp.format_time(report.latest.at),
                "seq": report.latest.seq,
                "later": report.unanchored_events,
            }
        )
        if report.stale:
            raise CommandError(
                _(
                    "the latest checkpoint was signed at %(at)s, longer ago than "
                    "QORGAN_AUDIT_CHECKPOINT_MAX_AGE_MINUTES allows: is qorgan audit_checkpoint "
                    "running?"
                )
                % {"at": cp.format_time(report.latest.at)}
            )
