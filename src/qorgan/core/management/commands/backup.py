"""``qorgan backup --output FILE`` / ``qorgan backup --restore FILE``."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgan.core.backup import BackupError, create_backup, restore_backup


class Command(BaseCommand):
    help = "Back up the database and the encrypted documents to one file, or restore from one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--output", type=Path, help="write a backup to this .tar.gz file")
        group.add_argument(
            "--restore",
            type=Path,
            help="replace the data with this backup (stop the servers first)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["output"]:
                manifest = create_backup(options["output"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup written to {options['output']} ({manifest['vendor']})."
                    )
                )
            else:
                if not options["restore"].is_file():
                    raise CommandError(f"{options['restore']} does not exist")
                manifest = restore_backup(options["restore"])
                self.stdout.write(
                    self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}.")
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
