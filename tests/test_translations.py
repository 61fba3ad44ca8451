"""Every string a user of Qorgan sees exists in Kazakh and Russian."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import django
import polib
import pytest
import rest_framework
from django.core.management import call_command
from django.test import override_settings

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "qorgan"
LOCALE = PACKAGE / "locale"
VENDOR = PACKAGE / "locale_vendor"


def _missing(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_project_catalogue_is_complete(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 50
    assert _missing(po) == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_string_in_the_code_is_missing_from_the_catalogues(
    language: str, tmp_path: Path
) -> None:
    """Extract the strings again from a copy of the code: none may be new or untranslated."""
    if not shutil.which("xgettext"):
        pytest.fail(
            "GNU gettext (xgettext) is needed: scripts/install-system-packages.sh installs it"
        )
    copy = tmp_path / "qorgan"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "locale_vendor", "data")
    )
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command(
                "makemessages",
                locale=[language],
                ignore_patterns=["tests/*"],
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert _missing(extracted) == []


def _kk_sources() -> list[tuple[Path, Path | None]]:
    """(catalogue listing the msgids, Django's own kk catalogue or None) for each app a user sees."""
    django_dir = Path(django.__file__).parent
    drf_dir = Path(rest_framework.__file__).parent
    pairs: list[tuple[Path, Path | None]] = []
    for sub in (
        "conf",
        "contrib/admin",
        "contrib/auth",
        "contrib/contenttypes",
        "contrib/humanize",
    ):
        locale = django_dir / sub / "locale"
        kk = locale / "kk" / "LC_MESSAGES" / "django.po"
        # Django's kk catalogue lags behind its source: list the msgids from the English one.
        pairs.append((locale / "en" / "LC_MESSAGES" / "django.po", kk))
    # DRF ships compiled catalogues only; its English one lists every msgid.
    pairs.append((drf_dir / "locale" / "en" / "LC_MESSAGES" / "django.mo", None))
    return pairs


@pytest.mark.parametrize(
    ("listing", "own"),
    _kk_sources(),
    ids=lambda p: str(p).split("site-packages/")[-1] if p else "none",
)
def test_django_and_drf_strings_have_kazakh(listing: Path, own: Path | None) -> None:
    entries = polib.mofile(str(listing)) if listing.suffix == ".mo" else polib.pofile(str(listing))
    vendor = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(VENDOR / "kk" / "LC_MESSAGES" / "django.po"))
        if e.translated()
    }
    translated = vendor | (
        {(e.msgctxt, e.msgid) for e in polib.pofile(str(own)) if e.translated()} if own else set()
    )
    missing = [
        e.msgid
        for e in entries
        if e.msgid and not e.obsolete and (e.msgctxt, e.msgid) not in translated
    ]
    assert missing == []


def test_admin_javascript_strings_have_kazakh() -> None:
    own = Path(django.__file__).parent / "contrib/admin/locale/kk/LC_MESSAGES/djangojs.po"
    vendor = polib.pofile(str(VENDOR / "kk" / "LC_MESSAGES" / "djangojs.po"))
    translated = {(e.msgctxt, e.msgid) for e in vendor if e.translated()}
    translated |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(own)) if e.translated()}
    listing = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"
    missing = [
        e.msgid
        for e in polib.pofile(str(listing))
        if e.msgid and not e.obsolete and (e.msgctxt, e.msgid) not in translated
    ]
    assert missing == []
