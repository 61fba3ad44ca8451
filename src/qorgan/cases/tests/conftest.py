from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from qorgan.accounts.roles import Role
from qorgan.cases.services import open_case


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The services' messages are translated; the tests read them in English (the default
    language of an installation is Kazakh). A test may still activate another language."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    """Users of three organisations: ORG01 (owner), ORG02 (receiver), ORG03 (stranger)."""
    return {
        "worker": make_user(username="worker", role=Role.FRONTLINE_WORKER, organisation="ORG01"),
        "manager": make_user(username="manager", role=Role.CASE_MANAGER, organisation="ORG01"),
        "supervisor": make_user(username="supervisor", role=Role.SUPERVISOR, organisation="ORG01"),
        "receiver": make_user(username="receiver", role=Role.CASE_MANAGER, organisation="ORG02"),
        "receiver_worker": make_user(
            username="receiver-worker", role=Role.FRONTLINE_WORKER, organisation="ORG02"
        ),
        "stranger": make_user(username="stranger", role=Role.SUPERVISOR, organisation="ORG03"),
        "coordinator": make_user(
            username="coordinator", role=Role.COORDINATOR, organisation="ORG01"
        ),
        "administrator": make_user(
            username="administrator", role=Role.ADMINISTRATOR, organisation="ORG01"
        ),
    }


@pytest.fixture
def case(people: dict[str, Any]) -> Any:
    return open_case(organisation=people["worker"].organisation, by=people["worker"])
