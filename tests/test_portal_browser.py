"""The public portal in real Chromium: every page in each language, zero axe-core violations,
at most 50 KB transferred, no request to any other site, works without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "",
    "signs/",
    "control/",
    "safety/",
    "migrants/",
    "what-to-do/",
    "rights/",
    "hotlines/",
    "help/",
    "card/",
    "report/",
    "report/status/",
]
BUDGET = 50 * 1024


def check_page(page: Any, url: str, base: str) -> None:
    transferred: list[int] = []
    foreign: list[str] = []

    def finished(request: Any) -> None:
        if not request.url.startswith(base) and not request.url.startswith("data:"):
            foreign.append(request.url)
        sizes = request.sizes()
        transferred.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    page.on("requestfinished", finished)
    response = page.goto(url)
    page.wait_for_load_state("load")
    page.remove_listener("requestfinished", finished)
    assert response is not None and response.status == 200, url
    assert foreign == [], (url, foreign)
    assert sum(transferred) <= BUDGET, (url, sum(transferred))
    # Served from the page's own origin: the Content Security Policy allows no inline script.
    page.route(
        "**/__axe__.js", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript")
    )
    page.add_script_tag(url=f"{base}/__axe__.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert violations == [], (url, violations)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_public_page(
    page: Any, live_server: Any, reference_data: None, language: str
) -> None:
    for path in PAGES:
        check_page(page, f"{live_server.url}/{language}/{path}", live_server.url)


MIGRANT_LANGUAGES = ("uz", "ky", "tg")


def no_sideways_scroll(page: Any, url: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (url, width)


@pytest.mark.parametrize("language", MIGRANT_LANGUAGES)
def test_every_public_page_in_a_migrant_language_on_a_phone(
    live_server: Any, reference_data: None, language: str
) -> None:
    """uz, ky, tg at 390 × 844: every public page, no sideways scrolling, axe-core 0, ≤ 50 KB;
    then the walk a migrant takes: signs, help organisations of a region, a report sent and
    its status checked, the card PDF."""
    import time

    from playwright.sync_api import sync_playwright

    from tests.conftest_browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15000)
        base = live_server.url
        for path in PAGES:
            url = f"{base}/{language}/{path}"
            check_page(page, url, base)
            assert page.evaluate("document.documentElement.lang") == language
            no_sideways_scroll(page, url)
        # Signs, from the home page's menu.
        page.goto(f"{base}/{language}/")
        page.locator(f"nav.menu a[href='/{language}/signs/']").click()
        page.wait_for_url(f"**/{language}/signs/")
        assert page.locator("main li").count() > 20
        # The professionals' signs too are in the page's language: nothing shown in Russian.
        assert page.locator("main [lang=ru]").count() == 0
        # Help organisations of a region.
        page.goto(f"{base}/{language}/help/")
        page.select_option("#region", "KZ-75")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**region=KZ-75**")
        assert page.locator("main a.tel").count() >= 1
        almaty = {"uz": "Olmaota", "ky": "Алматы", "tg": "Алмаато"}[language]
        assert page.locator("#region option:checked").inner_text() == almaty
        assert page.locator("main .orgs p", has_text=f"{almaty} · {almaty}").count() >= 3
        assert page.locator("main [lang=ru]").count() == 0
        no_sideways_scroll(page, page.url)
        # An anonymous report, then its status.
        page.goto(f"{base}/{language}/report/")
        page.fill("#what", "Qoʻshni uyda hujjatsiz ishchilar qamalgan / Соседи держат рабочих")
        page.select_option("#region", "KZ-75")
        time.sleep(3.1)  # a human takes longer than the form's minimum
        page.locator("form.report button[type=submit]").click()
        receipt = page.locator("#receipt").inner_text().strip()
        assert len(receipt) == 19
        assert page.evaluate("document.documentElement.lang") == language
        page.goto(f"{base}/{language}/report/status/")
        page.fill("#receipt", receipt)
        time.sleep(0.2)
        page.locator("form.report button[type=submit]").click()
        assert page.locator(".status strong").inner_text()
        no_sideways_scroll(page, page.url)
        # The card PDF, in the language.
        response = page.request.get(f"{base}/{language}/card.pdf?region=KZ-75")
        assert response.status == 200 and response.body().startswith(b"%PDF")
        context.close()
        browser.close()
    from qorgan.portal.models import Report

    assert Report.objects.filter(language=language).count() == 1


def test_old_migrant_pages_redirect(page: Any, live_server: Any, reference_data: None) -> None:
    for language in MIGRANT_LANGUAGES:
        page.goto(f"{live_server.url}/m/{language}/")
        assert page.url == f"{live_server.url}/{language}/"


def test_report_without_javascript_then_check_it(live_server: Any, reference_data: None) -> None:
    """A cheap phone with JavaScript off: the report still goes through and the receipt works."""
    import time

    from playwright.sync_api import sync_playwright

    from tests.conftest_browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{live_server.url}/kk/report/")
        page.fill("#what", "Көршінің үйінде құжатсыз жұмысшылар құлыптаулы отыр")
        page.select_option("#region", "KZ-75")
        time.sleep(3.1)  # a human takes longer than the form's minimum
        page.locator("form.report button[type=submit]").click()
        receipt = page.locator("#receipt").inner_text().strip()
        assert len(receipt) == 19
        page.goto(f"{live_server.url}/kk/report/status/")
        page.fill("#receipt", receipt)
        page.locator("form.report button[type=submit]").click()
        assert page.locator(".status strong").inner_text()
        context.close()
        browser.close()


def test_quick_exit_leaves_at_once(page: Any, live_server: Any, reference_data: None) -> None:
    page.route(
        "https://www.google.com/**", lambda route: route.fulfill(status=200, body="elsewhere")
    )
    page.goto(f"{live_server.url}/ru/what-to-do/")
    page.keyboard.press("Escape")
    page.wait_for_url("https://www.google.com/**")
    assert page.evaluate("history.length") <= 2  # the portal page was replaced, not stacked


def test_after_quick_exit_back_does_not_return_to_the_portal(
    page: Any, live_server: Any, reference_data: None
) -> None:
    """Browsing the portal keeps one history entry; quick exit replaces it (issue 16, finding 8)."""
    page.route(
        "https://www.google.com/**", lambda route: route.fulfill(status=200, body="elsewhere")
    )
    page.route(
        "http://start.example/**",
        lambda route: route.fulfill(status=200, body="before", content_type="text/html"),
    )
    page.goto("http://start.example/")
    page.goto(f"{live_server.url}/kk/")
    for path in ("signs/", "help/", "rights/"):
        page.locator(f"main a[href$='/kk/{path}'], nav a[href$='/kk/{path}']").first.click()
        page.wait_for_url(f"**/kk/{path}")
    page.locator("[data-quick-exit]").click()
    page.wait_for_url("https://www.google.com/**")
    page.go_back()
    page.wait_for_load_state()
    assert page.url.startswith("http://start.example/"), page.url


def test_the_csrf_cookie_of_the_report_form_ends_with_the_browser(
    client: Any, reference_data: None
) -> None:
    response = client.get("/ru/report/")
    cookie = response.cookies["csrftoken"]
    assert cookie.value
    assert not cookie["expires"] and not cookie["max-age"]  # a session cookie


def test_a_busy_channel_still_takes_a_report_from_a_browser(
    page: Any, live_server: Any, reference_data: None, settings: Any
) -> None:
    """The proof of work is solved by the page while the person writes (issue 16, finding 4)."""
    import time

    from qorgan.portal.models import Report

    settings.PORTAL_REPORTS_PER_MINUTE = 0  # busy: every report needs the proof of work
    settings.PORTAL_POW_BITS = 12
    page.goto(f"{live_server.url}/ru/report/")
    page.fill("#what", "Женщину держат в кафе, паспорт отобрали")
    time.sleep(3.1)
    page.locator("form.report button[type=submit]").click()
    receipt = page.locator("#receipt").inner_text().strip()
    assert len(receipt) == 19
    assert Report.objects.count() == 1
