"""The directory editor (issue 15 §2): a role an administrator gives, with a second person's
approval, to whoever keeps the directory and the catalogue's hotlines up to date. A directory
editor edits organisations and hotlines in the admin, and nothing else: no case, screening,
report, statistic, audit trail or user."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from qorgan.accounts import services
from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.accounts.roles import Role
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation, SubjectKind
from qorgan.knowledge.models import CatalogueEntry

pytestmark = pytest.mark.django_db

# Every rule of the staff's work, and who of the roles it allows (active, with an organisation).
EDIT_RULES = {"directory.edit", "catalogue.edit"}
WORK_RULES = {
    "screening.create",
    "report.triage",
    "stats.view",
    "audit.view",
    "prevention.record",
    "migration.record",
    "opendata.release",
    "cases.export",
    "htcds.export",
    "hotline.desk",
    "hotline.stats",
}


@pytest.fixture
def editor(make_user: Any) -> User:
    return make_user(username="editor", role=Role.DIRECTORY_EDITOR, organisation="ORG02")


@pytest.fixture
def editor_browser(editor: User) -> Client:
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.mark.parametrize("role", list(Role))
def test_who_edits_the_directory(make_user: Any, role: Role) -> None:
    """The role × action matrix: administrators and directory editors edit the directory; a
    directory editor is allowed nothing of the staff's other work."""
    user = make_user(username=f"u-{role}", role=role, organisation="ORG02")
    edits = {rule for rule in EDIT_RULES if allowed(rule, user)}
    assert edits == (EDIT_RULES if role in {Role.ADMINISTRATOR, Role.DIRECTORY_EDITOR} else set())
    if role == Role.DIRECTORY_EDITOR:
        assert {rule for rule in WORK_RULES if allowed(rule, user)} == set()
    user.is_active = False
    assert not any(allowed(rule, user) for rule in EDIT_RULES)


def test_the_role_has_a_label_in_three_languages() -> None:
    labels = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            labels[language] = str(Role.DIRECTORY_EDITOR.label)
    assert labels == {
        "kk": "Анықтамалық редакторы",
        "ru": "Редактор справочника",
        "en": "Directory editor",
    }


def test_a_directory_editor_enters_the_admin_and_sees_the_directory_only(
    editor_browser: Client,
) -> None:
    index = editor_browser.get("/en/admin/")
    assert index.status_code == 200
    apps = {
        app["app_label"]: {m["object_name"] for m in app["models"]}
        for app in index.context["app_list"]
    }
    assert apps == {
        "directory": {"Organisation", "OrganisationSnapshot", "Region", "SubjectKind"},
        "knowledge": {"CatalogueEntry"},
    }
    for path in (
        "/en/admin/accounts/user/",
        "/en/admin/accounts/userchangerequest/",
        "/en/admin/hotline/hotline/",  # who answers a hotline is access to persons' data
        "/en/admin/axes/accessattempt/",
        "/en/admin/knowledge/translation/",
    ):
        assert editor_browser.get(path).status_code == 403, path


def test_a_directory_editor_reads_no_case_data(editor_browser: Client) -> None:
    for path in (
        "/en/cases/",
        "/en/cases/referrals/",
        "/en/screening/",
        "/en/screening/new/",
        "/en/reports/",
        "/en/monitoring/",
        "/en/audit/",
        "/en/hotline/",
        "/en/hotline/statistics/",
    ):
        response = editor_browser.get(path)
        assert response.status_code in (403, 404), (path, response.status_code)
    home = editor_browser.get("/en/work/").content.decode()
    assert "/en/screening/new/" not in home  # no way in offered either
    assert 'href="/en/admin/"' in home


def _form_data(browser: Client, url: str) -> dict[str, Any]:
    """What the change form sends when a person presses Save without touching anything."""
    form = browser.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [field.prepare_value(v) for v in value]
        else:
            data[name] = "" if value is None else field.prepare_value(value)
    return data


def test_a_directory_editor_edits_an_organisations_phones(editor_browser: Client) -> None:
    org = Organisation.objects.get(code="ORG01")
    url = f"/en/admin/directory/organisation/{org.pk}/change/"
    data = _form_data(editor_browser, url)
    # Who reads anonymous reports is not the directory editor's to change.
    assert "triages_reports" not in data and "kind" not in data
    data["phones"] = "+7 701 555 00 00\n+7 727 3764037"
    saved = editor_browser.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    org.refresh_from_db()
    assert [p["tel"] for p in org.phones] == ["+77015550000", "+77273764037"]
    assert org.edited_by.code == "ORG02"
    event = AuditEvent.objects.filter(object_type="directory.Organisation").latest("seq")
    assert event.actor_username == "editor" and event.fields == ["phones"]
    page = editor_browser.get("/ru/directory/organisations/ORG01/").content.decode()
    assert 'href="tel:+77015550000"' in page


def test_a_directory_editor_cannot_let_an_organisation_read_reports(
    editor_browser: Client,
) -> None:
    org = Organisation.objects.get(code="ORG01")
    assert not org.triages_reports
    url = f"/en/admin/directory/organisation/{org.pk}/change/"
    data = _form_data(editor_browser, url)
    police = SubjectKind.objects.get(code="police")
    data.update(triages_reports="on", kind=str(police.pk))
    assert editor_browser.post(url, data).status_code == 302
    org.refresh_from_db()
    assert not org.triages_reports and org.kind.code != "police"


def test_a_directory_editor_edits_a_hotline(editor_browser: Client, client: Client) -> None:
    entry = CatalogueEntry.objects.get(code="mfa_duty_diplomat")
    url = f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/"
    data = _form_data(editor_browser, url)
    data.update(phones="+7 7172 72 05 19", reason="new duty number (letter of 12.11.2026)")
    assert editor_browser.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.phones == ["+77172720519"]
    assert 'href="tel:+77172720519"' in client.get("/ru/hotlines/").content.decode()


def test_the_role_is_given_with_a_second_administrators_approval(make_user: Any) -> None:
    """A directory editor changes the numbers every victim is given: the role waits for a
    second administrator (an organisation's supervisor cannot approve it)."""
    first = make_user(username="admin1", role=Role.ADMINISTRATOR, organisation="ORG02")
    second = make_user(username="admin2", role=Role.ADMINISTRATOR, organisation="ORG02")
    supervisor = make_user(username="boss", role=Role.SUPERVISOR, organisation="ORG02")
    user = User(username="newcomer", role=Role.DIRECTORY_EDITOR)
    user.organisation = Organisation.objects.get(code="ORG02")
    user.set_password("a-long-test-password")
    saved = services.save_from_admin(user, by=first, created=True)
    user.refresh_from_db()
    assert saved.request is not None and not user.is_active
    assert not services.may_decide(supervisor, saved.request)
    assert not services.may_decide(first, saved.request)
    services.decide(saved.request, by=second, approve=True)
    user.refresh_from_db()
    assert user.is_active and user.role == Role.DIRECTORY_EDITOR
    assert allowed("directory.edit", user)
