"""Users: the first administrator, sign-in, one-time passwords, argon2."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    """The code the phone app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_first_run_creates_an_administrator_with_a_printed_one_time_password() -> None:
    out = StringIO()
    call_command("ensure_first_admin", stdout=out)
    text = out.getvalue()
    password = text.split("one-time password:")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.ADMINISTRATOR
    assert admin.must_change_password
    assert admin.check_password(password)
    assert len(password) >= 16


def test_one_time_passwords_are_never_the_same() -> None:
    first = StringIO()
    call_command("ensure_first_admin", stdout=first)
    User.objects.all().delete()
    second = StringIO()
    call_command("ensure_first_admin", stdout=second)
    assert (
        first.getvalue().split("one-time password:")[1]
        != second.getvalue().split("one-time password:")[1]
    )


def test_second_run_creates_nobody() -> None:
    call_command("ensure_first_admin", stdout=StringIO())
    out = StringIO()
    call_command("ensure_first_admin", stdout=out)
    assert User.objects.count() == 1
    assert "one-time password" not in out.getvalue()


def test_argon2_is_the_password_hasher() -> None:
    from qorgan.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "PASSWORD_HASHERS", base.PASSWORD_HASHERS)
        from django.contrib.auth.hashers import get_hashers

        get_hashers.cache_clear()
        try:
            assert make_password("correct horse battery").startswith("argon2$")
        finally:
            get_hashers.cache_clear()


def test_sign_in_then_forced_password_change(client: Any, reference_data: None) -> None:
    call_command("ensure_first_admin", stdout=(out := StringIO()))
    password = out.getvalue().split("one-time password:")[1].split()[0]
    response = client.post("/kk/accounts/login/", {"username": "admin", "password": password})
    assert response.status_code == 302
    # The second factor comes first: set up the authenticator with its first code.
    assert client.get("/kk/catalogue/")["Location"] == "/kk/accounts/two-factor/"
    setup = client.get("/kk/accounts/two-factor/")
    assert "<svg" in setup.content.decode()  # the QR code
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    response = client.post("/kk/accounts/two-factor/", {"token": current_code(device)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    # Then the one-time password must be changed before anything else.
    response = client.get("/kk/catalogue/")
    assert response.status_code == 302
    assert response["Location"] == "/kk/accounts/password/"
    response = client.post(
        "/kk/accounts/password/",
        {
            "old_password": password,
            "new_password1": "Qorgan-new-Passw0rd-2026",
            "new_password2": "Qorgan-new-Passw0rd-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="admin").must_change_password is False
    assert client.get("/kk/catalogue/").status_code == 200


def test_wrong_password_gets_a_clear_message_in_kazakh(client: Any, make_user: Any) -> None:
    make_user(username="officer")
    response = client.post("/kk/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "Please enter a correct" not in body  # translated, not Django's English


def test_sign_out(staff_client: Any) -> None:
    response = staff_client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert staff_client.get("/en/catalogue/").status_code == 302


def test_users_belong_to_an_organisation_with_a_role(make_user: Any) -> None:
    user = make_user(username="caseworker", role=Role.CASE_MANAGER, organisation="ORG02")
    assert user.organisation.code == "ORG02"
    assert user.get_role_display() == "Case manager"


def test_every_page_needs_the_second_factor(client: Any, make_user: Any) -> None:
    from django.test import Client

    make_user(username="officer")
    plain = Client()
    plain.post("/en/accounts/login/", {"username": "officer", "password": "a-long-test-password"})
    assert plain.get("/en/cases/")["Location"] == "/en/accounts/two-factor/"
    assert plain.get("/api/v1/cases/").status_code == 403


def test_wrong_codes_and_a_backup_code(client: Any, make_user: Any) -> None:
    from django.test import Client

    from qorgan.accounts import two_factor

    user = make_user(username="officer")
    device = two_factor.pending_totp(user)
    confirmed = two_factor.confirm_totp(user, current_code(device))
    assert confirmed is not None
    plain = Client()
    plain.post("/en/accounts/login/", {"username": "officer", "password": "a-long-test-password"})
    wrong = plain.post("/en/accounts/two-factor/", {"token": "000000"})
    assert "This code is not right" in wrong.content.decode()
    backup = confirmed.backup_codes[0]
    assert plain.post("/en/accounts/two-factor/", {"token": backup}).status_code == 302
    assert plain.get("/en/cases/").status_code == 200
    # A backup code works once.
    assert two_factor.verify(user, backup) is None


def test_lock_out_after_five_failed_sign_ins(make_user: Any) -> None:
    from django.test import Client

    make_user(username="officer")
    client = Client()
    for _ in range(5):
        client.post("/en/accounts/login/", {"username": "officer", "password": "wrong"})
    locked = client.post(
        "/en/accounts/login/", {"username": "officer", "password": "a-long-test-password"}
    )
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()


def test_security_headers(client: Any, make_user: Any) -> None:
    public = client.get("/en/")
    assert "default-src 'self'" in public["Content-Security-Policy"]
    assert "script-src 'self'" in public["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
    assert "camera=()" in public["Permissions-Policy"]
    assert public["X-Content-Type-Options"] == "nosniff"
    client.force_login(make_user(username="officer"))
    assert client.get("/en/work/")["Cache-Control"] == "no-store"


def signed_in_with_second_factor(user: User) -> Any:
    """A browser signed in with password and second factor (a backup code: the phone's code was
    just used to confirm the device, and a TOTP code counts once)."""
    from django.test import Client

    from qorgan.accounts import two_factor

    confirmed = two_factor.confirm_totp(user, current_code(two_factor.pending_totp(user)))
    assert confirmed is not None
    browser = Client()
    browser.post(
        "/en/accounts/login/", {"username": user.username, "password": "a-long-test-password"}
    )
    response = browser.post("/en/accounts/two-factor/", {"token": confirmed.backup_codes[0]})
    assert response.status_code == 302
    return browser


def test_session_expiry_rolls_forward_without_a_write_on_every_request(
    make_user: Any, django_assert_max_num_queries: Any
) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qorgan.core.middleware import SessionRefreshMiddleware

    browser = signed_in_with_second_factor(make_user(username="officer"))
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    # A request right after another writes nothing: session, user with organisation, device.
    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:
        assert browser.get("/api/v1/me/").json()["organisation"] == "ORG01"
    assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries)
    # Once the last refresh is a minute old, the expiry moves to an hour from now.
    session = Session.objects.get(session_key=key)
    data = session.get_decoded() | {SessionRefreshMiddleware.KEY: 0}
    Session.objects.filter(session_key=key).update(
        session_data=Session.objects.encode(data), expire_date=timezone.now() + timedelta(seconds=5)
    )
    assert browser.get("/api/v1/me/").status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # A session left alone past its expiry is over.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert browser.get("/api/v1/me/").status_code == 403
    assert browser.get("/en/cases/")["Location"].startswith("/en/accounts/login/")


def test_signing_out_leaves_no_session_behind(make_user: Any) -> None:
    from django.contrib.sessions.models import Session

    browser = signed_in_with_second_factor(make_user(username="officer"))
    assert Session.objects.count() == 1
    browser.post("/en/accounts/logout/")
    assert Session.objects.count() == 0
    assert browser.get("/api/v1/me/").status_code == 403
    assert Session.objects.count() == 0
