"""The professionals' signs and the help organisations' names in Uzbek, Kyrgyz and Tajik:
shipped translations, marked until reviewed, loaded with the reference data's version."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from qorgan.knowledge import catalogue as catalogue_module
from qorgan.knowledge import translations
from qorgan.knowledge.models import CatalogueEntry, Translation, TranslationStatus

pytestmark = pytest.mark.django_db

LANGUAGES = ("uz", "ky", "tg")


def shipped(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def marks(language: str) -> tuple[str, str]:
    """The portal's "awaiting review" and "in Russian" marks in ``language``."""
    with translation.override(language):
        return (
            translation.gettext("awaiting review"),
            translation.gettext("not translated yet, in Russian"),
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_professional_signs_are_in_the_page_language(
    client: Client, reference_data: None, language: str
) -> None:
    texts = shipped(translations.SHIPPED)["entries"]
    signs = list(CatalogueEntry.objects.filter(kind__code="sign", retired=False))
    assert len(signs) == 49
    body = client.get(f"/{language}/signs/").content.decode()
    awaiting, in_russian = marks(language)
    for sign in signs:
        text = " ".join(texts[sign.code]["text"][language].split())
        assert text in body, sign.code
        assert sign.text_ru not in body, sign.code  # no Russian fallback left
    assert in_russian not in body and '<span lang="ru">' not in body
    # 11 leaflet signs, 3 group titles and 49 SOP signs, each marked until reviewed.
    assert body.count(f'<small class="review">{awaiting}</small>') == 11 + 3 + 49


def test_a_reviewed_sign_loses_its_mark(
    client: Client, make_user: Any, reference_data: None
) -> None:
    reviewer = make_user(username="reviewer", organisation="ORG01")
    row = Translation.objects.get(object_type="entry", code="S38", language="ky")
    awaiting, _in_russian = marks("ky")

    def s38() -> str:
        body = client.get("/ky/signs/").content.decode()
        start = body.index(row.text)
        return body[start : body.index("</li>", start)]

    assert awaiting in s38()
    translations.review(user=reviewer, translation=row, text="коркуунун белгилери")
    assert s38() == "коркуунун белгилери"


@pytest.mark.parametrize(
    ("language", "region", "city"),
    [("uz", "Olmaota", "Olmaota"), ("ky", "Алматы", "Алматы"), ("tg", "Алмаато", "Алмаато")],
)
def test_help_organisations_of_a_region_in_the_page_language(
    client: Client, reference_data: None, language: str, region: str, city: str
) -> None:
    names = shipped(translations.SHIPPED_DIRECTORY)
    body = client.get(f"/{language}/help/?region=KZ-75").content.decode()
    awaiting, in_russian = marks(language)
    assert f'<option value="KZ-75" selected>{region}</option>' in body
    # Every other region in the list is in the page's language too.
    for code, fields in names["regions"].items():
        assert f'<option value="{code}"' in body
        assert f">{fields['name'][language]}</option>" in body, code
    # The organisations serving Almaty: their names (marked) and city in the page's language.
    for code in ("ORG01", "ORG02", "ORG17"):
        name = names["organisations"][code]["name"][language]
        assert f'{name} <small class="review">{awaiting}</small>' in body, code
    assert f"<p>{city} · {region}</p>" in body
    assert "Алматинская" not in body and "Союз кризисных центров" not in body
    assert in_russian not in body
    # The information card of the region names it in the page's language.
    card = client.get(f"/{language}/card/?region=KZ-75").content.decode()
    assert region in card and names["organisations"]["ORG01"]["name"][language] in card


def test_a_city_typed_in_the_page_language_finds_its_organisations(
    client: Client, reference_data: None
) -> None:
    uz = client.get("/uz/help/?city=Oʻskemen").content.decode()
    assert "«Feniks» reabilitatsiya va moslashuv markazi" in uz
    assert "Damigʻtu" not in uz  # only that city's organisations (ORG14 is in Qostanay)
    tg = client.get("/tg/help/?city=Остона").content.decode()
    assert tg.count("<li><h2>") == 3  # ORG07, ORG19, ORG20 in Astana
    # The Kazakh or Russian name still finds them.
    assert client.get("/tg/help/?city=Астана").content.decode().count("<li><h2>") == 3


def test_changed_translations_need_a_new_version_and_keep_reviewed_rows(
    reference_data: None, make_user: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviewer = make_user(username="reviewer", organisation="ORG01")
    reviewed = Translation.objects.get(object_type="region", code="KZ-33", language="uz")
    translations.review(user=reviewer, translation=reviewed, text="Yettisuv viloyati")
    # The next release changes two shipped names.
    path = tmp_path / "directory.yaml"
    shutil.copy(translations.SHIPPED_DIRECTORY, path)
    data = shipped(path)
    data["regions"]["KZ-33"]["name"]["uz"] = "Jetisu viloyati (yangi)"
    data["organisations"]["ORG05"]["name"]["uz"] = "«Malika» inqiroz markazi (yangi)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(translations, "SHIPPED_DIRECTORY", path)

    with pytest.raises(CommandError, match="raise the version"):
        call_command("load_reference_data", verbosity=0)

    catalogue_dir = tmp_path / "knowledge"
    shutil.copytree(catalogue_module.DATA_DIR, catalogue_dir)
    (catalogue_dir / "VERSION").write_text("2099.01.1\n", encoding="utf-8")
    call_command("load_reference_data", "--dry-run", "--catalogue-dir", catalogue_dir, verbosity=0)
    machine = Translation.objects.get(
        object_type="organisation", code="ORG05", field="name", language="uz"
    )
    assert machine.text == "«Malika» inqiroz markazi"  # a dry run writes nothing

    call_command("load_reference_data", "--catalogue-dir", catalogue_dir, verbosity=0)
    machine.refresh_from_db()
    reviewed.refresh_from_db()
    assert machine.text == "«Malika» inqiroz markazi (yangi)"
    assert machine.status == TranslationStatus.MACHINE
    assert reviewed.text == "Yettisuv viloyati"  # a reviewer's correction is never overwritten
    assert reviewed.status == TranslationStatus.REVIEWED


def test_region_and_organisation_names_await_review_beside_kazakh_and_russian(
    reference_data: None,
) -> None:
    with translation.override("ru"):
        items = {
            (i.translation.object_type, i.translation.code, i.translation.field): i
            for i in translations.review_items("tg")
        }
    region = items[("region", "KZ-75", "name")]
    assert (region.translation.text, region.kk, region.ru) == ("Алмаато", "Алматы", "Алматы")
    org = items[("organisation", "ORG15", "city")]
    assert (org.translation.text, org.kk, org.ru) == ("Ӯскемен", "Өскемен", "Усть-Каменогорск")
    # The review page says what each text is, in the reviewer's language.
    assert (region.what, org.what) == ("Регион", "Город")
    assert items[("organisation", "ORG15", "name")].what == "Организация"
    po = translations.export_po("tg")
    assert 'msgctxt "organisation:ORG01:name"' in po and "#. kk: «Қазақстанның" in po
