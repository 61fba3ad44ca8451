"""The language rights were explained in (issue 13 §5): one of Qorgan's six, or another named in
words; shown by its name in the reader's language; the free text stored before is mapped by the
migration."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from tests.test_no_raw_codes import visible_text

from qorgan.cases import services
from qorgan.cases.models import RightsExplanation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MIGRATION = importlib.import_module("qorgan.cases.migrations.0007_rights_explanation_language")


def record(people: dict[str, Any], case: Any, **kwargs: Any) -> RightsExplanation:
    return services.record_rights_explained(
        user=people["manager"],
        case=case,
        rights=["right_free_legal_aid"],
        explained_on=TODAY,
        **kwargs,
    )


def test_a_language_is_one_of_the_six_or_another_named(people: dict[str, Any], case: Any) -> None:
    assert record(people, case, language="uz").language == "uz"
    with pytest.raises(ValidationError) as refused:
        record(people, case, language="Uzbek")
    assert "language" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        record(people, case, language="other")
    assert "language_other" in refused.value.message_dict
    dari = record(people, case, language="other", language_other=" Dari ")
    assert (dari.language, dari.language_other) == ("other", "Dari")
    # The other language's name is free text: stored encrypted like the case's other text.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language, language_other FROM cases_rightsexplanation WHERE id = %s", [dari.pk]
        )
        language, stored = cursor.fetchone()
    assert language == "other" and "Dari" not in stored
    # A name given with one of the six is not kept.
    assert record(people, case, language="kk", language_other="Dari").language_other == ""


@pytest.mark.parametrize(
    ("language", "uzbek", "form_label"),
    [
        ("ru", "Узбекский", "Язык, на котором разъяснены права"),
        ("kk", "Өзбек тілі", "Құқықтар түсіндірілген тіл"),
    ],
)
def test_the_case_page_names_the_language(
    client: Any, people: dict[str, Any], case: Any, language: str, uzbek: str, form_label: str
) -> None:
    client.force_login(people["worker"])
    url = f"/{language}/cases/{case.pk}/"
    page = client.get(url).content.decode()
    assert form_label in page and '<option value="uz">' in page
    for chosen, other in (("uz", ""), ("other", "Дари")):
        response = client.post(
            f"{url}rights/",
            {
                "rights-rights": ["right_free_legal_aid"],
                "rights-explained_on": TODAY.strftime("%d.%m.%Y"),
                "rights-language": chosen,
                "rights-language_other": other,
            },
        )
        assert response.status_code == 302
    text = visible_text(client.get(url).content.decode())
    assert f", {uzbek} (" in text and ", Дари (" in text
    assert ", uz (" not in text and ", other (" not in text


def test_the_migration_maps_what_was_written(people: dict[str, Any], case: Any) -> None:
    written = {
        "kk": ("kk", ""),
        "Қазақ тілі": ("kk", ""),
        "на русском": ("ru", ""),
        "RU": ("ru", ""),
        "орыс": ("ru", ""),
        "English": ("en", ""),
        "узбекский язык": ("uz", ""),
        "кыргызский": ("ky", ""),
        "тоҷикӣ": ("tg", ""),
        "Tajik": ("tg", ""),
        "kk, ru": ("other", "kk, ru"),
        "Dari": ("other", "Dari"),
    }
    ids = {}
    for text in written:
        # As the free-text column held it before the migration (no choice was checked).
        ids[text] = RightsExplanation.objects.create(
            case=case, rights=[], explained_on=TODAY, language=text, explained_by=people["manager"]
        ).pk
    MIGRATION.forwards(apps, None)
    for text, expected in written.items():
        row = RightsExplanation.objects.get(pk=ids[text])
        assert (row.language, row.language_other) == expected, text
    MIGRATION.backwards(apps, None)
    assert RightsExplanation.objects.get(pk=ids["Dari"]).language == "Dari"
    assert RightsExplanation.objects.get(pk=ids["орыс"]).language == "ru"
