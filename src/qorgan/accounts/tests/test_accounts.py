"""Users: the first administrator, sign-in, one-time passwords, argon2."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role

pytestmark = pytest.mark.django_db


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
    # Any page sends the user to the password change first.
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
