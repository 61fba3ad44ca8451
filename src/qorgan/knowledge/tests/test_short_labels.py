"""Short labels for the screening form, kept beside the verbatim text, and the documents' titles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qorgan.knowledge.catalogue import (
    DATA_DIR,
    DOCUMENT_LANGUAGE,
    LANGUAGES,
    SHORT_LABEL_KINDS,
    SHORT_LABEL_MAX,
    CatalogueError,
    load_catalogue,
)
from qorgan.knowledge.models import CatalogueEntry, CatalogueGroup


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_every_screened_entry_and_group_has_a_short_label_in_three_languages(catalogue) -> None:  # type: ignore[no-untyped-def]
    screened = [e for e in catalogue.entries if e.kind in SHORT_LABEL_KINDS]
    assert len(screened) == 49 + 23 + 24
    groups = [g for g in catalogue.groups if g.kind in SHORT_LABEL_KINDS]
    for item in (*screened, *groups):
        assert item.short is not None, item.code
        for language in LANGUAGES:
            label = item.short.get(language)
            assert 0 < len(label) <= SHORT_LABEL_MAX, (item.code, language)
    for entry in screened:
        # A short label condenses the text: never longer than the verbatim text itself.
        assert len(entry.short.kk) <= len(entry.text.kk), entry.code
        assert entry.short.kk != entry.short.ru != entry.short.en, entry.code


def test_short_labels_are_distinct_within_a_group(catalogue) -> None:  # type: ignore[no-untyped-def]
    seen: dict[tuple[str, str, str], str] = {}
    for entry in catalogue.entries:
        if entry.kind not in SHORT_LABEL_KINDS:
            continue
        for language in LANGUAGES:
            key = (entry.kind, entry.group, entry.short.get(language))
            assert key not in seen, f"{entry.code} and {seen[key]} share {key}"
            seen[key] = entry.code


def test_kazakh_short_labels_condense_the_verbatim_kazakh(catalogue) -> None:  # type: ignore[no-untyped-def]
    """Faithful to the seed: most of a Kazakh label's word stems are in the verbatim text."""
    for entry in catalogue.entries:
        if entry.kind not in SHORT_LABEL_KINDS:
            continue
        text = entry.text.kk.casefold()
        words = [w.strip("(),.;:…") for w in entry.short.kk.casefold().split()]
        stems = [w[:4] for w in words if len(w) >= 4]
        found = sum(stem in text for stem in stems)
        assert found >= max(1, len(stems) * 0.6), (entry.code, entry.short.kk)


def test_a_missing_short_label_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "signs.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    del raw["entries"][4]["short"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"signs\.yaml entry S05: missing short label"):
        load_catalogue(data_dir)


def test_a_short_label_missing_a_language_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "places.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][0]["short"]["ru"] = ""
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"places\.yaml entry P01 short: missing ru text"):
        load_catalogue(data_dir)


def test_a_long_short_label_is_refused(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "risk_groups.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["entries"][0]["short"]["en"] = "word " * 30
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="longer than"):
        load_catalogue(data_dir)


def test_every_document_has_a_title(catalogue) -> None:  # type: ignore[no-untyped-def]
    assert {d.file for d in catalogue.documents} == set(DOCUMENT_LANGUAGE)
    sop = catalogue.document("002_6818977b591e9dac.txt")
    assert sop.number == "002"
    assert "стандартты операциялық рәсімдер" in sop.title.kk.casefold()
    assert sop.title.ru.startswith("Стандартные операционные процедуры")


def test_a_document_without_a_title_is_named(tmp_path: Path) -> None:
    data_dir = _copy_data(tmp_path)
    path = data_dir / "documents.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["documents"] = raw["documents"][:-1]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="no title for 004"):
        load_catalogue(data_dir)


@pytest.mark.django_db
def test_the_loader_stores_short_labels(reference_data: None) -> None:
    from django.utils import translation

    entry = CatalogueEntry.objects.get(code="S12")
    assert entry.short_kk == "Паспорты мен құжаттары үшінші адамдарда"
    assert entry.short_ru and entry.short_en
    with translation.override("ru"):
        assert entry.short == entry.short_ru
    group = CatalogueGroup.objects.get(kind__code="sign", code="border")
    assert (group.short_kk, group.short_ru) == ("Шекарадан өту кезінде", "При пересечении границы")
    # Other kinds have none: their full text stands in.
    hotline = CatalogueEntry.objects.filter(kind__code="hotline").first()
    assert hotline.short_kk == ""
    assert hotline.short == hotline.text
