"""The whole path of a case across the referral mechanism, in a real browser (Debian's Chromium)
on a phone-sized screen (390 × 844), in Kazakh and in Russian (issue 13 "Done when"):

police refer with the person's consent → the crisis centre accepts → its supervisor assigns a
case worker, who adds a note, a service, a goal and a follow-up → the police hand the case over
and the centre's supervisor accepts → the centre's supervisor approves the identification →
consent withdrawn for one participant, whose access ends → closure refused while things are
open (listed), then approved.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("QORGAN_SCREENSHOTS", "")  # a folder: screenshots for docs/cases.md

TEXT = {
    "kk": {
        "work": "Іспен кім жұмыс істейді",
        "refused": "істі әлі жабуға болмайды",
        "followup": "мерзімді тапсырма",
        "goal": "«Баспана табу»",
        "approved": "Бекітілді",
        "lost": "қолжетімділігін жоғалтқан ұйымдар: 1",
    },
    "ru": {
        "work": "Кто работает с делом",
        "refused": "дело пока нельзя закрыть",
        "followup": "задача со сроком",
        "goal": "«Баспана табу»",
        "approved": "Утверждено",
        "lost": "организаций, потерявших доступ: 1",
    },
}


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def _open(page: Any, summary_of: str) -> None:
    """Unfold the <details> whose form posts to ``summary_of`` (forms start folded)."""
    form = page.locator(f"form[action$='{summary_of}']").first
    details = form.locator("xpath=ancestor::details[1]")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").first.click()


def _ok(page: Any) -> str:
    page.wait_for_selector(".messages li")
    text = page.locator(".messages").inner_text()
    assert page.locator(".messages .error").count() == 0, text
    return text


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_case_worked_across_organisations_from_referral_to_closure(
    page: Any, live_server: Any, make_user: Any, language: str
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.cases import services
    from qorgan.cases.models import Case, CaseStatus, Referral
    from qorgan.directory.models import Organisation, SubjectKind

    today = timezone.localdate()
    t = TEXT[language]
    police = Organisation.objects.create(
        code="POLICE-ALA",
        kind=SubjectKind.objects.get(code="police"),
        name_kk="Алматы қаласы ПД",
        name_ru="ДП города Алматы",
        region=Organisation.objects.get(code="ORG01").region,
    )
    officer = make_user(username="officer", role=Role.SUPERVISOR, organisation=police.code)
    make_user(username="centre-sup", role=Role.SUPERVISOR, organisation="ORG02")
    make_user(username="centre-manager", role=Role.CASE_MANAGER, organisation="ORG02")
    make_user(username="centre-worker", role=Role.FRONTLINE_WORKER, organisation="ORG02")
    make_user(username="lawyer", role=Role.CASE_MANAGER, organisation="ORG03")
    browser = page.context.browser
    pages: dict[str, Any] = {}

    def as_(username: str) -> Any:
        if username not in pages:
            context = browser.new_context(viewport=PHONE, locale="en-US")
            pages[username] = context.new_page()
            pages[username].set_default_timeout(15000)
            sign_in(pages[username], live_server.url, username, language=language)
        return pages[username]

    date = today.strftime("%d.%m.%Y")

    # 0. The police screen the person on the phone, with her consent to referral: a case opens.
    p = as_("officer")
    p.goto(f"{live_server.url}/{language}/screening/new/")
    p.fill("#id_age", "24")
    p.locator("input[name=sex][value=female]").check()
    p.select_option("#id_region", "KZ-75")
    p.locator("#group-signs-general summary").first.click()
    p.locator("#element-signs details").first.locator("input[value=S01]").check()
    p.locator("input[name=accepts_help][value=yes]").check()
    p.locator("#id_consent_to_referral").check()
    p.locator("button[name=action][value=save]").click()
    p.wait_for_selector(".messages .success")
    p.locator("dd a[href*='/cases/']").first.click()
    p.wait_for_url("**/cases/*/")
    case = Case.objects.get(pk=p.url.rstrip("/").rsplit("/", 1)[-1])
    assert case.organisation_id == police.pk and case.consents.filter(purpose="referral").exists()
    # Legal aid (ORG03) already works the case under the person's consent.
    legal = services.record_consent(
        user=officer,
        case=case,
        purpose="referral",
        form="written",
        given_on=today,
        recipient=Organisation.objects.get(code="ORG03"),
    )
    services.respond_to_referral(
        user=Organisation.objects.get(code="ORG03").users.get(username="lawyer"),
        referral=services.send_referral(
            user=officer,
            case=case,
            to_organisation=legal.recipient,
            services=["legal"],
            due_on=today + timedelta(days=5),
            consent=legal,
        ),
        accept=True,
    )
    url = f"{live_server.url}/{language}/cases/{case.pk}/"

    # 1. The police record the person's consent to referral to the crisis centre and refer.
    p.goto(url)
    _open(p, "/consent/")
    p.select_option("#id_consent-purpose", "referral")
    p.select_option("#id_consent-recipient", "ORG02")
    p.select_option("#id_consent-form", "written")
    p.fill("#id_consent-given_on", date)
    p.locator("form[action$='/consent/'] button[type=submit]").click()
    _ok(p)
    _open(p, "/referral/")
    p.select_option("#id_referral-to", "ORG02")
    p.locator("#id_referral-services input[value=psychological]").check()
    p.locator("#id_referral-services input[value=temporary_accommodation]").check()
    p.fill("#id_referral-due_on", (today + timedelta(days=3)).strftime("%d.%m.%Y"))
    p.locator("form[action$='/referral/'] button[type=submit]").click()
    _ok(p)

    # 2. The crisis centre accepts; its supervisor assigns a case worker.
    s = as_("centre-sup")
    s.goto(f"{live_server.url}/{language}/cases/referrals/")
    s.locator("form[action$='/accept/'] button").first.click()
    _ok(s)
    s.goto(url)
    assert t["work"] in s.locator("#work").inner_text()
    _open(s, "/work/assign/")
    s.select_option("#id_assign-user", "centre-worker")
    s.locator("form[action$='/work/assign/'] button[type=submit]").click()
    _ok(s)

    # 3. The case worker sees the case on the work page; adds a note, a service, a goal, a follow-up.
    w = as_("centre-worker")
    w.goto(f"{live_server.url}/{language}/work/")
    w.locator(f"a[href$='/cases/{case.pk}/']").first.click()
    w.wait_for_url(f"**/cases/{case.pk}/")
    _open(w, "/work/note/")
    w.fill("#id_note-text", "Әсел орталыққа орналастырылды")
    w.locator("form[action$='/work/note/'] button[type=submit]").click()
    _ok(w)
    assert "Әсел орталыққа орналастырылды" in w.locator("#notes").inner_text()
    _open(w, "/service/")
    w.select_option("#id_service-service", "temporary_accommodation")
    w.select_option("#id_service-provider", "ORG02")
    w.fill("#id_service-started_on", date)
    w.locator("form[action$='/service/'] button[type=submit]").click()
    _ok(w)
    _open(w, "/objective/")
    w.fill("#id_objective-objective", "Баспана табу")
    w.fill("#id_objective-due_on", (today + timedelta(days=30)).strftime("%d.%m.%Y"))
    w.locator("form[action$='/objective/'] button[type=submit]").click()
    _ok(w)
    _open(w, "/work/followup/")
    w.fill("#id_followup-task", "Психологпен кездесу")
    w.fill("#id_followup-due_on", date)
    w.locator("form[action$='/work/followup/'] button[type=submit]").click()
    _ok(w)
    _no_sideways_scroll(w)
    _shot(w, f"case-work-{language}")

    # 4. The police hand the case over (the person's consent to the centre); the centre's
    #    supervisor accepts: the centre leads now.
    p.goto(url)
    _open(p, "/work/handover/")
    p.select_option("#id_handover-to", "ORG02")
    centre_consent = case.consents.get(recipient__code="ORG02")
    p.select_option("#id_handover-consent", str(centre_consent.pk))
    p.locator("form[action$='/work/handover/'] button[type=submit]").click()
    _ok(p)
    s.goto(f"{live_server.url}/{language}/work/")
    s.locator(f"a[href*='/cases/{case.pk}/#work']").first.click()
    s.locator("form[action$='/work/handover-accept/'] button").click()
    _ok(s)
    assert Case.objects.get(pk=case.pk).organisation.code == "ORG02"

    # 5. The centre's case manager asks for the identification decision; the supervisor approves.
    m = as_("centre-manager")
    m.goto(url)
    _open(m, "/work/approval/")
    m.select_option("#id_approval-status", "identified")
    m.fill("#id_approval-identification_date", date)
    m.fill("#id_approval-identification_body", "ДП г. Алматы")
    m.locator("form[action$='/work/approval/'] button[type=submit]").click()
    _ok(m)
    s.goto(f"{live_server.url}/{language}/work/")
    s.locator(f"a[href*='/cases/{case.pk}/#approvals']").first.click()
    _shot(s, f"case-approval-{language}")
    s.locator("form[action$='/work/approve/'] button").click()
    assert t["approved"] in _ok(s)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IDENTIFIED

    # 6. The person withdraws the consent to legal aid: its referral ends, it loses the case.
    lawyer = as_("lawyer")
    lawyer.goto(url)
    assert lawyer.locator("#person").count() == 1
    s.goto(url)
    s.locator(f"#withdraw form:has(input[name=id][value='{legal.pk}']) button").click()
    assert t["lost"] in _ok(s)
    assert lawyer.goto(url).status == 404

    # 7. Closure: refused while the referral, the follow-up and the goal are open, listed.
    m.goto(url)
    _open(m, "/work/approval/")
    m.select_option("#id_approval-status", "closed")
    m.fill("#id_approval-closure_reason", "Reintegrated with her family")
    m.locator("form[action$='/work/approval/'] button[type=submit]").click()
    m.wait_for_selector(".messages .error")
    refusal = m.locator(".messages .error").inner_text()
    assert t["refused"] in refusal and t["followup"] in refusal and t["goal"] in refusal
    assert "ORG02" not in refusal and "open" not in refusal  # names and words, not codes
    _shot(m, f"case-closure-refused-{language}")
    # Finish what is open: the referral completed, the follow-up done, the goal achieved.
    m.goto(f"{live_server.url}/{language}/cases/referrals/")
    m.locator("form[action$='/complete/'] input[name=reason]").first.fill("Көмек көрсетілді")
    m.locator("form[action$='/complete/'] button").first.click()
    _ok(m)
    w.goto(url)
    w.locator("form[action$='/work/followup-done/'] button").click()
    _ok(w)
    w.locator("#goals form button[type=submit]").first.click()
    _ok(w)
    m.goto(url)
    _open(m, "/work/approval/")
    m.select_option("#id_approval-status", "closed")
    m.fill("#id_approval-closure_reason", "Reintegrated with her family")
    m.locator("form[action$='/work/approval/'] button[type=submit]").click()
    _ok(m)
    s.goto(url)
    s.locator("form[action$='/work/approve/'] button").click()
    _ok(s)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert not Referral.objects.filter(case=case, status__in=["sent", "accepted"]).exists()
    if SHOTS:  # the closed case's page at desktop width, for a look
        s.set_viewport_size({"width": 1280, "height": 900})
        s.goto(url + "#work")
        _shot(s, f"case-closed-desktop-{language}")
    for opened in pages.values():
        opened.context.close()
