"""The hotline desk in a real browser (Debian's Chromium through Playwright), in Russian and
Kazakh, on a 390 × 844 phone and on a desktop screen (docs/hotline.md).

An operator of the «Қорғау» fund's line (ORG07, Astana; 001 L17) takes a crisis call: logs it
with a handful of taps and one sentence (timed: under a minute), sees the police 102 path and
the SOP's urgent steps first, refers the caller to a help organisation of Astana with the
caller's oral consent; the line's supervisor and the Astana police see the alert on their work
page and in their inbox, and the officer takes it. Then an information call, and a tip that
becomes a case.

Set QORGAN_SCREENSHOTS to a folder to keep screenshots of the desk and the contact page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import launch, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TEXTS = {
    "ru": {
        "account": "Сестру держат в квартире, паспорт отобрали",
        "sent": "Перенаправление отправлено",
        "hidden": "Вам не передано",
        "taken": "Вы приняли обращение",
        "case_open": "открыто",
    },
    "kk": {
        "account": "Әпкемді пәтерде ұстап отыр, паспортын алып қойған",
        "sent": "Жолдама",
        "hidden": "Сізге берілмеген",
        "taken": "өтінішін қабылдадыңыз",
        "case_open": "ашылды",
    },
}


def _people(make_user: Any) -> dict[str, Any]:
    from qorgan.accounts.roles import Role
    from qorgan.directory.models import Organisation, Region, SubjectKind
    from qorgan.hotline.models import Hotline

    police, _ = Organisation.objects.get_or_create(
        code="POLICE-AST",
        defaults={
            "kind": SubjectKind.objects.get(code="police"),
            "name_kk": "Астана қаласы Полиция департаменті",
            "name_ru": "Департамент полиции города Астаны",
            "name_en": "Astana City Police Department",
            "region": Region.objects.get(code="KZ-71"),
        },
    )
    operator = make_user(username="operator", role=Role.FRONTLINE_WORKER, organisation="ORG07")
    supervisor = make_user(username="hl-supervisor", role=Role.SUPERVISOR, organisation="ORG07")
    officer = make_user(username="officer", role=Role.FRONTLINE_WORKER, organisation=police.code)
    hotline = Hotline.objects.create(
        code="korgau", organisation=Organisation.objects.get(code="ORG07"), supervisor=supervisor
    )
    hotline.operators.add(operator)
    return {"operator": operator, "supervisor": supervisor, "officer": officer, "police": police}


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("QORGAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _no_sideways_scroll(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _log(
    page: Any, *, kind: str, region: str, signs: list[str], account: str, channel: str
) -> None:
    """What the operator does during the call: taps and one sentence."""
    page.check(f'input[name="contact_type"][value="{kind}"]')
    page.select_option("#id_region", region)
    page.check(f'input[name="channel"][value="{channel}"]')
    page.check('input[name="caller_relation"][value="relative"]')
    if account:
        page.fill("#id_account", account)
    for code in signs:
        page.fill("#sign-filter", code)  # the screening form's filter (screening.js)
        page.check(f'input[name="signs"][value="{code}"]')
    page.fill("#sign-filter", "")


@pytest.mark.parametrize(
    ("language", "size"), [("ru", "phone"), ("kk", "phone"), ("ru", "desktop"), ("kk", "desktop")]
)
def test_operator_takes_a_crisis_call(
    live_server: Any, make_user: Any, language: str, size: str
) -> None:
    from playwright.sync_api import sync_playwright

    from qorgan.directory.models import Organisation
    from qorgan.hotline.models import Contact
    from qorgan.notifications.models import Notification

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    people = _people(make_user)
    text = TEXTS[language]
    viewport = SIZES[size]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=viewport, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in(page, live_server.url, "operator", language=language)
            page.locator(f'a[href="/{language}/hotline/"]').first.click()
            page.wait_for_url(f"**/{language}/hotline/")
            _no_sideways_scroll(page, viewport["width"])
            _shot(page, f"hotline-desk-{language}-{size}")

            started = time.monotonic()
            _log(
                page,
                kind="crisis",
                region="KZ-71",
                signs=["S02", "S12"],
                account=text["account"],
                channel="phone",
            )
            page.locator("form.contact-form button[type=submit]").click()
            page.wait_for_url("**/hotline/contacts/**")
            assert time.monotonic() - started < 60

            contact = Contact.objects.get()
            assert contact.contact_type == "crisis" and contact.signs == ["S02", "S12"]
            assert contact.account == text["account"] and contact.region.code == "KZ-71"
            # The police 102 path first, then the SOP's urgent steps, above everything else.
            crisis = page.locator("#crisis")
            expect(crisis.locator('a[href="tel:102"]')).to_be_visible()
            assert crisis.bounding_box()["y"] < page.locator("#steps-title").bounding_box()["y"]
            expect(page.locator(".plan .urgency-immediate").first).to_be_visible()
            assert crisis.bounding_box()["y"] < viewport["height"]
            _no_sideways_scroll(page, viewport["width"])
            _shot(page, f"hotline-crisis-{language}-{size}")

            # Refer to a help organisation of Astana, with the caller's oral consent.
            target = (
                Organisation.objects.filter(is_help_organisation=True)
                .filter(serves_regions__code="KZ-71")
                .exclude(code="ORG07")
                .order_by("code")
                .first()
            )
            refer = page.locator("#refer")
            refer.locator("select").select_option(str(target.pk))
            refer.locator('input[name="services"][value="legal"]').check()
            refer.locator('input[name="services"][value="psychological"]').check()
            refer.locator('input[name="consent_given"]').check()
            refer.locator("button[type=submit]").click()
            expect(page.locator(".messages")).to_contain_text(text["sent"])
            contact.refresh_from_db()
            assert contact.referral.to_organisation == target
            assert contact.referral.consent.form == "oral"
            _shot(page, f"hotline-referred-{language}-{size}")
            context.close()

            # The supervisor and the Astana police see the alert (work page, inbox).
            for who in ("hl-supervisor", "officer"):
                context = browser.new_context(viewport=viewport, locale="en-US")
                page = context.new_page()
                page.set_default_timeout(15000)
                sign_in(page, live_server.url, who, language=language)
                alert = page.locator(f'a[href="/{language}/hotline/contacts/{contact.pk}/"]')
                expect(alert).to_contain_text(contact.reference)
                organisation = "ORG07" if who == "hl-supervisor" else "POLICE-AST"
                assert Notification.objects.filter(
                    organisation__code=organisation,
                    kind="hotline_crisis",
                    reference=contact.reference,
                ).exists()
                page.goto(f"{live_server.url}/{language}/inbox/")
                expect(page.locator("main")).to_contain_text(contact.reference)
                if who == "officer":
                    page.goto(f"{live_server.url}/{language}/hotline/contacts/{contact.pk}/")
                    expect(page.locator("dd.caller-account")).to_contain_text(text["hidden"])
                    page.locator("#crisis form button").click()
                    expect(page.locator(".messages")).to_contain_text(text["taken"])
                context.close()
            contact.refresh_from_db()
            assert contact.taken_by == people["officer"]
        finally:
            browser.close()


@pytest.mark.parametrize(("language", "size"), [("kk", "phone"), ("ru", "desktop")])
def test_information_call_and_a_tip_that_becomes_a_case(
    live_server: Any, make_user: Any, language: str, size: str
) -> None:
    from playwright.sync_api import sync_playwright

    from qorgan.cases.models import Case
    from qorgan.hotline.models import Contact

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    _people(make_user)
    viewport = SIZES[size]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=viewport, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(15000)
            sign_in(page, live_server.url, "operator", language=language)
            page.goto(f"{live_server.url}/{language}/hotline/")
            _log(page, kind="information", region="KZ-71", signs=[], account="", channel="chat")
            page.check('input[name="actions"][value="information"]')
            page.locator("form.contact-form button[type=submit]").click()
            page.wait_for_url("**/hotline/contacts/**")
            info = Contact.objects.get()
            assert info.contact_type == "information" and info.outcome == "advice"
            expect(page.locator("#crisis")).to_have_count(0)

            page.goto(f"{live_server.url}/{language}/hotline/")
            _log(page, kind="tip", region="KZ-71", signs=["S01"], account="", channel="web_form")
            page.locator("form.contact-form button[type=submit]").click()
            page.wait_for_url("**/hotline/contacts/**")
            tip = Contact.objects.exclude(pk=info.pk).get()
            page.locator(f'form[action$="/hotline/contacts/{tip.pk}/case/"] button').click()
            page.wait_for_url("**/cases/**")
            case = Case.objects.get()
            expect(page.locator(".messages")).to_contain_text(case.reference)
            tip.refresh_from_db()
            assert tip.case == case and tip.outcome == "case"
            assert case.organisation.code == "ORG07" and case.region.code == "KZ-71"
            _no_sideways_scroll(page, viewport["width"])
            # Both are on the desk's list, the newest first.
            page.goto(f"{live_server.url}/{language}/hotline/")
            listed = page.locator("table.contact-list a").all_inner_texts()
            assert listed[:2] == [tip.reference, info.reference]
            context.close()
        finally:
            browser.close()
