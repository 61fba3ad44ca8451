"""No raw code on a staff page (issue 13 §5): services, rights, statuses, referral history,
organisations and countries show their label in the user's language.

The staff pages are crawled (tests/staff_pages.py) for the roles that work cases, in Kazakh and
Russian, with a case that has something of everything: services, rights explained, a referral
answered and one sent, a route through another country, a notification. The visible text of
each page (not attributes, scripts or styles) must not contain any of the codes as a word.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone, translation

from qorgan.accounts.roles import Role
from qorgan.cases import services
from qorgan.cases.models import (
    Case,
    CaseStatus,
    FollowUpStatus,
    NotificationKind,
    ObjectiveStatus,
    Referral,
    ReferralStatus,
    RouteEvent,
    RouteStage,
    ServiceType,
)
from qorgan.cases.services import open_case
from qorgan.directory.countries import country_name
from qorgan.directory.models import Organisation
from qorgan.knowledge.catalogue import default_catalogue
from tests.staff_pages import build_data, crawl

pytestmark = pytest.mark.django_db

# Pages whose text is the catalogue or directory itself: a code there is the entry's own
# identifier, shown on purpose next to its name (knowledge/directory reference pages).
REFERENCE_PAGES = frozenset(
    {
        "knowledge:catalogue",
        "knowledge:entry",
        "knowledge:source",
        "knowledge:translations",
        "directory:organisations",
        "directory:organisation",
        "directory:subject_kinds",
        "directory:regions",
        # The import page describes the file's columns, whose cells are codes (ISO countries).
        "cases:import",
    }
)


class _Text(HTMLParser):
    """The text a reader sees: no attributes, no script, style or template content."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def raw_codes() -> set[str]:
    """Every code that must never be read on a page (as a whole word)."""
    codes: set[str] = set()
    for choices in (
        CaseStatus,
        FollowUpStatus,
        NotificationKind,
        ObjectiveStatus,
        ReferralStatus,
        RouteStage,
        ServiceType,
    ):
        codes |= {value for value in choices.values if "_" in value or len(value) > 3}
    catalogue = default_catalogue()
    codes |= {
        entry.code
        for kind in ("victim_right", "migrant_victim_right")
        for entry in catalogue.of_kind(kind)
    }
    codes |= set(Organisation.objects.values_list("code", flat=True))
    codes |= {"UZ", "KZ", "KG", "TJ", "RU", "AF"}  # the countries the test data uses
    return codes


def enrich(data: Any, make_user: Any) -> None:
    """Something of everything on the test case, from both sides of its referral."""
    today = timezone.localdate()
    manager = data.users["case_manager"]
    case = Case.objects.get(pk=data.case.pk)
    org01 = Organisation.objects.get(code="ORG01")
    services.record_rights_explained(
        user=manager,
        case=case,
        rights=["right_free_legal_aid"],
        explained_on=today,
        language="kk",
    )
    services.record_service(
        user=manager, case=case, service="legal", provider=org01, started_on=today
    )
    services.record_route_event(
        user=manager,
        case=case,
        stage="exploitation",
        country="UZ",
        occurred_on=today - timedelta(days=30),
    )
    services.record_notification(
        user=manager, case=case, kind="guardianship_body", sent_on=today, reference="12/3"
    )
    incoming = Referral.objects.filter(to_organisation=org01).first()
    if incoming is not None:
        services.respond_to_referral(user=manager, referral=incoming, accept=True)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_raw_code_on_the_staff_pages(client: Any, make_user: Any, language: str) -> None:
    data = build_data(make_user)
    enrich(data, make_user)
    codes = raw_codes()
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w-])")
    seen: dict[str, list[str]] = {}
    for role in ("case_manager", "supervisor"):
        client.force_login(data.users[role])

        def fetch(url: str) -> str | None:
            response = client.get(url)
            return response.content.decode() if response.status_code == 200 else None

        pages = crawl(fetch, language)
        assert {"cases:detail", "cases:referrals", "work", "notifications:inbox"} <= set(pages)
        # The crawl keeps one case page; the enriched case is read as well.
        pages["cases:detail (the enriched case)"] = f"/{language}/cases/{data.case.pk}/"
        for name, url in pages.items():
            if name in REFERENCE_PAGES:
                continue
            text = visible_text(client.get(url).content.decode())
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 40) : match.end() + 40]
                seen.setdefault(f"{role} {name}", []).append(" ".join(around.split()))
    assert not seen, seen
    # The crawl did read the case's records: their labels are there, in the language.
    client.force_login(data.users["case_manager"])
    case_page = visible_text(client.get(f"/{language}/cases/{data.case.pk}/").content.decode())
    right = next(
        e for e in default_catalogue().of_kind("victim_right") if e.code == "right_free_legal_aid"
    )
    with translation.override(language):
        expected = [
            right.text.get(language),
            country_name("UZ", language),
            str(ServiceType.LEGAL.label),
            {"kk": "Аты-жөні", "ru": "ФИО"}[language],  # the person's name, not "Title"
        ]
    for text in expected:
        assert text in case_page, text


def test_a_place_is_chosen_by_country_and_region_name(client: Any, make_user: Any) -> None:
    """The route form offers countries and regions by name (no ISO codes to type)."""
    manager = make_user(username="manager", role=Role.CASE_MANAGER)
    case = open_case(organisation=manager.organisation, by=manager)
    client.force_login(manager)
    page = client.get(f"/ru/cases/{case.pk}/").content.decode()
    assert '<option value="UZ">Узбекистан</option>' in page
    assert "ISO 3166" not in visible_text(page)
    for country, region in (("KZ", "KZ-75"), ("UZ", "")):
        client.post(
            f"/ru/cases/{case.pk}/route/",
            {"route-stage": "exploitation", "route-country": country, "route-region": region},
        )
    events = RouteEvent.objects.filter(case=case).order_by("pk")
    assert [(e.country, e.region and e.region.code) for e in events] == [
        ("KZ", "KZ-75"),
        ("UZ", None),
    ]
    text = " ".join(visible_text(client.get(f"/ru/cases/{case.pk}/").content.decode()).split())
    assert "Эксплуатация: Казахстан" in text and "Эксплуатация: Узбекистан" in text
