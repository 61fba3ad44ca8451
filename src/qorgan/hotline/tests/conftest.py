from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from qorgan.accounts.roles import Role


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def police_unit(code: str = "POLICE-AST", region: str = "KZ-71") -> Any:
    from qorgan.directory.models import Organisation, Region, SubjectKind

    unit, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "kind": SubjectKind.objects.get(code="police"),
            "name_kk": "Астана қаласы Полиция департаменті",
            "name_ru": "Департамент полиции города Астаны",
            "name_en": "Astana City Police Department",
            "region": Region.objects.get(code=region),
        },
    )
    return unit


@pytest.fixture
def desk(make_user: Any) -> dict[str, Any]:
    """The «Қорғау» fund's line (ORG07, Astana, 1409 in 001 L17) with an operator and a
    supervisor; a police officer of Astana; a worker of another NGO."""
    from qorgan.hotline.models import Hotline

    operator = make_user(username="operator", role=Role.FRONTLINE_WORKER, organisation="ORG07")
    supervisor = make_user(username="hl-supervisor", role=Role.SUPERVISOR, organisation="ORG07")
    colleague = make_user(username="colleague", role=Role.FRONTLINE_WORKER, organisation="ORG07")
    unit = police_unit()
    officer = make_user(username="officer", role=Role.FRONTLINE_WORKER, organisation=unit.code)
    stranger = make_user(username="stranger", role=Role.SUPERVISOR, organisation="ORG01")
    coordinator = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    from qorgan.directory.models import Organisation

    hotline = Hotline.objects.create(
        code="korgau", organisation=Organisation.objects.get(code="ORG07"), supervisor=supervisor
    )
    hotline.operators.add(operator)
    return {
        "hotline": hotline,
        "operator": operator,
        "supervisor": supervisor,
        "colleague": colleague,
        "police": unit,
        "officer": officer,
        "stranger": stranger,
        "coordinator": coordinator,
    }


CRISIS = {
    "channel": "phone",
    "language": "ru",
    "contact_type": "crisis",
    "caller_relation": "relative",
    "region": "KZ-71",
    "account": "Сестру держат в квартире, отобрали паспорт",
    "signs": ["S02", "S12"],
}
