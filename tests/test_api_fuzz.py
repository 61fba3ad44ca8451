"""schemathesis against the OpenAPI schema: no generated input makes the API answer 5xx.

Every operation is called with generated bodies, parameters and ids, signed in as a
supervisor of an organisation with a case (and anonymously for the public evaluation).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

schema = schemathesis.openapi.from_dict(
    SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
)
schema.app = get_wsgi_application()
CSRF = "q" * 32


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """The WSGI handler closes database connections after each request; inside a test that
    would close the test's own transaction (Django's test client disconnects this too)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookie(client: Any, make_user: Any) -> dict[str, str]:
    from qorgan.accounts.roles import Role
    from qorgan.cases import services

    user = make_user(username="fuzz-supervisor", role=Role.SUPERVISOR, organisation="ORG01")
    services.open_case(organisation=user.organisation, by=user)
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, session_cookie: dict[str, str]) -> None:
    case.call_and_validate(
        cookies=session_cookie, headers={"X-CSRFToken": CSRF}, checks=[not_a_server_error]
    )
