"""``qorgan compiletranslations``: compile the .po catalogues to .mo in Python.

Django's ``compilemessages`` needs GNU gettext's msgfmt, which a fresh machine may lack;
polib does the same job in pure Python. Only catalogues that changed are rewritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogues(locale_dirs: list[Path]) -> list[Path]:
    written = []
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues([Path(p) for p in settings.LOCALE_PATHS])
        self.stdout.write(f"Compiled {len(written)} translation catalogue(s).")
