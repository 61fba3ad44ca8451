"""Every staff page fits a phone (390 × 844), for every role, in Kazakh and Russian.

Real Chromium (Debian's package) through Playwright. Each role signs in through the pages and
opens every staff page it can reach by the pages' links (tests/staff_pages.py). On every page:

* nothing scrolls sideways: ``document.documentElement.scrollWidth`` ≤ 390;
* the staff menu (but on the offline app, OWN_HEADER) is collapsed into a ``<details>`` (a button, not seven lines of links), and on
  the work page it opens and its links can be used;
* touch targets are at least 44 × 44 CSS px (WCAG 2.2, 2.5.5 Target Size): links, buttons,
  selects, text fields, summaries, and checkboxes and radio buttons measured with their label
  (the label is what one taps). The rule's *inline* exception applies to a link that is part of
  a sentence: a link displayed inline whose nearest block holds other text (a letter or a digit
  outside any link or control), as a hotline number in a line of text. A link on its own
  (a back link, a table cell's link, a list of links) is no sentence and must be 44 × 44;
* no two targets overlap (a bar pinned to the screen, position sticky or fixed, is compared with
  its own targets only: the content scrolls under it by design);
* the same again with every ``<details>`` of the page opened (the forms behind "Record …");
* axe-core finds no accessibility violation on the stacked case list and the open menu.

Set QORGAN_SCREENSHOTS to a folder to keep a full-page screenshot of each page.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest_browser import launch
from tests.staff_pages import EXPECTED, build_data, crawl, view_name
from tests.test_portal_browser import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
MIN = 44
# Pages with a header of their own, without the staff menu: the offline screening app, which
# runs from the device's cache (docs/offline.md).
OWN_HEADER = frozenset({"screening:offline"})
# Reference pages that show every role the same content (but the menu): checked for the first
# role that reaches them.
SAME_FOR_EVERY_ROLE = frozenset(
    {
        "knowledge:catalogue",
        "knowledge:entry",
        "knowledge:source",
        "directory:organisations",
        "directory:organisation",
        "directory:subject_kinds",
        "directory:regions",
    }
)

# Measures the page: its width, the targets smaller than 44 × 44 and the overlapping ones.
MEASURE = """
(min) => {
  const visible = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom + window.scrollY > 0;
  };
  const CONTROL = "a[href], button, select, textarea, summary, input:not([type=hidden])";
  const targets = [];
  for (const el of document.querySelectorAll(
      "header " + CONTROL.split(", ").join(", header ") + ", main " +
      CONTROL.split(", ").join(", main "))) {
    let target = el;
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      target = el.closest("label") ||
        (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el;
    }
    if (!visible(target) || targets.includes(target)) continue;
    targets.push(target);
  }
  const isBlock = (el) => !getComputedStyle(el).display.startsWith("inline");
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && !isBlock(block)) block = block.parentElement;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("a, button, label, select, summary, textarea")) continue;
      if (/[\\p{L}\\p{N}]/u.test(node.textContent)) return true;
    }
    return false;
  };
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return `<${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ")[0] : ""}> ` +
      `"${text.slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`;
  };
  const small = targets.filter((el) => {
    const r = el.getBoundingClientRect();
    return (r.width < min - 0.5 || r.height < min - 0.5) && !inSentence(el);
  }).map(describe);
  // A bar pinned to the screen (position sticky or fixed, like the screening form's buttons)
  // lies over the content scrolled under it by design; it is compared with its own targets only.
  const pinned = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const p = getComputedStyle(e).position;
      if (p === "sticky" || p === "fixed") return e;
    }
    return null;
  };
  const boxes = targets.map((el) => [el, Array.from(el.getClientRects())]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      if (pinned(a) !== pinned(b)) continue;
      const hit = ra.some((p) => rb.some((q) =>
        Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1 &&
        Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1));
      if (hit) overlaps.push(describe(a) + " overlaps " + describe(b));
    }
  }
  const wide = Array.from(document.body.querySelectorAll("*")).filter((el) =>
      el.getBoundingClientRect().right > window.innerWidth + 0.5 &&
      !Array.from(el.children).some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5)
    ).slice(0, 3).map(describe);
  return {
    width: document.documentElement.scrollWidth,
    wide: wide,
    viewport: window.innerWidth,
    small: small,
    overlaps: overlaps.slice(0, 10),
    targets: targets.length,
  };
}
"""


def _check(page: Any, name: str, problems: list[str], shots: Path | None) -> None:
    """The page as it opened, then with every <details> in the content open."""
    for state in ("", " (details open)"):
        if state:
            if not page.locator("main details:not([open])").count():
                return
            page.evaluate(
                "() => document.querySelectorAll('main details').forEach(d => d.open = true)"
            )
        m = page.evaluate(MEASURE, MIN)
        where = f"{name}{state}"
        if m["width"] > WIDTH:
            problems.append(
                f"{where}: {m['width']} px wide, scrolls sideways: {', '.join(m['wide'])}"
            )
        for item in m["small"]:
            problems.append(f"{where}: target under {MIN}×{MIN}: {item}")
        for item in m["overlaps"]:
            problems.append(f"{where}: {item}")
        if shots is not None:
            page.screenshot(
                path=str(shots / (where.replace(" ", "_").replace("/", "_") + ".png")),
                full_page=True,
            )


def _axe(page: Any, base: str, name: str) -> list[str]:
    """axe-core's accessibility rules on the page as it is now (served from the page's origin:
    the Content Security Policy allows no inline script)."""
    page.route(
        "**/__axe__.js", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript")
    )
    page.add_script_tag(url=f"{base}/__axe__.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{name}: axe {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def _menu(page: Any, name: str, problems: list[str]) -> None:
    """Collapsed into a <details> whose links are hidden until it is opened."""
    menu = page.locator("header details.menu")
    if menu.count() != 1 or menu.get_attribute("open") is not None:
        problems.append(f"{name}: the staff menu is not a closed <details>")
        return
    if page.locator("header nav.main-nav a").first.is_visible():
        problems.append(f"{name}: the menu's links show before the menu is opened")


def _sign_in(page: Any, base_url: str, username: str, language: str, problems: list[str]) -> None:
    """Through the pages, checking the sign-in and the second-factor page on the way."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgan.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base_url}/{language}/accounts/login/")
    _check(page, f"{language} login", problems, None)
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/**")
    _check(page, f"{language} two-factor", problems, None)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#token", f"{code:06d}")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/{language}/work/")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_staff_page_fits_a_phone(live_server: Any, make_user: Any, language: str) -> None:
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    shots = Path(os.environ["QORGAN_SCREENSHOTS"]) if os.environ.get("QORGAN_SCREENSHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    data = build_data(make_user)
    problems: list[str] = []
    checked: dict[str, str] = {}  # pages that are the same for every role, checked once
    visited = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for role, user in data.users.items():
                context = browser.new_context(
                    viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US"
                )
                page = context.new_page()
                page.set_default_timeout(15000)
                _sign_in(page, live_server.url, user.username, language, problems)

                # The menu: closed, opens with a tap, its links are usable and fit.
                _menu(page, f"{language} {role} work", problems)
                page.locator("header details.menu > summary").click()
                first = page.locator("header nav.main-nav a").first
                if not first.is_visible():
                    problems.append(f"{language} {role}: the menu does not open")
                _check(page, f"{language} {role} menu open", problems, shots)
                page.locator("header details.menu > summary").click()

                def fetch(url: str, role: str = role, page: Any = page) -> str | None:
                    shared = view_name(url) in SAME_FOR_EVERY_ROLE
                    if shared and url in checked:
                        return checked[url]
                    response = page.goto(live_server.url + url)
                    if response is None or response.status != 200:
                        return None
                    name = f"{language} {role} {url}"
                    if view_name(url) not in OWN_HEADER:
                        _menu(page, name, problems)
                    _check(page, name, problems, shots)
                    html = str(page.content())
                    if shared:
                        checked[url] = html
                    return html

                views = crawl(fetch, language)
                visited += len(views)
                missing = EXPECTED[role] - set(views)
                assert not missing, f"{role} did not reach {sorted(missing)}"
                if role == "supervisor":
                    # htmx (data-hx-* attributes): the other organisations' cases come into the
                    # case page without leaving it.
                    page.goto(live_server.url + views["cases:detail"])
                    page.locator("#person form[data-hx-get] button").click()
                    page.locator("#matches p").wait_for()
                    assert page.url == live_server.url + views["cases:detail"]
                    # axe-core: the stacked table and the open menu.
                    for url in (views["cases:list"], views["work"]):
                        page.goto(live_server.url + url)
                        page.locator("header details.menu > summary").click()
                        problems.extend(_axe(page, live_server.url, f"{language} {url}"))
                context.close()

            # First sign-in: setting up the second factor on the phone.
            newcomer = make_user(username=f"newcomer-{language}")
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            page.goto(f"{live_server.url}/{language}/accounts/login/")
            page.fill("#id_username", newcomer.username)
            page.fill("#id_password", "a-long-test-password")
            page.locator("form.form button[type=submit]").click()
            page.wait_for_url("**/accounts/two-factor/**")
            _check(page, f"{language} two-factor set-up", problems, shots)
            context.close()
        finally:
            browser.close()
    assert visited >= 80
    assert not problems, f"{len(problems)} problems at {WIDTH}×{HEIGHT}:\n" + "\n".join(problems)
