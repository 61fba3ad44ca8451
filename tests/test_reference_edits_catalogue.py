"""Hotlines and catalogue texts kept up to date here without a new version undoing it (issue 15 §2).

An administrator edits the Foreign Ministry's duty diplomat hotline in the admin as a person
would (its phones as a plain list of numbers, its Russian wording, a reason): the portal and the
screening plan show the new number to call, the seed's verbatim text stays beside it, the change
is a new version with who/when/why and is audited. A number that cannot be dialled is refused.
Then a new version of the reference data changes the same hotline upstream: the local edit
stays, the field both sides changed is reported as a conflict, a field only upstream changed is
applied; ``--dry-run`` writes nothing. A local hotline (no seed line) is added and kept.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from qorgan.accounts.roles import Role
from qorgan.core.audit import verify_chain
from qorgan.core.models import AuditEvent
from qorgan.knowledge import catalogue as catalogue_module
from qorgan.knowledge.models import CatalogueEntry, CatalogueVersion, EntryRevision

pytestmark = pytest.mark.django_db

CODE = "mfa_duty_diplomat"  # 004 L48-49, phone +77172720111
NEW_RU = "Дежурный дипломат МИД РК: звоните круглосуточно"


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


def change_form_data(browser: Client, entry: CatalogueEntry) -> dict[str, Any]:
    """What the change form sends when a person presses Save without touching anything."""
    response = browser.get(f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else field.prepare_value(value)
    data["_save"] = "Save"
    return data


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


def new_version(tmp_path: Path, change: Any) -> Path:
    """A copy of the shipped catalogue with a raised VERSION and ``change`` applied to hotlines."""
    catalogue_dir = tmp_path / "knowledge"
    shutil.copytree(catalogue_module.DATA_DIR, catalogue_dir)
    (catalogue_dir / "VERSION").write_text("2099.01.1\n", encoding="utf-8")
    path = catalogue_dir / "hotlines.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change({e["code"]: e for e in data["entries"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return catalogue_dir


def test_a_hotline_edited_in_the_admin_survives_a_new_version(
    admin_browser: Client, client: Client, make_user: Any, tmp_path: Path
) -> None:
    entry = CatalogueEntry.objects.get(code=CODE)
    verbatim = entry.text_kk
    assert 'href="tel:+77172720111"' in client.get("/ru/hotlines/").content.decode()

    # The change form shows the phones as lines of text, never JSON.
    page = admin_browser.get(f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/").content
    assert b"+7 7172 72 01 11" in page
    assert b"[{" not in page and b"&quot;tel&quot;" not in page

    # A number that cannot be dialled is refused, naming it; nothing is stored.
    data = change_form_data(admin_browser, entry)
    data.update(phones="+7 7172 72 05 19\n12-34", reason="new duty number")
    refused = admin_browser.post(f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/", data)
    assert refused.status_code == 200
    assert "12-34" in refused.content.decode() and "cannot be dialled" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.phones == ["+77172720111"]

    # A change needs a reason: it is kept with the new version.
    data = change_form_data(admin_browser, entry)
    data.update(phones="+7 7172 72 05 19\n+7 7172 72 01 11", text_ru=NEW_RU, reason="")
    assert (
        admin_browser.post(
            f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/", data
        ).status_code
        == 200
    )  # the form again, with its error
    data["reason"] = "The ministry gave a new duty number (letter of 12.11.2026)"
    saved = admin_browser.post(f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]

    entry.refresh_from_db()
    assert entry.phones == ["+77172720519", "+77172720111"]
    assert entry.extra["phone"] == "+77172720519"
    assert entry.text_ru == NEW_RU
    assert entry.text_kk == verbatim and entry.verbatim_text == verbatim
    assert entry.shipped["text_ru"] != NEW_RU  # the seed's wording kept beside the edit
    revision = EntryRevision.objects.get(entry=entry)
    assert revision.number == 1 and revision.author.username == "admin1"
    assert revision.reason.startswith("The ministry gave")
    event = AuditEvent.objects.filter(object_type="knowledge.CatalogueEntry").latest("seq")
    assert event.actor_username == "admin1" and set(event.fields) == {"phones", "text_ru"}

    # The portal and the screening plan call the new number.
    portal = client.get("/ru/hotlines/").content.decode()
    assert 'href="tel:+77172720519"' in portal and NEW_RU in portal
    worker = Client()
    worker.force_login(make_user(username="worker", organisation="ORG01"))
    assert "tel:+77172720519" in plan_for_almaty(worker)
    # The staff's entry page shows the edited wording and the verbatim seed text.
    detail = admin_browser.get(f"/en/catalogue/entries/{CODE}/").content.decode()
    assert verbatim in detail

    # A new version changes the same hotline upstream: its phone (also changed here) and its
    # English wording (not changed here).
    def upstream(entries: dict[str, Any]) -> None:
        entries[CODE]["phone"] = "+77172720000"
        entries[CODE]["text"]["en"] = "The duty diplomat of the Ministry of Foreign Affairs"

    catalogue_dir = new_version(tmp_path, upstream)
    dry = StringIO()
    call_command("load_reference_data", "--dry-run", "--catalogue-dir", catalogue_dir, stdout=dry)
    assert "1 conflicts" in dry.getvalue() or "conflict" in dry.getvalue()
    assert not CatalogueVersion.objects.filter(version="2099.01.1").exists()
    entry.refresh_from_db()
    assert entry.text_en != "The duty diplomat of the Ministry of Foreign Affairs"

    out = StringIO()
    call_command("load_reference_data", "--catalogue-dir", catalogue_dir, verbosity=2, stdout=out)
    report = out.getvalue()
    assert CatalogueVersion.objects.get(is_live=True).version == "2099.01.1"
    entry.refresh_from_db()
    assert entry.phones == ["+77172720519", "+77172720111"]  # the local edit kept
    assert entry.text_ru == NEW_RU
    assert entry.text_en == "The duty diplomat of the Ministry of Foreign Affairs"  # applied
    assert f"catalogue {CODE}" in report and "phones" in report  # the conflict, for a person
    assert entry.shipped["phones"] == ["+77172720000"]  # the base of the next merge
    assert 'href="tel:+77172720519"' in client.get("/ru/hotlines/").content.decode()
    load = AuditEvent.objects.filter(action="catalogue_load", object_id="2099.01.1").get()
    assert load.detail["conflicts"] >= 1 and load.detail["applied"] >= 1
    assert verify_chain().intact


def test_a_local_hotline_is_added_with_its_source_and_kept_by_loads(
    admin_browser: Client, client: Client, tmp_path: Path
) -> None:
    from qorgan.directory.models import Organisation

    org = Organisation.objects.get(code="ORG01")
    response = admin_browser.post(
        "/en/admin/knowledge/catalogueentry/add/",
        {
            "code": "hotline_local_shelter",
            "local_organisation": org.pk,
            "text_kk": "Дағдарыс орталығының тәулік бойы жұмыс істейтін желісі",
            "text_ru": "Круглосуточная линия кризисного центра",
            "text_en": "The crisis centre's 24-hour line",
            "short_kk": "",
            "short_ru": "",
            "short_en": "",
            "phones": "+7 727 376 40 37",
            "reason": "Entered by the centre",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = CatalogueEntry.objects.get(code="hotline_local_shelter")
    assert entry.phones == ["+77273764037"] and entry.source_line is None
    assert "local: entered by" in str(entry.source_label)
    assert 'href="tel:+77273764037"' in client.get("/ru/hotlines/").content.decode()
    detail = admin_browser.get("/en/catalogue/entries/hotline_local_shelter/")
    assert detail.status_code == 200 and "local: entered by" in detail.content.decode()

    call_command("load_reference_data", "--catalogue-dir", new_version(tmp_path, lambda e: None))
    entry.refresh_from_db()
    assert not entry.retired and entry.phones == ["+77273764037"]


def test_a_hotline_without_a_number_to_dial_is_refused(admin_browser: Client) -> None:
    from qorgan.directory.models import Organisation

    response = admin_browser.post(
        "/en/admin/knowledge/catalogueentry/add/",
        {
            "code": "hotline_bad",
            "local_organisation": Organisation.objects.get(code="ORG01").pk,
            "text_kk": "x",
            "text_ru": "x",
            "text_en": "x",
            "phones": "call the office",
            "reason": "test",
        },
    )
    assert response.status_code == 200 and "cannot be dialled" in response.content.decode()
    assert not CatalogueEntry.objects.filter(code="hotline_bad").exists()


def test_catalogue_edits_need_the_role(make_user: Any) -> None:
    worker = make_user(username="w", is_staff=True)
    browser = Client()
    browser.force_login(worker)
    entry = CatalogueEntry.objects.get(code=CODE)
    response = browser.post(
        f"/en/admin/knowledge/catalogueentry/{entry.pk}/change/",
        {"text_ru": "x", "reason": "x", "phones": "102"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.text_ru != "x"
