"""Backup and restore of the whole system: the database (SQLite or PostgreSQL) and the
encrypted documents, in one .tar.gz with a manifest.

The backup holds the data as it is stored: personal data stays encrypted, so a backup is
useless without QORGAN_FIELD_KEYS, which must be kept (and rotated) apart from it.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(RuntimeError):
    pass


def _pg_dsn() -> str:
    s = connection.settings_dict
    parts = [f"dbname={s['NAME']}"]
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if s.get(key):
            parts.append(f"{name}={s[key]}")
    return " ".join(parts)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def create_backup(output: Path) -> dict[str, Any]:
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            database = work / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(database)
            connection.connection.backup(target)  # consistent online copy
            target.close()
        elif vendor == "postgresql":
            database = work / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={database}", _pg_dsn()])
        else:
            raise BackupError(f"no backup for the {vendor} database")
        manifest = {
            "qorgan_backup": 1,
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "database_sha256": hashlib.sha256(database.read_bytes()).hexdigest(),
        }
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(output, "w:gz") as tar:
            tar.add(database, arcname=database.name)
            if media.is_dir():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return manifest


def restore_backup(source: Path) -> dict[str, Any]:
    """Replace the database (and documents) with the backup's. Stop the servers first."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(source, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError):
            raise BackupError("this file is not a Qorgan backup (or it is damaged)") from None
        if manifest.get("vendor") != vendor:
            raise BackupError(
                f"this backup is of a {manifest.get('vendor')} database; this system uses {vendor}"
            )
        name = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
        database = work / name
        if hashlib.sha256(database.read_bytes()).hexdigest() != manifest["database_sha256"]:
            raise BackupError("the backup is damaged: its database does not match its checksum")
        if vendor == "sqlite":
            connection.ensure_connection()
            source_db = sqlite3.connect(database)
            source_db.backup(connection.connection)
            source_db.close()
        else:
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={_pg_dsn()}",
                    str(database),
                ]
            )
        media = Path(settings.MEDIA_ROOT)
        if (work / "media").is_dir():
            if media.is_dir():
                shutil.rmtree(media)
            shutil.copytree(work / "media", media)
    return manifest
