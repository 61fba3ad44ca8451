"""The directory files against SPEC §2 and the seeds."""

from __future__ import annotations

import pytest

from qorgan.directory.reference import DIRECTION_CODES, SUBJECT_KIND_CODES, load_directory
from qorgan.knowledge.catalogue import normalize_seed_text, seed_line


@pytest.fixture(scope="module")
def directory():  # type: ignore[no-untyped-def]
    return load_directory()


def test_the_fourteen_subject_kinds_of_spec(directory) -> None:  # type: ignore[no-untyped-def]
    assert tuple(kind.code for kind in directory.kinds) == SUBJECT_KIND_CODES
    assert len(SUBJECT_KIND_CODES) == 14
    assert tuple(d.code for d in directory.directions) == DIRECTION_CODES


def test_every_duty_is_quoted_from_its_line(directory) -> None:  # type: ignore[no-untyped-def]
    for kind in directory.kinds:
        for duty in kind.duties:
            line = normalize_seed_text(seed_line(duty.source.document, duty.source.line))
            assert normalize_seed_text(duty.text.kk) in line, (kind.code, duty.source.line)


def test_duty_matrix_lines_lie_in_the_sop_tables(directory) -> None:  # type: ignore[no-untyped-def]
    for kind in directory.kinds:
        if kind.code == "international_organization":
            continue
        assert kind.duties, kind.code
        assert all(595 <= duty.source.line <= 905 for duty in kind.duties), kind.code


def test_seventeen_regions_and_three_cities(directory) -> None:  # type: ignore[no-untyped-def]
    kinds = [r.kind for r in directory.regions]
    assert kinds.count("region") == 17
    assert kinds.count("city") == 3
    assert {r.code for r in directory.regions if r.kind == "city"} == {"KZ-71", "KZ-75", "KZ-79"}


def test_legacy_region_codes_resolve_to_current_ones(directory) -> None:  # type: ignore[no-untyped-def]
    codes = directory.region_codes()
    assert codes["KZ-ALA"] == "KZ-75"
    assert codes["KZ-AST"] == "KZ-71"
    assert codes["KZ-10"] == "KZ-10"


def test_twenty_help_organisations_as_in_the_seed(directory) -> None:  # type: ignore[no-untyped-def]
    orgs = directory.organisations
    assert len(orgs) == 20
    assert [o.code for o in orgs] == [f"ORG{n:02d}" for n in range(1, 21)]
    for org in orgs:
        line = seed_line(org.source.document, org.source.line)
        for phone in org.phones:
            assert phone.display in line, (org.code, phone.display)
        if org.email:
            assert org.email in line, org.code


def test_nur_sultan_is_astana(directory) -> None:  # type: ignore[no-untyped-def]
    nur_sultan = [
        o
        for o in directory.organisations
        if "Нұр-Сұлтан" in seed_line(o.source.document, o.source.line)
    ]
    assert nur_sultan
    assert {o.region for o in nur_sultan} == {"KZ-71"}
    assert all(o.city.en == "Astana" for o in nur_sultan)


def test_russian_region_names_are_russian(directory) -> None:  # type: ignore[no-untyped-def]
    """Issue 15 §3: "область Абай/Жетісу/Ұлытау" read as Kazakh words in a Russian sentence."""
    kazakh_letters = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
    for region in directory.regions:
        assert not kazakh_letters & set(region.name.ru), region.name.ru
        assert not kazakh_letters & set(region.centre.ru), region.centre.ru
        if region.kind == "region":
            assert region.name.ru.endswith(" область"), region.name.ru
    names = {r.code: r.name.ru for r in directory.regions}
    assert names["KZ-10"] == "Абайская область"
    assert names["KZ-33"] == "Жетысуская область"
    assert names["KZ-62"] == "Улытауская область"
