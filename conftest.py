"""Shared fixtures: reference data loaded once per test database, users, the browser."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class _OneRequestAtATime(ThreadedWSGIServer):
    """The browser tests' server, when it shares the test's connection (SQLite in memory).

    A shared connection serves one request at a time: two at once (the browser sends the
    plan's htmx request and the form together) would interleave their savepoints on it
    ("no such savepoint"). A server with its own connections (PostgreSQL) stays threaded."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, connections_override=connections_override, **kwargs)
        self._serial = threading.Lock() if connections_override else None

    def set_app(self, application: Any) -> None:
        lock = self._serial
        if lock is None:
            super().set_app(application)
            return

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)  # the body is read before the next request starts
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def _verified_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login`` as after a full sign-in: password and second factor (TOTP).

    Qorgan requires two-factor sign-in for every staff user; tests that are not about the
    sign-in itself start from a completed one. The sign-in is tested on its own.
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        original(self, user, backend or "qorgan.accounts.backends.ModelBackend")
        device = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).first() or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Every test database starts with the live reference data, as a real installation does."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db: Any) -> None:
    """The live reference data. Loaded once per test database; loaded again after a
    transactional test (a browser test) has flushed the tables."""
    from qorgan.knowledge.models import CatalogueVersion

    if not CatalogueVersion.objects.filter(is_live=True).exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def make_user(reference_data: None) -> Any:
    from qorgan.accounts.models import User
    from qorgan.accounts.roles import Role
    from qorgan.directory.models import Organisation

    def make(
        username: str = "worker",
        role: str = Role.FRONTLINE_WORKER,
        organisation: str = "ORG01",
        **extra: Any,
    ) -> User:
        org = Organisation.objects.get(code=organisation) if organisation else None
        user = User.objects.create_user(
            username=username, password="a-long-test-password", role=role, organisation=org, **extra
        )
        return user

    return make


@pytest.fixture
def staff_client(client: Any, make_user: Any) -> Any:
    user = make_user()
    client.force_login(user)
    return client


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright
    from tests.conftest_browser import launch

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
