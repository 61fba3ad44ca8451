"""Administrators administer, they do not read (issue 16, finding 3).

Through the admin's own pages, as an administrator would use them: no second-factor secret on
any page; a change of access waits for a second person; a password set by an administrator is
changed at the first sign-in.
"""

from __future__ import annotations

import base64
from io import StringIO
from typing import Any

import pytest
from django import forms
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgan.accounts import two_factor
from qorgan.accounts.models import Decision, User, UserChangeRequest
from qorgan.accounts.roles import Role
from qorgan.accounts.tests.test_accounts import current_code
from qorgan.core.audit import verify_chain
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation

pytestmark = pytest.mark.django_db

PASSWORD = "An-admin-typed-Passw0rd-2026"


@pytest.fixture
def make_admin(make_user: Any) -> Any:
    def make(username: str = "admin1") -> User:
        return make_user(
            username=username,
            role=Role.ADMINISTRATOR,
            organisation="",
            is_staff=True,
            is_superuser=True,
        )

    return make


def as_user(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def with_authenticator(user: User) -> TOTPDevice:
    """The user set up their authenticator and backup codes as on their first sign-in."""
    confirmed = two_factor.confirm_totp(user, current_code(two_factor.pending_totp(user)))
    assert confirmed is not None
    return confirmed.device


def admin_form_data(response: Any) -> dict[str, Any]:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


def add_user(browser: Client, *, username: str, role: str, organisation: str) -> Any:
    return browser.post(
        "/en/admin/accounts/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation": Organisation.objects.get(code=organisation).pk if organisation else "",
            "role": role,
        },
    )


def sign_in(username: str, password: str) -> tuple[Client, Any]:
    browser = Client()
    response = browser.post("/en/accounts/login/", {"username": username, "password": password})
    return browser, response


def events(action: str, user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(user.pk)).order_by("seq"))


# --- Second-factor secrets -------------------------------------------------------------------


