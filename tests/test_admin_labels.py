"""The admin speaks the user's language (issue 15 §3): every label of every admin page —
the index's apps and models, a list's columns, filters and actions, a form's fields and
sections — differs between Kazakh (or Russian) and English. A label that reads the same in
both is a string nobody translated: django-axes' "Access attempts", a field named "Note kk".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import axes
import polib
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin

from qorgan.accounts.roles import Role

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")
# Words that are the same in every language: names of protocols, headers and algorithms.
SAME_EVERYWHERE = {"http", "accept", "user", "agent", "get", "post", "sha256", "totp", "iso"}


class _Labels(HTMLParser):
    """The texts of the page's labels: headings, captions, column headers (not the rows'),
    form labels, fieldset titles, filter titles, the actions' names, the buttons."""

    TAGS = {"h1", "h2", "h3", "caption", "label", "legend", "summary", "button"}

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self._open: list[tuple[str, list[str]]] = []
        self._in_thead = False
        self._in_action_select = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "thead":
            self._in_thead = True
        if tag == "select" and values.get("name") == "action":
            self._in_action_select = True
        if tag == "input" and values.get("type") == "submit" and values.get("value"):
            self.labels.add(str(values["value"]).strip())
        if (
            tag in self.TAGS
            or (tag == "th" and (self._in_thead or values.get("scope") == "row"))
            or (tag == "option" and self._in_action_select)
        ):
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_thead = False
        if tag == "select":
            self._in_action_select = False
        if self._open and self._open[-1][0] == tag:
            _tag, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.labels.add(text)

    def handle_data(self, data: str) -> None:
        for _tag, parts in self._open:
            parts.append(data)


def _labels(client: Any, language: str, path: str) -> set[str]:
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200, (language, path, response.status_code)
    parser = _Labels()
    parser.feed(response.content.decode())
    title = response.context.get("original") if response.context else None
    # A change page's subtitle is the object itself (its data), not a label.
    return parser.labels - ({str(title)} if title is not None else set())


def _words(labels: set[str]) -> set[str]:
    return {w.casefold() for label in labels for w in LATIN_WORD.findall(label)}


def _admin_pages() -> list[str]:
    """The index; every model's list, its first row's page and, where one may add, its form."""
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
        if model_admin.has_add_permission.__func__ is admin.ModelAdmin.has_add_permission:
            pages.append(f"{base}add/")  # the admins that decide themselves say "never"
    return pages


@pytest.fixture
def root_client(client: Any, make_user: Any) -> Any:
    user = make_user(
        username="root",
        role=Role.ADMINISTRATOR,
        organisation="ORG02",
        is_staff=True,
        is_superuser=True,
    )
    # One row in each of django-axes' lists, so their columns and filters are drawn.
    fields = {"user_agent": "Firefox", "ip_address": "10.0.0.1", "username": "x"}
    AccessAttempt.objects.create(
        **fields, http_accept="*/*", path_info="/kk/accounts/login/", failures_since_start=2
    )
    AccessLog.objects.create(**fields, http_accept="*/*", path_info="/kk/accounts/login/")
    AccessFailureLog.objects.create(**fields, http_accept="*/*", path_info="/kk/accounts/login/")
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_admin_label_is_left_in_english(root_client: Any, language: str) -> None:
    untranslated = {}
    for path in _admin_pages():
        english = _labels(root_client, "en", path)
        translated = _labels(root_client, language, path)
        # An English word of the page's English labels inside a translated label: the label,
        # or part of it ("kind бойынша"), was not translated.
        english_words = _words(english) - SAME_EVERYWHERE
        same = {label for label in translated if _words({label}) & english_words}
        if same:
            untranslated[path] = sorted(same)
    assert untranslated == {}, "\n".join(f"{p}: {v}" for p, v in untranslated.items())


def test_axes_lists_are_named_in_kazakh(root_client: Any) -> None:
    """The labels the issue named: django-axes' lists, in the index and on their own page."""
    index = _labels(root_client, "kk", "/admin/")
    assert {"Жүйеге кірулер", "Кіру әрекеттері", "Сәтсіз кірулер", "Кіру журналы"} <= index
    attempts = _labels(root_client, "kk", "/admin/axes/accessattempt/")
    assert {"IP мекенжайы", "Мәртебесі", "Әрекет уақыты"} <= attempts, sorted(attempts)
    page = root_client.get("/ru/admin/axes/accessattempt/").content.decode()
    assert "Осталось попыток: 3" in page  # 5 allowed, 2 failed: axes wrote "3 Attempt Remaining"


AXES_MSGID = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_axes_string_is_translated(language: str) -> None:
    """Each gettext string of django-axes' code has a translation Qorgan ships (axes has no
    Kazakh catalogue, and its Russian one lacks the newer strings)."""
    msgids = {
        match
        for source in Path(axes.__file__).parent.glob("*.py")
        for match in AXES_MSGID.findall(source.read_text())
    }
    assert {"access attempts", "IP Address", "Clean up expired attempts"} <= msgids
    translated = {
        entry.msgid
        for locale in settings.LOCALE_PATHS
        if (Path(locale) / language / "LC_MESSAGES" / "django.po").exists()
        for entry in polib.pofile(str(Path(locale) / language / "LC_MESSAGES" / "django.po"))
        if entry.translated()
    }
    assert sorted(msgids - translated) == []
