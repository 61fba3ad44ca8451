"""``qorgan audit_keygen``: create the audit signer's Ed25519 key pair.

The private key goes to a new file readable by its owner only (run this as the signer's user);
the public key is printed in the form QORGAN_AUDIT_VERIFY_KEY takes, for the application's and
the auditors' configuration. An existing file is never overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from qorgan.core import checkpoints as cp


class Command(BaseCommand):
    help = "Create the audit signer's key pair; print the public key for QORGAN_AUDIT_VERIFY_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--private-key",
            help="file for the new private key (default: QORGAN_AUDIT_SIGNING_KEY_FILE)",
        )
        parser.add_argument(
            "--show-public",
            action="store_true",
            help="print the public key of an existing private key instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # In English, like the other commands (the audit log page shows the same reasons
        # in the reader's language).
        with translation.override("en"):
            self._run(**options)

    def _run(self, **options: Any) -> None:
        value = options["private_key"] or settings.AUDIT_SIGNING_KEY_FILE
        if not value:
            raise CommandError("Give --private-key or set QORGAN_AUDIT_SIGNING_KEY_FILE.")
        path = Path(value)
        try:
            if options["show_public"]:
                private_key = cp.load_private_key(path)
            else:
                private_key = cp.generate_private_key(path)
        except FileExistsError:
            raise CommandError(f"{path} exists: it is never overwritten.") from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except cp.CheckpointError as exc:
            raise CommandError(str(exc)) from None
        if not options["show_public"]:
            self.stderr.write(
                f"Private key written to {path} (mode 600). Keep it for the signer only."
            )
        self.stdout.write(f"QORGAN_AUDIT_VERIFY_KEY={cp.public_key_text(private_key.public_key())}")
