"""The portal-only languages' interface catalogues hold every string a public page shows."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from qorgan.core.i18n import portal_only_language_codes

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = PACKAGE / "templates" / "portal"
PUBLIC_CODE = [PACKAGE / "portal" / "views.py", PACKAGE / "portal" / "templatetags" / "portal.py"]


def public_msgids() -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        if path.name.startswith("triage"):
            continue  # staff pages: staff languages only
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\{% translate "([^"]+)"', text))
        found |= set(re.findall(r"\{% translate '([^']+)'", text))
        for body in re.findall(
            r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}", text, re.S
        ):
            found.add(re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", body))
    for path in PUBLIC_CODE:
        text = path.read_text(encoding="utf-8").split("# --- Triage (staff)")[0]
        for call in re.findall(r'(?:gettext_lazy|\b_)\(\s*((?:"[^"]*"\s*)+)\)', text):
            found.add("".join(re.findall(r'"([^"]*)"', call)))
    return found


@pytest.mark.parametrize("language", portal_only_language_codes())
def test_every_public_string_is_translated(language: str) -> None:
    po = polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in po if e.msgstr}
    missing = sorted(public_msgids() - translated)
    assert missing == [], missing
    # Until a native speaker reviews them, every entry says so.
    assert all("awaiting review" in e.tcomment for e in po if e.msgstr)