def test_no_admin_page_shows_a_second_factor_secret(make_user: Any, make_admin: Any) -> None:
    person = make_user(username="supervisor1", role=Role.SUPERVISOR)
    device = with_authenticator(person)
    backup = StaticDevice.objects.get(user=person)
    codes = list(StaticToken.objects.filter(device=backup).values_list("token", flat=True))
    assert len(codes) == 10
    b32 = base64.b32encode(device.bin_key).decode()
    secrets = {
        device.key.lower(),
        device.key.upper(),
        b32,
        b32.rstrip("="),
        b32.lower().rstrip("="),
        " ".join(b32.rstrip("=")[i : i + 4] for i in range(0, len(b32.rstrip("=")), 4)),
        device.config_url,
        *codes,
    }
    browser = as_user(make_admin())
    pages = []
    for language in ("en", "kk", "ru"):
        base = f"/{language}/admin/accounts"
        pages += [
            f"/{language}/admin/",
            f"{base}/authenticatordevice/",
            f"{base}/authenticatordevice/{device.pk}/change/",
            f"{base}/authenticatordevice/{device.pk}/history/",
            f"{base}/backupcodes/",
            f"{base}/backupcodes/{backup.pk}/change/",
            f"{base}/backupcodes/{backup.pk}/history/",
            f"{base}/user/{person.pk}/change/",
            f"{base}/user/{person.pk}/history/",
            f"{base}/user/?q=supervisor1",
        ]
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (url, "shows a second-factor secret")
    # The device list shows what an administrator needs: name, user, confirmed.
    listing = browser.get("/en/admin/accounts/authenticatordevice/").content.decode()
    assert "supervisor1" in listing and "authenticator" in listing
    # No way to add a device with a chosen key, to edit one, or to reach django-otp's pages.
    assert browser.get("/en/admin/accounts/authenticatordevice/add/").status_code == 403
    assert browser.get("/en/admin/otp_totp/totpdevice/").status_code == 404
    assert browser.get(f"/en/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert browser.get("/en/admin/otp_static/staticdevice/").status_code == 404
    view = browser.get(f"/en/admin/accounts/authenticatordevice/{device.pk}/change/")
    assert 'name="key"' not in view.content.decode()
    assert browser.post(
        f"/en/admin/accounts/authenticatordevice/{device.pk}/change/",
        {"key": "00" * 20, "name": "mine", "user": person.pk},
    ).status_code in (302, 403)
    device.refresh_from_db()
    assert device.name == "authenticator" and device.key != "00" * 20
    # The admin's labels are translated.
    kazakh = browser.get("/kk/admin/").content.decode()
    assert "Authenticator apps" not in kazakh and "Static devices" not in kazakh
    assert "Backup codes" not in browser.get("/ru/admin/").content.decode()


def test_reset_of_the_second_factor_is_audited_and_needs_approval_for_persons_data(
    make_user: Any, make_admin: Any
) -> None:
    coordinator = make_user(username="coordinator1", role=Role.COORDINATOR)
    supervisor = make_user(username="supervisor1", role=Role.SUPERVISOR)
    with_authenticator(coordinator)
    device = with_authenticator(supervisor)
    admin = make_admin()
    browser = as_user(admin)
    for user in (coordinator, supervisor):
        response = browser.post(
            "/en/admin/accounts/authenticatordevice/",
            {
                "action": "reset_second_factor",
                "_selected_action": [TOTPDevice.objects.get(user=user, confirmed=True).pk],
            },
        )
        assert response.status_code == 302
    # A coordinator reads no person's data: reset at once, audited.
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert [e.actor_username for e in events("second_factor_reset", coordinator)] == ["admin1"]
    # A supervisor's second factor stays until a second person approves.
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    change = UserChangeRequest.objects.get(user=supervisor, decision=Decision.PENDING)
    assert change.reset_second_factor and change.requested_by == admin
    requested = events("user_change_requested", supervisor)
    assert requested and requested[0].fields == ["second_factor"]
    second = make_admin("admin2")
    response = as_user(second).post(f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 200
    password = response.context["issued"][0].one_time_password
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    supervisor.refresh_from_db()
    assert supervisor.check_password(password) and supervisor.must_change_password
    assert events("user_change_approved", supervisor)[0].actor_username == "admin2"
    assert verify_chain().intact


# --- Changes of access need a second person ---------------------------------------------------


def test_a_supervisor_created_by_an_administrator_waits_for_a_second_administrator(
    make_user: Any, make_admin: Any
) -> None:
    admin = make_admin()
    browser = as_user(admin)
    response = add_user(
        browser, username="newsupervisor", role=Role.SUPERVISOR, organisation="ORG02"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="newsupervisor")
    assert created.role == Role.SUPERVISOR and created.organisation.code == "ORG02"
    assert not created.is_active  # not effective yet
    page = browser.get(response["Location"]).content.decode()
    assert "waits for approval" in page
    # Nobody can sign in to it yet, not even with the password the administrator typed.
    _, attempt = sign_in("newsupervisor", PASSWORD)
    assert attempt.status_code == 200 and not attempt.wsgi_request.user.is_authenticated
    change = UserChangeRequest.objects.get(user=created, decision=Decision.PENDING)
    assert change.kind == "create" and change.requested_by == admin
    requested = events("user_change_requested", created)
    assert len(requested) == 1
    assert requested[0].actor_username == "admin1"
    assert requested[0].detail["role"] == Role.SUPERVISOR
    assert requested[0].detail["organisation"] == "ORG02"
    assert "newsupervisor" not in str(requested[0].detail)

    # The requester cannot approve: not on the page, not in the admin.
    assert browser.get("/en/accounts/approvals/").context["waiting"] == []
    assert (
        browser.post(f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    browser.post(
        "/en/admin/accounts/userchangerequest/",
        {"action": "approve", "_selected_action": [change.pk]},
    )
    change.refresh_from_db()
    created.refresh_from_db()
    assert change.decision == Decision.PENDING and not created.is_active
    # Nor can the supervisor of another organisation.
    other = make_user(username="othersupervisor", role=Role.SUPERVISOR, organisation="ORG01")
    other_browser = as_user(other)
    assert other_browser.get("/en/accounts/approvals/").context["waiting"] == []
    assert (
        other_browser.post(
            f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"}
        ).status_code
        == 403
    )

    # A second administrator approves in the admin; the one-time password is shown to them.
    second = as_user(make_admin("admin2"))
    response = second.post(
        "/en/admin/accounts/userchangerequest/",
        {"action": "approve", "_selected_action": [change.pk]},
    )
    assert response.status_code == 200
    password = response.context["issued"][0].one_time_password
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    created.refresh_from_db()
    change.refresh_from_db()
    assert created.is_active and change.decision == Decision.APPROVED
    assert change.decided_by.username == "admin2"
    approved = events("user_change_approved", created)
    assert approved[0].actor_username == "admin2"
    assert approved[0].detail["requested_by"] == admin.pk
    assert password not in str(approved[0].detail)
    # The password the requesting administrator typed does not open the account.
    assert not created.check_password(PASSWORD)
    _, attempt = sign_in("newsupervisor", PASSWORD)
    assert not attempt.wsgi_request.user.is_authenticated
    # The person signs in with the one-time password, sets up the second factor, and is sent
    # to choose their own password before anything else.
    person, attempt = sign_in("newsupervisor", password)
    assert attempt.status_code == 302
    assert person.get("/en/cases/")["Location"] == "/en/accounts/two-factor/"
    person.get("/en/accounts/two-factor/")
    pending = TOTPDevice.objects.get(user=created, confirmed=False)
    assert (
        person.post("/en/accounts/two-factor/", {"token": current_code(pending)}).status_code == 200
    )
    assert person.get("/en/cases/")["Location"] == "/en/accounts/password/"
    assert verify_chain().intact


def test_the_supervisor_of_the_organisation_approves_on_the_approval_page(
    make_user: Any, make_admin: Any
) -> None:
    add_user(
        as_user(make_admin()), username="newworker", role=Role.CASE_MANAGER, organisation="ORG02"
    )
    created = User.objects.get(username="newworker")
    supervisor = make_user(username="supervisor2", role=Role.SUPERVISOR, organisation="ORG02")
    browser = as_user(supervisor)
    for language in ("kk", "ru", "en"):
        page = browser.get(f"/{language}/accounts/approvals/")
        assert page.status_code == 200
        assert "newworker" in page.content.decode()
    assert "newworker" not in browser.get("/en/work/").content.decode()  # only a count
    assert "/en/accounts/approvals/" in browser.get("/en/work/").content.decode()
    change = UserChangeRequest.objects.get(user=created)
    # Refusing needs a reason.
    browser.post(f"/en/accounts/approvals/{change.pk}/", {"decision": "refuse"})
    change.refresh_from_db()
    assert change.decision == Decision.PENDING
    response = browser.post(f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 200
    assert response.context["issued"][0].request.user == created
    created.refresh_from_db()
    assert created.is_active and created.must_change_password
    assert events("user_change_approved", created)[0].actor_username == "supervisor2"
    # Decided once only.
    again = browser.post(
        f"/en/accounts/approvals/{change.pk}/", {"decision": "refuse", "reason": "x"}
    )
    assert again.status_code == 302
    change.refresh_from_db()
    assert change.decision == Decision.APPROVED


def test_a_change_of_role_or_organisation_is_held_until_approved(
    make_user: Any, make_admin: Any
) -> None:
    worker = make_user(username="worker1", role=Role.FRONTLINE_WORKER, organisation="ORG01")
    admin = make_admin()
    browser = as_user(admin)
    url = f"/en/admin/accounts/user/{worker.pk}/change/"
    data = admin_form_data(browser.get(url))
    data["role"] = Role.SUPERVISOR
    data["organisation"] = Organisation.objects.get(code="ORG02").pk
    data["first_name"] = "Aigerim"
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    worker.refresh_from_db()
    assert worker.first_name == "Aigerim"  # not about access: saved
    changed = events("user_changed", worker)
    assert [e.fields for e in changed] == [["first_name"]] and "Aigerim" not in str(
        changed[0].detail
    )
    assert worker.role == Role.FRONTLINE_WORKER and worker.organisation.code == "ORG01"
    change = UserChangeRequest.objects.get(user=worker, decision=Decision.PENDING)
    assert change.role == Role.SUPERVISOR and change.organisation.code == "ORG02"
    requested = events("user_change_requested", worker)[0]
    assert requested.fields == ["organisation", "role"]
    assert "Aigerim" not in str(requested.detail)
    # The supervisor of the organisation the worker leaves does not decide; of the one they
    # join does. Here a second administrator refuses it.
    old_supervisor = make_user(username="sup1", role=Role.SUPERVISOR, organisation="ORG01")
    assert as_user(old_supervisor).get("/en/accounts/approvals/").context["waiting"] == []
    new_supervisor = make_user(username="sup2", role=Role.SUPERVISOR, organisation="ORG02")
    assert [
        c.pk for c in as_user(new_supervisor).get("/en/accounts/approvals/").context["waiting"]
    ] == [change.pk]
    as_user(make_admin("admin2")).post(
        f"/en/accounts/approvals/{change.pk}/", {"decision": "refuse", "reason": "not needed"}
    )
    worker.refresh_from_db()
    assert worker.role == Role.FRONTLINE_WORKER and worker.organisation.code == "ORG01"
    refused = events("user_change_refused", worker)[0]
    assert refused.actor_username == "admin2"
    # A role change that is approved applies; an active worker with a second factor keeps it
    # and gets no new password.
    device = with_authenticator(worker)
    data = admin_form_data(browser.get(url))
    data["role"] = Role.CASE_MANAGER
    browser.post(url, data)
    change = UserChangeRequest.objects.get(user=worker, decision=Decision.PENDING)
    response = as_user(make_admin("admin3")).post(
        f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.role == Role.CASE_MANAGER and worker.check_password("a-long-test-password")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_staff_status_and_an_administrator_role_only_other_administrators_approve(
    make_user: Any, make_admin: Any
) -> None:
    coordinator = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG02")
    browser = as_user(make_admin())
    url = f"/en/admin/accounts/user/{coordinator.pk}/change/"
    data = admin_form_data(browser.get(url))
    data.update(role=Role.ADMINISTRATOR, is_staff="on", is_superuser="on")
    browser.post(url, data)
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR
    assert not coordinator.is_staff and not coordinator.is_superuser
    change = UserChangeRequest.objects.get(user=coordinator)
    supervisor = make_user(username="sup2", role=Role.SUPERVISOR, organisation="ORG02")
    assert (
        as_user(supervisor)
        .post(f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"})
        .status_code
        == 403
    )
    # The user concerned cannot approve a change of their own account either.
    assert (
        as_user(coordinator)
        .post(f"/en/accounts/approvals/{change.pk}/", {"decision": "approve"})
        .status_code
        == 403
    )


def test_deactivation_applies_at_once_and_is_audited(make_user: Any, make_admin: Any) -> None:
    worker = make_user(username="worker1")
    browser = as_user(make_admin())
    url = f"/en/admin/accounts/user/{worker.pk}/change/"
    data = admin_form_data(browser.get(url))
    del data["is_active"]
    browser.post(url, data)
    worker.refresh_from_db()
    assert not worker.is_active
    assert events("user_access_revoked", worker)[0].detail == {"is_active": False}
    # Activating it again is a request.
    data = admin_form_data(browser.get(url))
    data["is_active"] = "on"
    browser.post(url, data)
    worker.refresh_from_db()
    assert not worker.is_active
    assert UserChangeRequest.objects.get(user=worker).is_active is True


# --- Passwords set by an administrator --------------------------------------------------------


def test_a_user_added_with_a_password_must_change_it_at_first_sign_in(make_admin: Any) -> None:
    browser = as_user(make_admin())
    response = add_user(
        browser, username="coordinator9", role=Role.COORDINATOR, organisation="ORG03"
    )
    assert response.status_code == 302
    user = User.objects.get(username="coordinator9")
    assert user.is_active and user.must_change_password  # reads no person's data: no approval
    assert events("user_created", user)[0].detail["role"] == Role.COORDINATOR
    person, attempt = sign_in("coordinator9", PASSWORD)
    assert attempt.status_code == 302
    person.get("/en/accounts/two-factor/")
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    person.post("/en/accounts/two-factor/", {"token": current_code(pending)})
    response = person.get("/en/monitoring/")
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/"


def test_a_password_reset_in_the_admin_must_be_changed_at_first_sign_in(
    make_user: Any, make_admin: Any
) -> None:
    manager = make_user(username="manager1", role=Role.CASE_MANAGER)
    device = with_authenticator(manager)
    browser = as_user(make_admin())
    form = browser.get(f"/en/admin/accounts/user/{manager.pk}/password/")
    assert form.status_code == 200
    response = browser.post(
        f"/en/admin/accounts/user/{manager.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD) and manager.must_change_password
    assert events("user_password_set_by_admin", manager)[0].actor_username == "admin1"
    # The person still needs their own second factor; then the new password must be changed.
    person, _ = sign_in("manager1", PASSWORD)
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    person.post("/en/accounts/two-factor/", {"token": current_code(device)})
    response = person.get("/en/cases/")
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/"


def test_no_password_for_an_account_without_a_second_factor(
    make_user: Any, make_admin: Any
) -> None:
    """Whoever types it could sign in first and set up the second factor themselves."""
    supervisor = make_user(username="supervisor1", role=Role.SUPERVISOR)
    browser = as_user(make_admin())
    response = browser.post(
        f"/en/admin/accounts/user/{supervisor.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert not supervisor.check_password(PASSWORD)
    assert not events("user_password_set_by_admin", supervisor)


# --- The first administrator, and the console ------------------------------------------------


def test_first_administrator_and_console_approval_are_audited_as_console_actions(
    reference_data: None,
) -> None:
    call_command("ensure_first_admin", stdout=StringIO())
    admin = User.objects.get(username="admin")
    first = AuditEvent.objects.get(action="first_administrator_created")
    assert first.actor_username == "" and first.route == "console:ensure_first_admin"
    assert first.object_id == str(admin.pk)
    # Alone, the first administrator asks for a supervisor: nobody on the web can approve it.
    admin.must_change_password = False  # they chose their own at the first sign-in
    admin.save()
    browser = as_user(admin)
    add_user(browser, username="firstsupervisor", role=Role.SUPERVISOR, organisation="ORG01")
    change = UserChangeRequest.objects.get(user__username="firstsupervisor")
    assert browser.get("/en/accounts/approvals/").context["waiting"] == []
    out = StringIO()
    call_command("approve_user_change", stdout=out)
    assert f"{change.pk}\tfirstsupervisor\tcreate" in out.getvalue()
    out = StringIO()
    call_command("approve_user_change", str(change.pk), stdout=out)
    password = out.getvalue().split("One-time password for firstsupervisor: ")[1].split()[0]
    user = User.objects.get(username="firstsupervisor")
    assert user.is_active and user.check_password(password)
    approved = AuditEvent.objects.get(action="user_change_approved")
    assert approved.route == "console:approve_user_change" and approved.detail["by"] == "console"
    assert verify_chain().intact


def test_deleting_a_user_in_the_admin_is_audited(make_user: Any, make_admin: Any) -> None:
    coordinator = make_user(username="coord", role=Role.COORDINATOR)
    pk = coordinator.pk
    response = as_user(make_admin()).post(f"/en/admin/accounts/user/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    deleted = AuditEvent.objects.get(action="user_deleted")
    assert deleted.object_id == str(pk) and deleted.actor_username == "admin1"


def test_the_approval_pages_are_valid_html(make_user: Any, make_admin: Any, tmp_path: Any) -> None:
    """vnu (the W3C's checker, as in tests/test_html_valid.py) on the approval list, the
    one-time password page and the work page with its link, in Kazakh and Russian."""
    import json
    import subprocess

    from tests.test_html_valid import VNU

    add_user(
        as_user(make_admin()), username="newworker", role=Role.CASE_MANAGER, organisation="ORG02"
    )
    add_user(
        as_user(make_admin("admin2")),
        username="newworker2",
        role=Role.CASE_MANAGER,
        organisation="ORG02",
    )
    supervisor = as_user(make_user(username="sup2", role=Role.SUPERVISOR, organisation="ORG02"))
    pages = {}
    for language in ("kk", "ru"):
        pages[f"{language}_approvals"] = supervisor.get(f"/{language}/accounts/approvals/")
        pages[f"{language}_work"] = supervisor.get(f"/{language}/work/")
        change = UserChangeRequest.objects.filter(decision=Decision.PENDING).first()
        pages[f"{language}_done"] = supervisor.post(
            f"/{language}/accounts/approvals/{change.pk}/", {"decision": "approve"}
        )
    for name, response in pages.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_text(response.content.decode())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]
    assert errors == [], errors
