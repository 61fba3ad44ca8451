"""The catalogue files against the seed: every bullet, the right line, the verbatim text."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from qorgan.knowledge.catalogue import (
    DATA_DIR,
    DOCUMENT_LANGUAGE,
    KIND_FILES,
    LANGUAGES,
    CatalogueError,
    load_catalogue,
    seed_line,
    stands_on_source_line,
)

SOP = "002_6818977b591e9dac.txt"

# The bullet lists of SPEC §3, as (kind, group, first line, last line) of 002.
BULLET_SECTIONS = [
    ("risk_group", "adults", 410, 425),
    ("risk_group", "minors", 431, 437),
    ("place", "exploitation", 447, 451),
    ("place", "detection", 455, 461),
    ("place", "detection_minors", 467, 470),
    ("place", "other_sources", 474, 481),
    ("sign", "general", 489, 498),
    ("sign", "general", 506, 520),
    ("sign", "minors", 528, 533),
    ("sign", "border", 537, 546),
    ("sign", "border", 552, 559),
]


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


def test_every_kind_file_is_loaded(catalogue) -> None:  # type: ignore[no-untyped-def]
    assert [kind.code for kind in catalogue.kinds] == [code for code, _ in KIND_FILES]
    assert {entry.kind for entry in catalogue.entries} == {code for code, _ in KIND_FILES}


def test_counts_of_signs_risk_groups_and_places(catalogue) -> None:  # type: ignore[no-untyped-def]
    counts = Counter(entry.kind for entry in catalogue.entries)
    assert counts["sign"] == 49
    assert counts["risk_group"] == 23
    assert counts["place"] == 24


@pytest.mark.parametrize(("kind", "group", "first", "last"), BULLET_SECTIONS)
def test_each_bullet_of_the_sop_is_one_entry_on_its_line(
    catalogue, kind, group, first, last
) -> None:  # type: ignore[no-untyped-def]
    bullet_lines = [n for n in range(first, last + 1) if seed_line(SOP, n).startswith("- ")]
    entries = [e for e in catalogue.entries if e.kind == kind and first <= e.source.line <= last]
    assert [e.source.line for e in entries] == bullet_lines
    assert {e.group for e in entries} == {group}
    assert all(e.source.document == SOP for e in entries)


def test_codes_follow_the_line_order() -> None:
    catalogue = load_catalogue()
    for kind, prefix, count in (("sign", "S", 49), ("risk_group", "R", 23), ("place", "P", 24)):
        entries = catalogue.of_kind(kind)
        assert [e.code for e in entries] == [f"{prefix}{n:02d}" for n in range(1, count + 1)]
        assert [e.source.line for e in entries] == sorted(e.source.line for e in entries)


def test_every_text_stands_verbatim_on_its_source_line(catalogue) -> None:  # type: ignore[no-untyped-def]
    misplaced = [
        f"{e.code} ({e.source.document} L{e.source.line})"
        for e in catalogue.entries
        if not stands_on_source_line(
            e.text.get(DOCUMENT_LANGUAGE[e.source.document]), e.source.document, e.source.line
        )
    ]
    assert misplaced == []


def test_every_entry_has_three_languages_and_unique_code(catalogue) -> None:  # type: ignore[no-untyped-def]
    codes = [e.code for e in catalogue.entries]
    assert len(codes) == len(set(codes))
    for entry in catalogue.entries:
        for language in LANGUAGES:
            assert entry.text.get(language).strip(), (entry.code, language)


def test_translations_differ_from_the_original(catalogue) -> None:  # type: ignore[no-untyped-def]
    """A copied Kazakh text in the Russian or English column is a missing translation."""
    untranslated = [
        e.code for e in catalogue.entries if e.text.ru == e.text.kk or e.text.en == e.text.kk
    ]
    numbers_only = {e.code for e in catalogue.entries if e.kind == "hotline"}
    assert set(untranslated) <= numbers_only


def test_the_check_rejects_text_that_is_not_on_the_line() -> None:
    assert stands_on_source_line("егде жастағы", SOP, 411)
    assert not stands_on_source_line("егде жастағы", SOP, 412)
    assert not stands_on_source_line("мүлдем басқа мәтін", SOP, 411)


def test_public_json_has_exactly_the_spec_keys(catalogue) -> None:  # type: ignore[no-untyped-def]
    data = catalogue.as_public_json("ru")
    assert data["version"] == catalogue.version
    first = data["entries"][0]
    assert set(first) == {"code", "kind", "group", "text", "source"}
    assert set(first["source"]) == {"document", "line"}
    r02 = next(e for e in data["entries"] if e["code"] == "R02")
    assert r02["text"] == catalogue.by_code()["R02"].text.ru
    with pytest.raises(CatalogueError, match="unknown language"):
        catalogue.as_public_json("de")


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_a_missing_translation_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "signs.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][2]["text"]["en"] = ""
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"signs\.yaml entry S03: missing en text"):
        load_catalogue(data_dir)


def test_a_repeated_code_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "signs.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][1]["code"] = "P01"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        CatalogueError, match=r"signs\.yaml entry P01: code already used in places\.yaml"
    ):
        load_catalogue(data_dir)


def test_a_line_past_the_end_of_the_document_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "risk_groups.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][0]["source"]["line"] = 99999
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="past the end"):
        load_catalogue(data_dir)


def test_broken_yaml_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    (data_dir / "hotlines.yaml").write_text("kind: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"hotlines\.yaml: not valid YAML"):
        load_catalogue(data_dir)


def test_a_malformed_version_is_refused(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    (data_dir / "VERSION").write_text("latest\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="VERSION must look like"):
        load_catalogue(data_dir)
