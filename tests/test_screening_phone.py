"""A police officer in Almaty screens a person on a 390 × 844 phone, in Kazakh and in Russian.

Real Chromium (Debian's package) through Playwright: the form is at most four screens tall
before any group is opened, groups open, the filter narrows the signs, the plan follows the
ticks without a reload, "Show the plan" brings the assessment and the first urgent step into
view, the region is the officer's own, and the consent given at screening is on the case and
preselected in the referral form; countries are shown by name.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
TEXTS = {
    "kk": {
        "female": "Әйел",
        "uzbekistan": "Өзбекстан",
        "show": "Жоспарды көрсету",
        "save": "Сақтау",
        "passport": "паспорт",
        "potential": "Адам саудасының ықтимал құрбаны",
    },
    "ru": {
        "female": "Женский",
        "uzbekistan": "Узбекистан",
        "show": "Показать план",
        "save": "Сохранить",
        "passport": "паспорт",
        "potential": "Потенциальная жертва торговли людьми",
    },
}


def police_officer(make_user: Any, username: str) -> Any:
    """An officer of an Almaty police unit (the seed's organisations are NGOs)."""
    from qorgan.directory.models import Organisation, Region, SubjectKind

    unit, _ = Organisation.objects.get_or_create(
        code="POLICE-ALA",
        defaults={
            "kind": SubjectKind.objects.get(code="police"),
            "name_kk": "Алматы қаласы Полиция департаменті",
            "name_ru": "Департамент полиции города Алматы",
            "name_en": "Almaty City Police Department",
            "region": Region.objects.get(code="KZ-75"),
        },
    )
    return make_user(username=username, organisation=unit.code)


def in_view(page: Any, selector: str) -> bool:
    """Whether the element is entirely inside the viewport (no scrolling needed to read it)."""
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }",
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_police_officer_screens_on_a_phone(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    texts = TEXTS[language]
    police_officer(make_user, f"officer-{language}")
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    sign_in(page, live_server.url, f"officer-{language}", language=language)
    page.goto(f"{live_server.url}/{language}/screening/new/")

    # Before any group is opened: at most four screens tall, nothing sideways.
    assert page.locator("details.group[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 4 * HEIGHT, height
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # The region is the officer's own; countries are listed by name.
    assert page.locator("#id_region").input_value() == "KZ-75"
    page.select_option("#id_citizenship", "UZ")
    assert texts["uzbekistan"] in page.locator("#id_citizenship option:checked").inner_text()

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    page.fill("#id_age", "24")
    page.get_by_label(texts["female"], exact=True).check()

    # Open a group: its signs appear with short labels, the SOP text one tap further.
    general = page.locator("#group-signs-general")
    general.locator("summary").first.click()
    expect(general).to_have_attribute("open", "")
    s01 = general.locator("li[data-entry]").filter(has=page.locator("input[value=S01]"))
    expect(s01).to_be_visible()
    s01.locator("details.verbatim summary").click()
    expect(s01.locator("details.verbatim p")).to_contain_text("489")

    # The filter narrows the signs as one types.
    page.fill("#sign-filter", texts["passport"])
    s12 = page.locator("li[data-entry]").filter(has=page.locator("input[value=S12]"))
    expect(s12).to_be_visible()
    expect(s01).to_be_hidden()
    expect(
        page.locator("li[data-entry]").filter(has=page.locator("input[value=R01]"))
    ).to_be_hidden()
    s12.locator("input").check()
    expect(general.locator("[data-count]")).to_have_text("1")

    # The plan follows the ticks without a reload.
    plan = page.locator("#plan")
    expect(plan.locator(".assessment-potential_victim")).to_be_visible()
    expect(plan).to_contain_text(texts["potential"])
    page.fill("#sign-filter", "")
    expect(s01).to_be_visible()
    general.locator("input[value=S17]").check()  # passport taken away plus a debt
    expect(general.locator("[data-count]")).to_have_text("2")
    expect(plan.locator("[data-note=no_form_named]")).to_be_visible()  # the SOP links no form
    page.locator("input[name=accepts_help][value=yes]").check()
    page.locator("#id_consent_to_referral").check()

    # "Show the plan": the assessment and the first urgent step without scrolling.
    page.get_by_role("button", name=texts["show"]).click()
    # The plan is scrolled to the top of the screen; its heading (the assessment) and its first
    # step are read there without scrolling.
    page.wait_for_function(
        """() => {
          const inView = (el) => { if (!el) return false; const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; };
          const plan = document.getElementById('plan');
          return Math.abs(plan.getBoundingClientRect().top) < 40
            && inView(document.getElementById('plan-title'))
            && inView(plan.querySelector('ol.checklist > li'));
        }"""
    )
    # A plan request still on its way (the last tick) must not move the page afterwards.
    page.wait_for_timeout(800)
    assert in_view(page, "#plan-title")
    assert in_view(page, "#plan ol.checklist > li")
    first = page.locator("#plan ol.checklist > li").first
    assert "urgency-immediate" in first.get_attribute("class") or "urgency-urgent" in (
        first.get_attribute("class")
    )
    assert page.evaluate("window.__sameDocument === true")  # no reload happened

    # Save: the plan is stored, the case opened with the consent given here.
    page.get_by_role("button", name=texts["save"]).click()
    page.wait_for_selector("#step-1")
    assert texts["uzbekistan"] in page.locator("dl.facts").inner_text()
    case_link = page.locator("dl.facts a[href*='/cases/']")
    case_link.click()
    page.wait_for_url(f"**/{language}/cases/**")
    assert texts["uzbekistan"] in page.locator("#person").inner_text()
    consent = page.locator("#consent li").first
    assert f"officer-{language}" in consent.inner_text()
    from qorgan.cases.models import ConsentRecord

    record = ConsentRecord.objects.get(recorded_by__username=f"officer-{language}")
    assert page.locator("#id_referral-consent").input_value() == str(record.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_form_works_without_javascript(browser_page_without_js: Any) -> None:
    """Progressive enhancement: without JavaScript the form posts and lands on the plan."""
    page, base_url = browser_page_without_js
    page.goto(f"{base_url}/ru/screening/new/")
    assert page.locator("#sign-filter-box").is_hidden()  # the filter needs JavaScript
    page.locator("#group-signs-general summary").first.click()
    page.locator("input[value=S12]").check()
    page.get_by_role("button", name="Показать план").click()
    page.wait_for_url("**/ru/screening/new/#plan")
    assert "Потенциальная жертва торговли людьми" in page.locator("#plan").inner_text()
    assert in_view(page, "#plan-title")
    assert page.locator("input[value=S12]").is_checked()


@pytest.fixture
def browser_page_without_js(live_server: Any, make_user: Any) -> Any:
    import os

    from playwright.sync_api import sync_playwright

    from tests.conftest_browser import launch

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    police_officer(make_user, "officer-nojs")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        signing = browser.new_context()
        page = signing.new_page()
        sign_in(page, live_server.url, "officer-nojs", language="ru")
        state = signing.storage_state()
        signing.close()
        context = browser.new_context(
            java_script_enabled=False,
            storage_state=state,
            viewport={"width": WIDTH, "height": HEIGHT},
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page, live_server.url
        finally:
            context.close()
            browser.close()
