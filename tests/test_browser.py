"""Real Chromium (Debian's package) driven by Playwright: what a person sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest_browser import sign_in
from tests.test_portal_browser import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_kazakh_then_russian_then_english(
    page: Any, live_server: Any, reference_data: None
) -> None:
    page.goto(live_server.url + "/")
    assert page.url.endswith("/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("a.tel[href='tel:11616']").first.is_visible()

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(live_server.url + "/ru/accounts/login/")
    assert page.get_by_role("button", name="Войти").is_visible()


def test_sign_in_and_search_the_catalogue(page: Any, live_server: Any, make_user: Any) -> None:
    make_user(username="officer")
    sign_in(page, live_server.url, "officer")
    page.goto(live_server.url + "/kk/catalogue/")
    page.fill("#q", "егде жастағы")
    expect(page.locator("#entries li")).to_have_count(1)
    assert page.locator("#entries li").first.get_attribute("id") == "R02"


def test_frontline_worker_fills_the_form_in_kazakh_and_sees_the_plan(
    page: Any, live_server: Any, make_user: Any
) -> None:
    """A worker screens a 15-year-old girl with injuries in Almaty, on a phone-sized screen."""
    make_user(username="ngo-worker", organisation="ORG01")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "ngo-worker")

    page.goto(live_server.url + "/kk/screening/new/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.fill("#id_age", "15")
    page.get_by_label("Әйел").check()
    page.select_option("#id_region", "KZ-75")
    page.locator("#group-signs-general summary").first.click()  # groups start folded
    page.locator("#element-signs details").first.locator("input[value=S01]").check()
    page.get_by_label("Адамда физикалық жарақаттар бар").check()
    page.locator("input[name=accepts_help][value=yes]").check()
    page.get_by_role("button", name="Жоспарды көрсету").click()

    plan = page.locator("#plan")
    plan.locator(".assessment").wait_for()  # the plan is swapped in (htmx), no reload
    assert "Адам саудасының ықтимал құрбаны" in plan.inner_text()
    steps = plan.locator("ol.checklist > li")
    assert steps.count() == 4
    assert "полиция бөліміне" in steps.nth(0).inner_text()  # notify_police, 002 L959
    assert "103" in steps.nth(1).inner_text()  # call_ambulance
    assert "soyuzkz@rambler.ru" in plan.inner_text()  # a help organisation of the region

    page.get_by_role("button", name="Сақтау").click()
    page.wait_for_selector("#step-1")
    page.locator("#step-1 button.tick").click()
    page.wait_for_selector("#step-1.done")
    assert page.locator("#step-1 .done-by").inner_text().startswith("Орындаған: ngo-worker")


def test_case_list_and_case_page_in_three_languages(
    page: Any, live_server: Any, make_user: Any
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.cases import services

    manager = make_user(username="case-manager", role=Role.CASE_MANAGER, organisation="ORG01")
    case = services.open_case(organisation=manager.organisation, by=manager)
    services.update_person(
        user=manager,
        case=case,
        expected_version=1,
        data={"surname": "Қасымова", "given_name": "Әсел"},
    )
    sign_in(page, live_server.url, "case-manager")
    for language in ("kk", "ru", "en"):
        page.goto(f"{live_server.url}/{language}/cases/")
        assert page.locator("html").get_attribute("lang") == language
        row = page.locator("table.case-list tbody tr").first
        assert "Қасымова Әсел" in row.inner_text()
        row.get_by_role("link", name=case.reference).click()
        page.wait_for_url(f"**/{language}/cases/{case.pk}/")
        assert "Қасымова" in page.locator("#person").inner_text()

    # Edit the person's data on the page: Kazakh letters survive the round trip, encrypted.
    page.locator("#person details.edit-person summary").click()
    page.fill("#id_person-patronymic", "Серікқызы")
    page.locator("#person form.record-form button[type=submit]").click()
    page.wait_for_selector(".messages .success")
    assert "Серікқызы" in page.locator("#person dl").inner_text()


def test_supervisor_exports_cases_and_downloads_the_file(
    page: Any, live_server: Any, make_user: Any
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.cases import services

    supervisor = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    services.open_case(organisation=supervisor.organisation, by=supervisor)
    sign_in(page, live_server.url, "sup")
    page.goto(live_server.url + "/kk/monitoring/")
    page.get_by_role("link", name="Есептер мен экспорттар").click()
    page.get_by_role("button", name="CSV", exact=True).click()
    expect(page.get_by_text("Экспорт дайындалуда.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Жүктеу").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    # The headers in the language the file was asked in (Kazakh), one case below them.
    assert content.splitlines()[0].startswith("Нөмірі,Мәртебесі") and len(content.splitlines()) == 2
    check_page(page, live_server.url + "/kk/monitoring/exports/", live_server.url)  # axe-core


def test_coordinator_prepares_the_commission_report_from_the_dashboard(
    page: Any, live_server: Any, make_user: Any
) -> None:
    """The report is asked for with the dashboard's period, built by a task, then downloaded."""
    from qorgan.accounts.roles import Role
    from qorgan.cases import services

    worker = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    services.open_case(
        organisation=worker.organisation, by=worker, facts=services.PersonFacts(citizenship="KZ")
    )
    make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    sign_in(page, live_server.url, "coord")
    page.goto(live_server.url + "/ru/monitoring/statistics/")
    page.get_by_role("button", name="Отчёт (CSV)").click()
    expect(page.get_by_text("Файл готовится.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать").click()
    assert download.value.suggested_filename.startswith("qorgan-report-")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == "Разбивка,Категория,Количество"  # headers in Russian too
    assert "Казахстан" in content  # built in the language it was asked in
    check_page(page, live_server.url + "/ru/monitoring/statistics/", live_server.url)  # axe-core
