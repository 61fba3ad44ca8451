"""``qorgan catalog`` and ``qorgan load_reference_data`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qorgan.knowledge.catalogue import load_catalogue
from qorgan.knowledge.models import CatalogueEntry, CatalogueVersion

REPO = Path(__file__).resolve().parents[4]


def test_catalog_command_prints_the_catalogue_in_the_chosen_language() -> None:
    out = StringIO()
    call_command("catalog", "--lang", "en", stdout=out)
    data = json.loads(out.getvalue())
    catalogue = load_catalogue()
    assert data["version"] == catalogue.version
    assert len(data["entries"]) == len(catalogue.entries)
    s01 = next(e for e in data["entries"] if e["code"] == "S01")
    assert s01 == {
        "code": "S01",
        "kind": "sign",
        "group": "general",
        "text": catalogue.by_code()["S01"].text.en,
        "source": {"document": "002_6818977b591e9dac.txt", "line": 489},
    }


def test_catalog_defaults_to_kazakh() -> None:
    out = StringIO()
    call_command("catalog", stdout=out)
    r02 = next(e for e in json.loads(out.getvalue())["entries"] if e["code"] == "R02")
    assert r02["text"] == "егде жастағы"


def test_catalog_refuses_an_unknown_language() -> None:
    with pytest.raises(CommandError, match="--lang: unknown language 'de'"):
        call_command("catalog", "--lang", "de")


def test_console_script_prints_json() -> None:
    """The installed ``qorgan`` command, as a person types it."""
    qorgan = Path(sys.executable).with_name("qorgan")
    result = subprocess.run(
        [str(qorgan), "catalog", "--lang", "ru"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "qorgan.settings.test"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {e["kind"] for e in data["entries"]} >= {"sign", "risk_group", "place", "hotline"}


@pytest.mark.django_db
def test_loading_again_changes_nothing(reference_data: None) -> None:
    before = CatalogueEntry.objects.count()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "already live" in out.getvalue()
    assert CatalogueEntry.objects.count() == before == len(load_catalogue().entries)
    assert CatalogueVersion.objects.filter(is_live=True).count() == 1


@pytest.mark.django_db
def test_a_new_version_updates_and_retires_never_duplicates(
    reference_data: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import yaml

    from qorgan.knowledge import catalogue as catalogue_module

    data_dir = tmp_path / "data"
    shutil.copytree(catalogue_module.DATA_DIR, data_dir)
    (data_dir / "VERSION").write_text("2099.01.1\n", encoding="utf-8")
    signs = yaml.safe_load((data_dir / "signs.yaml").read_text(encoding="utf-8"))
    signs["entries"][0]["text"]["en"] = "A corrected English text"
    del signs["entries"][-1]  # S49 leaves the catalogue
    (data_dir / "signs.yaml").write_text(
        yaml.safe_dump(signs, allow_unicode=True), encoding="utf-8"
    )
    monkeypatch.setattr(catalogue_module, "DATA_DIR", data_dir)
    monkeypatch.setattr(
        "qorgan.directory.management.commands.load_reference_data.load_catalogue",
        lambda: catalogue_module.load_catalogue(data_dir),
    )
    count_before = CatalogueEntry.objects.count()

    call_command("load_reference_data", stdout=StringIO())

    assert CatalogueEntry.objects.count() == count_before
    assert CatalogueEntry.objects.get(code="S01").text_en == "A corrected English text"
    assert CatalogueEntry.objects.get(code="S49").retired is True
    live = CatalogueVersion.objects.get(is_live=True)
    assert live.version == "2099.01.1"
    assert CatalogueVersion.objects.count() == 2


@pytest.mark.django_db
def test_changed_files_under_the_same_version_are_refused(
    reference_data: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from qorgan.knowledge import catalogue as catalogue_module

    data_dir = tmp_path / "data"
    shutil.copytree(catalogue_module.DATA_DIR, data_dir)
    path = data_dir / "hotlines.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setattr(
        "qorgan.directory.management.commands.load_reference_data.load_catalogue",
        lambda: catalogue_module.load_catalogue(data_dir),
    )
    with pytest.raises(CommandError, match="VERSION is still"):
        call_command("load_reference_data", stdout=StringIO())
    assert CatalogueVersion.objects.filter(is_live=True).count() == 1
