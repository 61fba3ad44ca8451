"""The offline screening app in Chromium at 390 × 844, in Kazakh and Russian: screen with no
network (the plan from the engine in the browser), the screening kept encrypted on the phone
and sent once when the network returns; the same after the session expired offline; signing
out with screenings still waiting."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from qorgan.screening.engine import screen
from qorgan.screening.models import Screening
from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["kk", "ru"]
REQUEST = {
    "screened_by": "ngo",
    "location": {"country": "KZ", "region": "KZ-75"},
    "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
    "signs": ["S01"],
    "risk_groups": [],
    "places": [],
    "physical_injuries": True,
    "accepts_help": True,
    "reported_to_102": False,
}


def open_app(page: Any, base: str, language: str) -> None:
    """Open the offline app online once: its worker installs and keeps the app."""
    page.goto(f"{base}/{language}/screening/offline/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "async () => { for (const n of await caches.keys()) {"
        " const c = await caches.open(n); if ((await c.keys()).length >= 8) return true; }"
        " return false; }"
    )


def fill_and_show_plan(page: Any) -> None:
    page.fill("#id_age", "15")
    page.locator("input[name=sex][value=female]").check()
    page.select_option("#id_region", "KZ-75")
    details = page.locator("#element-signs details").first
    details.locator("summary").click()
    details.locator("input[value=S01]").check()
    page.locator("#id_physical_injuries").check()
    page.locator("input[name=accepts_help][value=yes]").check()
    page.locator("#show-plan").click()
    expect(page.locator("#plan")).to_be_visible()


def assert_plan_is_the_engines(page: Any, language: str) -> None:
    result = screen(REQUEST, language=language).as_dict()
    steps = page.locator("#plan-steps-list li")
    expect(steps).to_have_count(len(result["actions"]))
    for index, action in enumerate(result["actions"]):
        assert action["text"] in steps.nth(index).inner_text()
    notes = page.locator("#plan-notes p")
    assert [notes.nth(i).inner_text() for i in range(notes.count())] == [
        note["text"] for note in result["notes"]
    ]


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter((e) => e.getBoundingClientRect().right > 391)"
        ".slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className)"
    )
    assert width <= 390, f"the page is {width} px wide: {wide}"


def save_offline(page: Any, base: str, language: str) -> None:
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    fill_and_show_plan(page)
    assert_plan_is_the_engines(page, language)
    no_sideways_scroll(page)
    shot(page, f"offline-{language}-plan")
    page.locator("#save").click()
    expect(page.locator("#queue-list li")).to_have_count(1)
    assert Screening.objects.count() == 0


def stored_queue_is_encrypted(page: Any) -> None:
    checks = page.evaluate(
        """async () => {
            const store = await import('/static/qorgan/offline/store.js');
            const [record] = await store.list();
            const db = await store.open();
            const key = await new Promise((ok) => {
                const r = db.transaction('keys').objectStore('keys').get('queue-key');
                r.onsuccess = () => ok(r.result);
            });
            let exported = true;
            try { await crypto.subtle.exportKey('raw', key); } catch (e) { exported = false; }
            const raw = new TextDecoder().decode(record.data);
            return {
                encrypted: record.data instanceof ArrayBuffer && !raw.includes('S01'),
                extractable: key.extractable, exported, algorithm: key.algorithm.name,
                payload: (await store.decrypt(record)).request.signs,
            };
        }"""
    )
    assert checks == {
        "encrypted": True,
        "extractable": False,
        "exported": False,
        "algorithm": "AES-GCM",
        "payload": ["S01"],
    }


def shot(page: Any, name: str) -> None:
    """Set QORGAN_SCREENSHOTS to a folder to keep the screens the tests pass through."""
    folder = os.environ.get("QORGAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def sent_text(page: Any) -> str:
    return str(
        page.evaluate("() => JSON.parse(document.getElementById('offline-texts').textContent).sent")
    )


def sign_out(page: Any) -> None:
    menu = page.locator("details.menu")
    if menu.count() and not menu.evaluate("(m) => m.open"):
        menu.locator("summary").click()
    page.locator("form[action$='/accounts/logout/'] button").click()


def fresh_code(username: str) -> None:
    """A second sign-in within the same 30 s may use the same one-time code again."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username=username).update(last_t=-1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_screen_offline_then_sent_exactly_once(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    make_user(username="ngo-worker", organisation="ORG01")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "ngo-worker", language=language)
    open_app(page, live_server.url, language)
    save_offline(page, live_server.url, language)
    stored_queue_is_encrypted(page)
    shot(page, f"offline-{language}-queued")

    page.context.set_offline(False)
    expect(page.locator("#queue-status")).to_have_text(sent_text(page), timeout=20000)
    expect(page.locator("#queue-list li")).to_have_count(0)
    assert Screening.objects.count() == 1
    screening = Screening.objects.get()
    assert screening.client_uuid is not None
    assert screening.request["signs"] == ["S01"]
    assert screening.consent_to_referral is False
    # The worker kept the app only: its page, engine data and static files; no API answer.
    kept = page.evaluate(
        """async () => { const urls = [];
            for (const name of await caches.keys()) {
                for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
            } return urls; }"""
    )
    app = f"/{language}/screening/offline/"
    assert set(kept) >= {app, app + "data.json", "/static/qorgan/offline/engine.js"}
    assert all(u in (app, app + "data.json") or u.startswith("/static/qorgan/") for u in kept)
    # Sending again (another tab, a retry) stores nothing more.
    page.locator("#send-now").click()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert Screening.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_session_expired_offline_queue_waits_for_sign_in(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    make_user(username="ngo-worker", organisation="ORG01")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "ngo-worker", language=language)
    open_app(page, live_server.url, language)
    save_offline(page, live_server.url, language)

    # The session ends on the server while the phone is offline.
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"]).delete()

    page.context.set_offline(False)
    expect(page.locator("#sign-in")).to_be_visible(timeout=20000)
    expect(page.locator("#queue-list li")).to_have_count(1)
    shot(page, f"offline-{language}-sign-in")
    assert Screening.objects.count() == 0

    fresh_code("ngo-worker")
    sign_in(page, live_server.url, "ngo-worker", language=language)
    page.goto(f"{live_server.url}/{language}/screening/offline/")
    expect(page.locator("#queue-status")).to_have_text(sent_text(page), timeout=20000)
    expect(page.locator("#queue-list li")).to_have_count(0)
    assert Screening.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_out_asks_before_discarding_the_queue(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    make_user(username="ngo-worker", organisation="ORG01")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "ngo-worker", language=language)
    open_app(page, live_server.url, language)
    # The server does not take screenings for now: the queue stays.
    page.route("**/api/v1/screenings/**", lambda route: route.fulfill(status=503, body="{}"))
    save_offline(page, live_server.url, language)
    page.context.set_offline(False)

    page.goto(f"{live_server.url}/{language}/screening/")
    sign_out(page)
    dialog = page.locator("#offline-signout")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-count]")).to_have_text("1")
    shot(page, f"offline-{language}-signout")
    dialog.locator("[data-cancel]").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate("import('/static/qorgan/offline/store.js').then((s) => s.count())") == 1

    sign_out(page)
    dialog.locator("[data-discard]").click()
    page.wait_for_url("**/accounts/**")
    assert (
        page.evaluate(
            "indexedDB.databases().then((dbs) => dbs.some((db) => db.name === 'qorgan-offline'))"
        )
        is False
    )
    assert Screening.objects.count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_conflicting_case_edit_shows_both_versions(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    from qorgan.cases import services
    from qorgan.cases.models import Case
    from qorgan.directory.models import Organisation

    user = make_user(username="ngo-worker", organisation="ORG01")
    case = services.open_case(organisation=Organisation.objects.get(code="ORG01"), by=user)
    services.update_person(
        user=user, case=case, expected_version=case.version, data={"surname": "Ахметова"}
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "ngo-worker", language=language)
    page.goto(f"{live_server.url}/{language}/cases/{case.pk}/")
    page.locator("#person details.edit-person summary").click()
    page.fill("#id_person-phone", "+7 701 111 11 11")
    # Someone else saves the person's data while this page is open.
    services.update_person(
        user=user, case=case, expected_version=case.version, data={"surname": "Ахметова-Ким"}
    )
    page.locator("#person details.edit-person form button[type=submit]").click()

    surname = page.locator("#conflict-person-surname")
    expect(surname).to_contain_text("Ахметова-Ким")
    expect(surname).to_contain_text("Ахметова")
    expect(page.locator("#conflict-person-phone")).to_contain_text("+7 701 111 11 11")
    no_sideways_scroll(page)
    shot(page, f"conflict-{language}")
    assert Case.objects.get(pk=case.pk).person.phone == ""

    surname.locator("input[value=theirs]").check()
    page.locator("#conflict-person-phone input[value=mine]").check()
    page.locator(".conflict-form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/cases/{case.pk}/")
    person = Case.objects.get(pk=case.pk).person
    assert (person.surname, person.phone) == ("Ахметова-Ким", "+7 701 111 11 11")
