"""``qorgan audit_checkpoint``: sign the audit chain's head and append it to the checkpoint file.

Run by the signer's own operating-system user (deploy/qorgan-audit-checkpoint.timer), the only
one that can read the private key (QORGAN_AUDIT_SIGNING_KEY_FILE, mode 600). Before signing it
checks that the chain still agrees with its latest checkpoint (the events since are walked and
re-hashed, times must not go back): a rewritten, shortened or back-dated chain is never signed;
the command exits 1 and says why (also to syslog with --syslog).
"""

from __future__ import annotations

import syslog
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from qorgan.core import audit
from qorgan.core import checkpoints as cp


class Command(BaseCommand):
    help = "Check the audit chain since the latest checkpoint, then sign its head and append it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key-file", help="private key (default: QORGAN_AUDIT_SIGNING_KEY_FILE)"
        )
        parser.add_argument(
            "--output", help="checkpoint file (default: QORGAN_AUDIT_CHECKPOINT_FILE)"
        )
        parser.add_argument(
            "--syslog",
            action="store_true",
            default=None,
            help="also send the line to syslog (default: QORGAN_AUDIT_CHECKPOINT_SYSLOG)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="sign even if the chain did not grow and the latest checkpoint is still fresh",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # In English, like the other commands (the audit log page shows the same reasons
        # in the reader's language).
        with translation.override("en"):
            self._run(**options)

    def _run(self, **options: Any) -> None:
        key_file = options["key_file"] or settings.AUDIT_SIGNING_KEY_FILE
        output = options["output"] or settings.AUDIT_CHECKPOINT_FILE
        use_syslog = (
            settings.AUDIT_CHECKPOINT_SYSLOG if options["syslog"] is None else options["syslog"]
        )
        if not key_file or not output:
            raise CommandError(
                "Set QORGAN_AUDIT_SIGNING_KEY_FILE and QORGAN_AUDIT_CHECKPOINT_FILE (or give "
                "--key-file and --output)."
            )
        try:
            private_key = cp.load_private_key(Path(key_file))
            keys = audit.verify_keys()
            public_key = private_key.public_key()
            keys[cp.key_id(public_key)] = public_key
            path = Path(output)
            existing = cp.read_file(path, keys) if path.exists() else []
        except cp.CheckpointError as exc:
            self._alarm(use_syslog, str(exc))
            raise CommandError(str(exc)) from None
        latest = existing[-1] if existing else None
        report = audit.verify_chain(checkpoints=existing, start=latest)
        if not report.intact:
            message = (
                "refusing to sign: the audit trail is broken at event "
                f"{report.first_broken_seq}: {report.reason}"
            )
            self._alarm(use_syslog, message)
            raise CommandError(message)
        now = timezone.now().replace(microsecond=0)
        max_age = timedelta(minutes=settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES or 120)
        fresh = latest is not None and now - latest.at < max_age / 2
        if latest is not None and fresh and latest.seq == report.head_seq and not options["force"]:
            self.stdout.write(
                f"Nothing to sign: the chain has not grown since {cp.format_time(latest.at)}."
            )
            return
        if latest is not None and now <= latest.at:
            self.stdout.write("Nothing to sign: a checkpoint was signed this second.")
            return
        line = cp.sign(private_key, report.head_seq, report.head_hash, now)
        cp.append_line(path, line)
        if use_syslog:
            syslog.openlog("qorgan-audit-checkpoint", syslog.LOG_PID, syslog.LOG_AUTH)
            syslog.syslog(syslog.LOG_NOTICE, line)
        self.stdout.write(line)

    def _alarm(self, use_syslog: bool, message: str) -> None:
        if use_syslog:
            syslog.openlog("qorgan-audit-checkpoint", syslog.LOG_PID, syslog.LOG_AUTH)
            syslog.syslog(syslog.LOG_ALERT, message)
