"""Backup and restore: a restored system holds exactly what was backed up."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from qorgan.accounts.roles import Role
from qorgan.cases import services
from qorgan.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored (encrypted values included)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    return tables


def test_backup_then_restore_gives_back_exactly_the_data(
    make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    user = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    case = services.open_case(organisation=user.organisation, by=user)
    services.update_person(user=user, case=case, expected_version=1, data={"surname": "Әбілова"})
    attachment = services.add_attachment(
        user=user, case=case, name="a.png", content=b"\x89PNG\r\n\x1a\n" + b"\x03" * 8
    )
    before = snapshot()
    backup = tmp_path / "qorgan.tar.gz"
    call_command("backup", "--output", str(backup), stdout=StringIO())

    # Life goes on after the backup: a new case, a change, a deletion.
    services.open_case(organisation=user.organisation, by=user)
    services.update_person(
        user=user,
        case=Case.objects.get(pk=case.pk),
        expected_version=2,
        data={"surname": "Changed"},
    )
    (settings.MEDIA_ROOT / attachment.blob).unlink()
    assert snapshot() != before

    call_command("backup", "--restore", str(backup), stdout=StringIO())
    assert snapshot() == before
    assert Case.objects.get(pk=case.pk).person.surname == "Әбілова"
    assert services.read_attachment(user=user, attachment=attachment).startswith(b"\x89PNG")


def test_a_damaged_backup_is_refused(tmp_path: Path, reference_data: None) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="not a Qorgan backup"):
        call_command("backup", "--restore", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", "--restore", str(tmp_path / "missing.tar.gz"), stdout=StringIO())
