"""Help organisations kept up to date here without a new catalogue version undoing it (issue 15 §2).

An administrator edits a crisis centre's phones in the admin as a person would (the change form,
a plain list of numbers); the portal's help page and the screening plan show them as numbers to
call; a bad number is refused with its own text in the error; then a new version of the
reference data changes the same organisation upstream: the local edit stays, the field both
sides changed is reported as a conflict, a field only upstream changed is applied; ``--dry-run``
writes nothing. Every edit is in the audit trail.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation

from qorgan.accounts.roles import Role
from qorgan.core.audit import verify_chain
from qorgan.core.models import AuditEvent
from qorgan.directory import reference as directory_reference
from qorgan.directory.models import Organisation, OrganisationSnapshot
from qorgan.knowledge import catalogue as catalogue_module
from qorgan.knowledge.models import CatalogueVersion

pytestmark = pytest.mark.django_db

CODE = "ORG01"  # Union of Crisis Centres of Kazakhstan, Almaty (001 L11)


@pytest.fixture
def admin_browser(make_user: Any) -> Client:
    admin = make_user(
        username="admin1",
        role=Role.ADMINISTRATOR,
        organisation="ORG02",
        is_staff=True,
        is_superuser=True,
    )
    browser = Client()
    browser.force_login(admin)
    return browser


def change_form_data(browser: Client, org: Organisation, language: str = "en") -> dict[str, Any]:
    """What the change form sends when a person presses Save without touching anything."""
    response = browser.get(f"/{language}/admin/directory/organisation/{org.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        else:
            data[name] = field.prepare_value(value) if name == "phones" else value
    data["_save"] = "Save"
    return data


def phones_on_the_help_page(client: Client) -> str:
    return client.get("/ru/help/", {"region": "KZ-75"}).content.decode()


def plan_for_almaty(browser: Client) -> str:
    response = browser.post(
        "/en/screening/new/plan/",
        {
            "age": "24",
            "sex": "female",
            "citizenship": "UZ",
            "country": "KZ",
            "region": "KZ-75",
            "signs": ["S12", "S17"],
            "accepts_help": "yes",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def new_version(tmp_path: Path, change: Any) -> tuple[Path, Path]:
    """A copy of the shipped reference data with a raised VERSION and ``change`` applied to
    the organisations file."""
    catalogue_dir = tmp_path / "knowledge"
    directory_dir = tmp_path / "directory"
    shutil.copytree(catalogue_module.DATA_DIR, catalogue_dir)
    shutil.copytree(directory_reference.DATA_DIR, directory_dir)
    (catalogue_dir / "VERSION").write_text("2099.01.1\n", encoding="utf-8")
    path = directory_dir / "organisations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change({o["code"]: o for o in data["organisations"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return catalogue_dir, directory_dir


def test_phones_edited_in_the_admin_survive_a_new_version(
    admin_browser: Client, client: Client, make_user: Any, tmp_path: Path
) -> None:
    org = Organisation.objects.get(code=CODE)
    assert 'href="tel:+77273764037"' in phones_on_the_help_page(client)

    # The change form shows the phones as lines of text, never JSON.
    page = admin_browser.get(f"/en/admin/directory/organisation/{org.pk}/change/").content
    assert b"+7 727 3764037" in page
    assert b"[{" not in page and b"&quot;tel&quot;" not in page

    # The administrator types a plain list: a new mobile number and the old one in the
    # national way (8 …). Both are kept, as numbers to call.
    data = change_form_data(admin_browser, org)
    data["phones"] = "+7 701 555 00 00\n8 (727) 376-40-37"
    response = admin_browser.post(f"/en/admin/directory/organisation/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert [p["tel"] for p in org.phones] == ["+77015550000", "+77273764037"]
    assert org.phones[1]["display"] == "+7 727 3764037"  # the seed's own text is kept
    assert org.edited_on is not None and org.edited_by.code == "ORG02"
    with translation.override("en"):
        assert "local: entered by Rodnik Social and Psychological Centre" in str(org.source_label)

    help_page = phones_on_the_help_page(client)
    assert 'href="tel:+77015550000"' in help_page
    assert 'href="tel:+77273764037"' in help_page
    worker = Client()
    worker.force_login(make_user(username="worker", organisation="ORG01"))
    plan = plan_for_almaty(worker)
    assert 'href="tel:+77015550000"' in plan
    assert 'href="tel:"' not in plan
    detail = worker.get(f"/ru/directory/organisations/{CODE}/").content.decode()
    assert "локально: внесено организацией Общественный фонд «Социально" in detail
    assert 'href="tel:+77015550000"' in detail

    # A number that cannot be dialled is refused, named in the error, in the user's language.
    data = change_form_data(admin_browser, org, "ru")
    data["phones"] = "+7 701 555 00 00\n555-12"
    response = admin_browser.post(f"/ru/admin/directory/organisation/{org.pk}/change/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "«555-12»" in body
    assert "Этот номер невозможно набрать" in body
    org.refresh_from_db()
    assert [p["tel"] for p in org.phones] == ["+77015550000", "+77273764037"]

    edits = AuditEvent.objects.filter(action="directory_edit", object_id=CODE)
    assert edits.count() == 1
    assert edits.get().fields == ["phones"]
    assert edits.get().actor_username == "admin1"

    # A new version changes the same organisation upstream: other phones (a conflict with
    # the local edit) and a new e-mail (changed only upstream: applied).
    def upstream(orgs: dict[str, Any]) -> None:
        orgs[CODE]["phones"] = [{"display": "+7 727 3000000", "tel": "+77273000000"}]
        orgs[CODE]["email"] = "union@crisis-centres.kz"

    catalogue_dir, directory_dir = new_version(tmp_path, upstream)
    dirs = ["--catalogue-dir", str(catalogue_dir), "--directory-dir", str(directory_dir)]

    out = StringIO()
    call_command("load_reference_data", "--dry-run", *dirs, stdout=out)
    assert f"CONFLICT organisation {CODE} phones" in out.getvalue()
    assert "Dry run" in out.getvalue()
    org.refresh_from_db()
    assert org.email == "soyuzkz@rambler.ru"  # nothing written
    assert CatalogueVersion.objects.get(is_live=True).version != "2099.01.1"
    assert OrganisationSnapshot.objects.get(code=CODE).version != "2099.01.1"

    out = StringIO()
    call_command("load_reference_data", *dirs, stdout=out)
    report = out.getvalue()
    assert f"CONFLICT organisation {CODE} phones" in report
    assert "+77273000000" in report and "+77015550000" in report
    assert "1 conflicts" in report
    org.refresh_from_db()
    assert [p["tel"] for p in org.phones] == ["+77015550000", "+77273764037"]  # kept
    assert org.email == "union@crisis-centres.kz"  # applied
    assert OrganisationSnapshot.objects.get(code=CODE).version == "2099.01.1"
    assert 'href="tel:+77015550000"' in phones_on_the_help_page(client)
    load = AuditEvent.objects.get(action="directory_load_update", object_id=CODE)
    assert load.fields == ["email"]
    assert AuditEvent.objects.filter(action="reference_data_load").exists()
    assert verify_chain().intact


def test_an_untouched_organisation_follows_upstream(tmp_path: Path) -> None:
    def upstream(orgs: dict[str, Any]) -> None:
        orgs["ORG03"]["phones"] = [{"display": "+7 7292 000000", "tel": "+77292000000"}]

    catalogue_dir, directory_dir = new_version(tmp_path, upstream)
    out = StringIO()
    call_command(
        "load_reference_data",
        "--catalogue-dir",
        str(catalogue_dir),
        "--directory-dir",
        str(directory_dir),
        stdout=out,
    )
    assert "0 conflicts" in out.getvalue().split("Directory:")[1]
    assert [p["tel"] for p in Organisation.objects.get(code="ORG03").phones] == ["+77292000000"]


def test_a_plain_json_list_stored_before_shows_as_numbers_and_bad_ones_are_not_shown(
    client: Client,
) -> None:
    """The story of the issue: phones saved as a plain list of strings (the old raw-JSON admin)
    gave empty tel: links. Stored strings that can be dialled show as numbers; others not."""
    stored = json.dumps(["+7 701 555 00 00", "call us"])
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE directory_organisation SET phones = %s{cast} WHERE code = %s",  # noqa: S608
            [stored, CODE],
        )
    org = Organisation.objects.get(code=CODE)
    assert [p["tel"] for p in org.phones] == ["+77015550000"]
    page = phones_on_the_help_page(client)
    assert 'href="tel:+77015550000"' in page
    assert 'href="tel:"' not in page
    assert "call us" not in page
