"""``qorgan load_reference_data``: load the catalogue and directory files into the database."""

from __future__ import annotations

import hashlib
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qorgan.directory.reference import load_directory
from qorgan.directory.services import load_directory_into_db
from qorgan.knowledge.catalogue import CatalogueError, load_catalogue
from qorgan.knowledge.services import ReferenceDataVersionError, load_catalogue_into_db


class Command(BaseCommand):
    help = "Load the versioned reference data (catalogue and directory). Safe to run again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="reload even if the files changed under a recorded version",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = load_catalogue()
            directory = load_directory()
        except CatalogueError as exc:
            raise CommandError(f"reference data is not valid: {exc}") from None
        checksum = hashlib.sha256((catalogue.checksum + directory.checksum).encode()).hexdigest()
        try:
            with transaction.atomic():
                result = load_catalogue_into_db(
                    catalogue=catalogue, checksum=checksum, force=options["force"]
                )
                if not result.changed:
                    self.stdout.write(
                        f"Reference data {result.version} is already live; nothing to do."
                    )
                    return
                counts = load_directory_into_db(directory=directory)
        except ReferenceDataVersionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data {result.version} is live: {result.created} entries added, "
                f"{result.updated} updated, {result.retired} retired; "
                + ", ".join(f"{value} {name}" for name, value in counts.items())
            )
        )
