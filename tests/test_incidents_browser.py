"""Several people, one situation; the same person twice; registers brought in (issue 13 §3–4),
in a real browser (Debian's Chromium through Playwright), in Kazakh and Russian, on a 390 × 844
phone (docs/cases.md).

A case manager of ORG01 opens an incident about a group transported together, adds three persons
(each gets a case) and records that the first is the mother of the second. She enters the
first person's IIN: ORG03 already has a case about the same IIN. She is told at once that a
possible match exists, and nothing says which organisation holds it, not even after she asks
to coordinate; ORG03's supervisor sees the request (with ORG01's name) and agrees; only then
ORG01 sees ORG03 and its case reference, and links the two cases as the same person.

Then a register import: a dry run that lists each problem by row and column, the corrected
file checked and imported.

Set QORGAN_SCREENSHOTS to a folder to keep screenshots.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import launch, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
IIN = "090314600012"
TEXTS = {
    "ru": {
        "persons": "Люди (3)",
        "mother": "является родителем для",
        "possible": "Возможное совпадение",
        "asked": "Запрошено согласование",
        "agreed": "согласилась согласовать",
        "linked": "Подтверждено: один и тот же человек",
        "problems": "Проблемы (2)",
        "checked": "Файл проверен, проблем нет",
        "done": "импортирован",
        "header": "Фамилия,Имя,Дата рождения,Пол,ИИН",
        "iin_column": "ИИН",
    },
    "kk": {
        "persons": "Адамдар (3)",
        "mother": "мынаның ата-анасы",
        "possible": "Ықтимал сәйкестік",
        "asked": "Үйлестіру сұралды",
        "agreed": "үйлестіруге келісті",
        "linked": "Расталды: бір адам",
        "problems": "Мәселелер (2)",
        "checked": "Файл тексерілді, мәселе жоқ",
        "done": "импортталды",
        "header": "Тегі,Аты,Туған күні,Жынысы,ЖСН",
        "iin_column": "ЖСН",
    },
}


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("QORGAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_incident_of_three_and_a_duplicate_named_only_after_agreement(
    live_server: Any, make_user: Any, language: str
) -> None:
    from playwright.sync_api import sync_playwright

    from qorgan.accounts.roles import Role
    from qorgan.cases import services
    from qorgan.cases.models import Case, DuplicateAlert
    from qorgan.directory.models import Organisation

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = make_user(username="manager", role=Role.CASE_MANAGER, organisation="ORG01")
    theirs_sup = make_user(username="org03-sup", role=Role.SUPERVISOR, organisation="ORG03")
    theirs = services.open_case(organisation=theirs_sup.organisation, by=theirs_sup)
    services.update_person(
        user=theirs_sup, case=theirs, expected_version=1, data={"iin": IIN, "surname": "Сер"}
    )
    org03 = Organisation.objects.get(code="ORG03")
    org01 = Organisation.objects.get(code="ORG01")
    hidden_names = [org03.name_kk, org03.name_ru, org03.name_en, theirs.reference]
    text = TEXTS[language]
    base = live_server.url
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(viewport=PHONE, locale="en-US").new_page()
            page.set_default_timeout(15000)
            sign_in(page, base, "manager", language=language)
            page.goto(f"{base}/{language}/cases/")
            page.locator(f'a[href="/{language}/cases/incidents/"]').click()
            page.select_option("#kind", "group_transport")
            page.fill("#people_reported", "3")
            page.fill("#summary", "Шымкенттен автобус")
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_url(f"**/{language}/cases/incidents/*/")
            incident_url = page.url
            for _ in range(3):
                page.locator('form[action$="/person/"] button').click()
                page.wait_for_url(incident_url)
            expect(page.locator("#persons-title")).to_have_text(text["persons"])
            assert Case.objects.filter(organisation=manager.organisation).count() == 3
            page.select_option("#relation", "parent")
            page.locator('form[action$="/link/"] button').click()
            expect(page.locator("main")).to_contain_text(text["mother"])
            _fits(page, PHONE["width"])
            _shot(page, f"incident-{language}-phone")

            # The first person's IIN: ORG03 has a case with it.
            page.locator("main table tbody tr td:first-child a").first.click()
            page.wait_for_url(f"**/{language}/cases/*/")
            case_url = page.url
            page.locator("#person details summary").click()
            page.fill("#id_person-iin", IIN)
            page.locator("#person details form button[type=submit]").click()
            page.wait_for_url(case_url)
            expect(page.locator("#person .notice")).to_contain_text(text["possible"])
            page.locator("#person form[data-hx-get] button").click()
            expect(page.locator("#matches form button")).to_be_visible()
            told = page.locator("#person").inner_html()  # (the referral form lists every org)
            for name in hidden_names:
                assert name not in told
            page.locator("#matches form button").click()  # ask to coordinate
            page.wait_for_url("**/matches/")
            expect(page.locator("main")).to_contain_text(text["asked"])
            for name in hidden_names:
                assert name not in page.content()
            _fits(page, PHONE["width"])
            _shot(page, f"duplicate-asked-{language}-phone")

            # ORG03's supervisor sees who asks, and agrees.
            other = browser.new_context(viewport=PHONE, locale="en-US").new_page()
            other.set_default_timeout(15000)
            sign_in(other, base, "org03-sup", language=language)
            other.goto(f"{base}/{language}/cases/duplicates/")
            expect(other.locator("main")).to_contain_text(getattr(org01, f"name_{language}"))
            _fits(other, PHONE["width"])
            _shot(other, f"duplicate-request-{language}-phone")
            other.locator('form[action$="/agree/"] button').click()
            other.wait_for_url("**/cases/duplicates/")

            # Now, and only now, ORG01 learns who holds the other record.
            page.reload()
            expect(page.locator("main")).to_contain_text(text["agreed"])
            expect(page.locator("main")).to_contain_text(getattr(org03, f"name_{language}"))
            expect(page.locator("main")).to_contain_text(theirs.reference)
            page.locator('form[action$="/same/"] button').click()
            page.wait_for_url("**/matches/")
            expect(page.locator("main")).to_contain_text(text["linked"])
            _shot(page, f"duplicate-linked-{language}-phone")
            page.set_viewport_size(DESKTOP)
            _shot(page, f"duplicate-linked-{language}-desktop")
            # Linked, never merged.
            alert = DuplicateAlert.objects.get(other=theirs, status="confirmed")
            assert alert.case.organisation == manager.organisation
            assert Case.objects.get(pk=theirs.pk).person.surname == "Сер"
        finally:
            browser.close()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_register_dry_run_then_import(live_server: Any, make_user: Any, language: str) -> None:
    from playwright.sync_api import sync_playwright

    from qorgan.accounts.roles import Role
    from qorgan.cases.models import Case

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_user(username="manager", role=Role.CASE_MANAGER, organisation="ORG01")
    text = TEXTS[language]
    bad = f"{text['header']}\nҚасымова,Айгүл,14.03.2009,ж,{IIN}\nОмаров,Нұрлан,31.02.1990,м,123\n"
    good = f"{text['header']}\nҚасымова,Айгүл,14.03.2009,ж,{IIN}\nОмаров,Нұрлан,1990,м,\n"
    base = live_server.url
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(viewport=PHONE, locale="en-US").new_page()
            page.set_default_timeout(15000)
            sign_in(page, base, "manager", language=language)
            page.goto(f"{base}/{language}/cases/")
            page.locator(f'a[href="/{language}/cases/import/"]').click()
            _fits(page, PHONE["width"])
            _shot(page, f"import-{language}-phone")
            page.set_input_files(
                "#file", {"name": "tizim.csv", "mimeType": "text/csv", "buffer": bad.encode()}
            )
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_url(f"**/{language}/cases/import/*/")
            expect(page.locator("main h2")).to_have_text(text["problems"])
            rows = page.locator("table.problems tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.last).to_contain_text(text["iin_column"])
            _fits(page, PHONE["width"])
            _shot(page, f"import-problems-{language}-phone")
            assert Case.objects.count() == 0

            page.goto(f"{base}/{language}/cases/import/")
            page.set_input_files(
                "#file", {"name": "tizim.csv", "mimeType": "text/csv", "buffer": good.encode()}
            )
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_url(f"**/{language}/cases/import/*/")
            expect(page.locator("main")).to_contain_text(text["checked"])
            assert Case.objects.count() == 0
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"**/{language}/cases/import/*/")
            page.reload()
            expect(page.locator(".status")).to_have_text(text["done"])
            assert sorted(c.person.given_name for c in Case.objects.all()) == ["Айгүл", "Нұрлан"]
        finally:
            browser.close()
