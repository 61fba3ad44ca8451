"""Fill msgstr in the project's kk/ru catalogues from a Python file of translations.

Usage: .venv/bin/python scripts/fill_translations.py FILE.py
FILE.py defines T = {msgid: (kk, ru)} and P = {msgid: ([kk forms], [ru forms])}.
Existing translations are kept unless FILE.py gives a new one; a msgid of T not yet in a
catalogue is added to it (so new strings can be translated before ``makemessages`` runs).
Each catalogue is read, changed and written under an exclusive lock, so that two people (or
two scripts) adding strings at the same time do not overwrite each other's.
"""

from __future__ import annotations

import fcntl
import runpy
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "qorgan" / "locale"
PLURALS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def main() -> int:
    data = runpy.run_path(sys.argv[1])
    singles, plurals = data.get("T", {}), data.get("P", {})
    missing = 0
    for index, language in enumerate(("kk", "ru")):
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        lock = open(path.with_suffix(".lock"), "w")  # noqa: SIM115 (held until saved)
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(path))
        known = {entry.msgid for entry in po}
        for msgid in singles:
            if msgid not in known:
                po.append(polib.POEntry(msgid=msgid, msgstr=""))
        po.metadata["Language"] = language
        po.metadata["Plural-Forms"] = PLURALS[language]
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        for entry in po:
            if entry.msgid_plural:
                if entry.msgid in plurals:
                    forms = plurals[entry.msgid][index]
                    entry.msgstr_plural = dict(enumerate(forms))
                if not all(entry.msgstr_plural.values()):
                    missing += 1
                    print(f"{language}: missing plural {entry.msgid!r}")
            else:
                if entry.msgid in singles:
                    entry.msgstr = singles[entry.msgid][index]
                if not entry.msgstr:
                    missing += 1
                    print(f"{language}: missing {entry.msgid!r}")
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
