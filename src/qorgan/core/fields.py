"""Model fields whose values are encrypted in the database (see ``core.crypto``).

The column holds only the Fernet token; the database never sees the clear text. Such fields
cannot be searched or ordered in SQL: look up by a keyed blind index instead.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON value (dict, list, …) stored as an encrypted token."""

    description = "JSON encrypted at rest"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def encrypt_columns_in_place(
    schema_editor: Any, table: str, columns: list[str], *, reverse: bool = False
) -> None:
    """For a migration that turns plain text columns into ``EncryptedTextField``: encrypt the
    values already stored (``reverse``: decrypt them again). Raw SQL, row by row by primary key,
    so it works on the historical schema without the model's converters."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for column in columns:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608 (names from code)
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
            )
            for pk, value in cursor.fetchall():
                new = crypto.decrypt(value) if reverse else crypto.encrypt(value)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                    [new, pk],
                )
