"""``qorgan load_reference_data``: load the catalogue and directory files into the database.

Local edits are never overwritten: the catalogue and the organisations are merged three ways
(the values the previous version shipped, the values shipped now, the values here); what
changed only upstream is applied, a field changed on both sides is kept and reported as a
conflict for a person to decide. ``--dry-run`` prints the same report and writes nothing.
"""

from __future__ import annotations

import hashlib
import inspect
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.reference_merge import MergeReport
from qorgan.directory.reference import load_directory
from qorgan.directory.services import load_directory_into_db
from qorgan.knowledge.catalogue import CatalogueError, load_catalogue
from qorgan.knowledge.services import ReferenceDataVersionError, load_catalogue_into_db
from qorgan.knowledge.translations import shipped_checksum as translations_checksum


def _short(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, dict):
        return str(value.get("tel") or value.get("display") or value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class Command(BaseCommand):
    help = (
        "Load the versioned reference data (catalogue and directory). Safe to run again; "
        "local edits are kept and conflicts reported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="reload even if the files changed under a recorded version",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be applied, kept and in conflict; write nothing",
        )
        parser.add_argument(
            "--catalogue-dir",
            type=Path,
            help="read the catalogue (and its VERSION) from this folder instead of the shipped one",
        )
        parser.add_argument(
            "--directory-dir",
            type=Path,
            help="read the directory files from this folder instead of the shipped one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options.get("dry_run"))
        self.verbosity = int(options.get("verbosity", 1))
        try:
            catalogue = (
                load_catalogue(options["catalogue_dir"])
                if options.get("catalogue_dir")
                else load_catalogue()
            )
            directory = (
                load_directory(options["directory_dir"])
                if options.get("directory_dir")
                else load_directory()
            )
        except CatalogueError as exc:
            raise CommandError(f"reference data is not valid: {exc}") from None
        # The portal languages' translations (knowledge/portal_languages/) ship with the
        # reference data: changing them needs a new VERSION too.
        checksum = hashlib.sha256(
            (catalogue.checksum + directory.checksum + translations_checksum()).encode()
        ).hexdigest()
        catalogue_options: dict[str, Any] = {"force": options["force"]}
        if "dry_run" in inspect.signature(load_catalogue_into_db).parameters:
            catalogue_options["dry_run"] = dry_run
        directory_report = MergeReport()
        try:
            with transaction.atomic():
                result = load_catalogue_into_db(
                    catalogue=catalogue, checksum=checksum, **catalogue_options
                )
                if not result.changed:
                    self.stdout.write(
                        f"Reference data {result.version} is already live; nothing to do."
                    )
                    return
                counts = load_directory_into_db(
                    directory=directory, version=result.version, report=directory_report
                )
                # A load that changed or met a local edit is audited (a first load into an
                # empty database adds the shipped data and is not an edit).
                if (
                    directory_report.applied
                    or directory_report.conflicts
                    or directory_report.kept_local
                ):
                    audit.record(
                        actor=None,
                        action=AuditAction.REFERENCE_DATA_LOAD,
                        object_type="knowledge.CatalogueVersion",
                        object_id=result.version,
                        detail={
                            "applied": len(directory_report.applied),
                            "kept_local": len(directory_report.kept_local),
                            "conflicts": len(directory_report.conflicts),
                        },
                    )
                if dry_run:
                    transaction.set_rollback(True)
        except ReferenceDataVersionError as exc:
            raise CommandError(str(exc)) from None
        # The catalogue's own report (knowledge.services, issue 15 §2), where it returns one.
        catalogue_report = getattr(result, "merge", None)
        if isinstance(catalogue_report, MergeReport):
            self._print_report("Catalogue", catalogue_report)
        self._print_report("Directory", directory_report)
        if dry_run:
            self.stdout.write(f"Dry run: reference data {result.version} was not loaded.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data {result.version} is live: {result.created} entries added, "
                f"{result.updated} updated, {result.retired} retired; "
                + ", ".join(f"{value} {name}" for name, value in counts.items())
            )
        )

    def _print_report(self, title: str, report: MergeReport) -> None:
        if self.verbosity == 0 and not report.conflicts:
            return
        self.stdout.write(
            f"{title}: {len(report.applied)} changes applied from the new version, "
            f"{len(report.kept_local)} local edits kept, {len(report.conflicts)} conflicts, "
            f"{len(report.added)} added, {len(report.retired)} retired."
        )
        if self.verbosity >= 2:
            for record, name in report.applied:
                self.stdout.write(f"  applied: {record} {name}")
            for record, name in report.kept_local:
                self.stdout.write(f"  kept local: {record} {name}")
        for c in report.conflicts:
            self.stdout.write(
                self.style.WARNING(
                    f"  CONFLICT {c.record} {c.field}: the previous version shipped "
                    f"{_short(c.shipped_before)}, the new one ships {_short(c.shipped_now)}, "
                    f"here it is {_short(c.local)}. The local value is kept; a person decides "
                    "(edit it in the admin)."
                )
            )
