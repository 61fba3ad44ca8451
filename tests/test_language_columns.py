"""Adding a language is one list in settings plus its files (issue 15 §1): the staff
languages are ``settings.STAFF_LANGUAGES``, and no module but the models (the storage) and
their migrations spells a ``_kk``/``_ru``/``_en`` column out."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from qorgan.core.i18n import LANGUAGE_CODES, column_names, default_column, localized_columns
from qorgan.knowledge.catalogue import Text

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "qorgan"
SPELLED = re.compile(r"""["'][a-z_]+_(?:kk|ru|en)["']|\.[a-z_]+_(?:kk|ru|en)\b""")


def test_the_staff_languages_are_the_settings_list() -> None:
    assert tuple(settings.STAFF_LANGUAGES) == LANGUAGE_CODES
    assert column_names("name", "city") == tuple(
        f"{field}_{code}" for field in ("name", "city") for code in settings.STAFF_LANGUAGES
    )
    assert default_column("name") == f"name_{settings.LANGUAGE_CODE}"
    assert localized_columns("name", Text(kk="а", ru="б", en="c")) == {
        "name_kk": "а",
        "name_ru": "б",
        "name_en": "c",
    }
    assert localized_columns("note", None) == dict.fromkeys(column_names("note"), "")


def test_no_column_of_a_language_is_spelled_out_outside_the_models() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and path.name != "models.py"
        and path != PACKAGE / "core" / "i18n.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SPELLED.search(line)
    ]
    assert found == []
