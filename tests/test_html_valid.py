"""The staff pages are valid HTML: the Nu HTML Checker (vnu, the W3C's checker) finds no error.

Every staff page each role can open (found by following the pages' links, see staff_pages.py),
in Kazakh and Russian, the sign-in pages and the htmx fragments are rendered through the test
client, written to a folder and checked by one run of vnu (Java, from the npm package vnu-jar
that scripts/test.sh installs).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.staff_pages import EXPECTED, NOT_STAFF_VIEWS, STAFF_VIEWS, build_data, crawl

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("kk", "ru")


def _html(response: Any) -> str | None:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    return str(response.content.decode())


def _fragment(body: str, language: str) -> str:
    """An htmx fragment in the smallest valid document, so that vnu checks the fragment."""
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>fragment</title></head><body>{body}</body></html>"
    )


def _sign_in(client: Client, username: str, language: str) -> None:
    """The first step of the sign-in (the password); the second factor is still to come."""
    response = client.post(
        f"/{language}/accounts/login/",
        {"username": username, "password": "a-long-test-password"},
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _account_pages(make_user: Any) -> dict[str, str]:
    """Sign-in, first set-up of the second factor, backup codes, the code, the locked page."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation
    from django_otp.oath import totp

    from qorgan.accounts import two_factor

    pages: dict[str, str] = {}
    for language in LANGUAGES:
        client = Client()
        pages[f"{language}-login"] = _html(client.get(f"/{language}/accounts/login/")) or ""
        user = make_user(username=f"new-{language}")
        _sign_in(client, user.username, language)
        pages[f"{language}-two-factor-setup"] = (
            _html(client.get(f"/{language}/accounts/two-factor/")) or ""
        )
        device = two_factor.pending_totp(user)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        pages[f"{language}-backup-codes"] = (
            _html(client.post(f"/{language}/accounts/two-factor/", {"token": code})) or ""
        )
        again = Client()
        _sign_in(again, user.username, language)
        pages[f"{language}-two-factor-verify"] = (
            _html(again.get(f"/{language}/accounts/two-factor/")) or ""
        )
        request = RequestFactory().get(f"/{language}/accounts/login/")
        request.user = user
        with translation.override(language):
            pages[f"{language}-locked"] = render_to_string(
                "accounts/locked.html", {"current_language": language}, request=request
            )
    for name, html in pages.items():
        assert "<!doctype html>" in html.lower(), f"{name} did not render"
    return pages


def _staff_pages(make_user: Any) -> dict[str, str]:
    data = build_data(make_user)
    pages: dict[str, str] = {}
    for role, user in data.users.items():
        client = Client()
        client.force_login(user)
        for language in LANGUAGES:
            found: dict[str, str] = {}

            def fetch(url: str, client: Client = client, found: dict[str, str] = found) -> Any:
                html = _html(client.get(url))
                if html is not None:
                    found[url] = html
                return html

            views = crawl(fetch, language)
            missing = EXPECTED[role] - set(views)
            assert not missing, f"{role} did not reach {sorted(missing)}"
            for name, url in views.items():
                pages[f"{language}-{role}-{name}"] = found[url]
            if "cases:detail" in views:  # the htmx fragment: other organisations' cases
                matches = client.get(
                    f"/{language}/cases/{data.case.pk}/matches/", headers={"HX-Request": "true"}
                )
                pages[f"{language}-{role}-cases-matches"] = _fragment(
                    matches.content.decode(), language
                )
    return pages


def _vnu(folder: Path) -> list[dict[str, Any]]:
    java = shutil.which("java")
    assert java, "Java is missing: bash scripts/install-system-packages.sh (default-jre-headless)"
    assert VNU.is_file(), f"{VNU} is missing: npm ci (package.json pins vnu-jar)"
    files = sorted(str(p) for p in folder.glob("*.html"))
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(run.stderr or run.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def test_every_staff_page_is_valid_html(make_user: Any, tmp_path: Path) -> None:
    pages = {**_staff_pages(make_user), **_account_pages(make_user)}
    assert len(pages) > 100
    for name, html in pages.items():
        (tmp_path / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', name)}.html").write_text(
            html, encoding="utf-8"
        )
    errors = _vnu(tmp_path)
    listed = "\n".join(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{(m.get('extract') or '').strip()[:80]}]"
        for m in errors
    )
    assert not errors, f"{len(errors)} HTML errors:\n{listed}"


def _page_views() -> set[str]:
    """Every named view under the language prefix (/kk/, /ru/, /en/), Django's admin left out."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    def walk(patterns: list[Any], namespace: str, localised: bool) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
                names |= walk(
                    pattern.url_patterns,
                    inner,
                    localised or isinstance(pattern.pattern, LocalePrefixPattern),
                )
            elif localised and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return {n for n in walk(get_resolver().url_patterns, "", False) if not n.startswith("admin:")}


def test_every_page_is_known_as_staff_page_or_not() -> None:
    """A new page cannot escape the phone and HTML checks: each view is listed as a staff page
    (checked) or as public, a file, a fragment or a form action (tests/staff_pages.py)."""
    views = _page_views()
    assert "cases:list" in views and "portal:signs" in views
    assert not STAFF_VIEWS & NOT_STAFF_VIEWS
    assert sorted(views - STAFF_VIEWS - NOT_STAFF_VIEWS) == []
    assert sorted((STAFF_VIEWS | NOT_STAFF_VIEWS) - views) == []
