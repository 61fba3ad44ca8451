"""The staff pages, for the tests that look at every one of them (phone layout, HTML validity).

``build_data`` makes one user per role and a little of everything a staff page lists, so that no
list is empty; ``crawl`` finds every staff page a signed-in user can open by following the links
of the pages, from the work page on, and keeps one URL per page (per Django view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation

# The views that are staff pages (HTML, shown in Qorgan's staff layout).
STAFF_VIEWS = frozenset(
    {
        "work",
        "screening:list",
        "screening:new",
        "screening:detail",
        "cases:list",
        "cases:detail",
        "cases:referrals",
        "cases:incidents",
        "cases:incident",
        "cases:duplicates",
        "cases:import",
        "cases:import_job",
        "portal:triage_list",
        "portal:triage_detail",
        "monitoring:home",
        "monitoring:dashboard",
        "monitoring:duties",
        "monitoring:activities",
        "monitoring:indicators",
        "monitoring:indicator_import",
        "monitoring:risk",
        "monitoring:exports",
        "notifications:inbox",
        "knowledge:catalogue",
        "knowledge:entry",
        "knowledge:source",
        "knowledge:translations",
        "directory:organisations",
        "directory:organisation",
        "directory:subject_kinds",
        "directory:regions",
        "audit_log",
        "accounts:password_change",
        "accounts:approvals",
        "accounts:approval_decide",
        "screening:offline",
        "hotline:desk",
        "hotline:contact",
        "hotline:edit",
        "hotline:handover",
        "hotline:directory",
        "hotline:readout",
        "hotline:statistics",
    }
)
# Not pages of the staff layout: the public portal, files, fragments and form actions, the
# sign-in steps (tests/test_html_valid.py renders those itself) and Django's own admin site.
# tests/test_html_valid.py fails when a view is in neither list.
NOT_STAFF_VIEWS = frozenset(
    {
        "home",
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor",
        "audit_export",
        "cases:action",
        "cases:work",
        "cases:attachment",
        "cases:matches",
        "cases:referral_action",
        "cases:incident_action",
        "cases:duplicate_action",
        "cases:import_template",
        "cases:case_incident",
        "notifications:read",
        "monitoring:download_export",
        "monitoring:open_data",
        "monitoring:report",
        "screening:pdf",
        "knowledge:translations_po",
        "knowledge:interface_po",
        "screening:plan",
        "screening:tick",
        "screening:offline_data",
        "screening:offline_manifest",
        "screening:offline_sw",
        "screening:offline_whoami",
        "portal:card",
        "portal:card_pdf",
        "portal:control",
        "portal:help",
        "portal:hotlines",
        "portal:migrants",
        "portal:report",
        "portal:report_status",
        "portal:rights",
        "portal:safety",
        "portal:signs",
        "portal:what_to_do",
        "portal:triage_action",
        "hotline:take",
        "hotline:refer",
        "hotline:police",
        "hotline:open_case",
        "hotline:link",
        "hotline:follow_up_done",
    }
)

ROLES = ("frontline_worker", "case_manager", "supervisor", "coordinator", "administrator")

# Pages each role must reach (a crawl that finds fewer has lost a link, or a page failed).
_EVERYONE = {
    "work",
    "knowledge:catalogue",
    "knowledge:entry",
    "knowledge:source",
    "directory:organisations",
    "directory:organisation",
    "directory:subject_kinds",
    "directory:regions",
    "accounts:password_change",
}
_PERSON_WORK = _EVERYONE | {
    "screening:new",
    "screening:list",
    "screening:detail",
    "cases:list",
    "cases:detail",
    "cases:referrals",
    "cases:incidents",
    "cases:incident",
    "cases:duplicates",
    "portal:triage_list",
    "portal:triage_detail",
    "monitoring:home",
    "monitoring:activities",
    "notifications:inbox",
}
_IMPORT = {"cases:import", "cases:import_job"}  # case managers and supervisors (issue 13 §4)
_STATISTICS = {
    "monitoring:home",
    "monitoring:dashboard",
    "monitoring:duties",
    "monitoring:indicators",
    "monitoring:risk",
    "monitoring:exports",
}
# The hotline desk (docs/hotline.md): the worker answers ORG01's line, the supervisor supervises
# it; the case manager reads the crisis ORG01 was alerted about; statistics for the others.
_HOTLINE = {
    "hotline:desk",
    "hotline:contact",
    "hotline:edit",
    "hotline:handover",
    "hotline:directory",
    "hotline:readout",
    "hotline:statistics",
}
EXPECTED: dict[str, set[str]] = {
    "frontline_worker": _PERSON_WORK | _HOTLINE,
    "case_manager": _PERSON_WORK | _IMPORT | {"hotline:contact"},
    "supervisor": _PERSON_WORK | _IMPORT | _STATISTICS | _HOTLINE,
    "coordinator": _EVERYONE
    | _STATISTICS
    | {
        "monitoring:activities",
        "notifications:inbox",
        "hotline:statistics",
        "monitoring:indicator_import",  # the coordinator's own import of indicators
    },
    "administrator": _EVERYONE | _STATISTICS | {"audit_log", "hotline:statistics"},
}


@dataclass
class StaffData:
    users: dict[str, Any]  # role -> user
    case: Any


def build_data(make_user: Callable[..., Any]) -> StaffData:
    """One user per role at ORG01 (a help organisation that also triages anonymous reports), and
    a case with a person, a screening with its plan, referrals both ways, an anonymous report,
    prevention work, a labour-migration figure and a finished export."""
    from django.utils import timezone

    from qorgan.accounts.roles import Role
    from qorgan.cases import services as cases
    from qorgan.directory.models import Organisation, Region
    from qorgan.monitoring.models import (
        ExportJob,
        IndicatorImport,
        MigrationIndicator,
        PreventionActivity,
    )
    from qorgan.portal.models import Report
    from qorgan.screening.services import store_screening

    users = {
        Role.FRONTLINE_WORKER.value: make_user(username="worker", role=Role.FRONTLINE_WORKER),
        Role.CASE_MANAGER.value: make_user(username="manager", role=Role.CASE_MANAGER),
        Role.SUPERVISOR.value: make_user(username="supervisor", role=Role.SUPERVISOR),
        Role.COORDINATOR.value: make_user(username="coordinator", role=Role.COORDINATOR),
        Role.ADMINISTRATOR.value: make_user(
            username="administrator", role=Role.ADMINISTRATOR, organisation=""
        ),
    }
    org01 = Organisation.objects.get(code="ORG01")
    org02 = Organisation.objects.get(code="ORG02")
    Organisation.objects.filter(pk=org01.pk).update(triages_reports=True)
    today = timezone.localdate()
    manager = users[Role.CASE_MANAGER.value]
    almaty = Region.objects.get(code="KZ-75")

    screening = store_screening(
        user=users[Role.FRONTLINE_WORKER.value],
        data={
            "location": {"country": "KZ", "region": "KZ-75"},
            "person": {"age": 15, "minor": None, "sex": "female", "citizenship": "KZ"},
            "signs": ["S01"],
            "risk_groups": [],
            "places": [],
            "physical_injuries": True,
            "accepts_help": True,
        },
        consent_to_referral=True,
    )
    case = screening.case or cases.open_case(organisation=org01, by=manager, region=almaty)
    case.refresh_from_db()
    cases.update_person(
        user=manager,
        case=case,
        expected_version=case.version,
        data={"surname": "Қасымова", "given_name": "Әсел", "citizenship": "UZ"},
    )
    consent = cases.record_consent(
        user=manager, case=case, purpose="referral", form="written", given_on=today, recipient=None
    )
    cases.send_referral(
        user=manager,
        case=case,
        to_organisation=org02,
        services=["psychological"],
        due_on=today + timedelta(days=3),
        consent=consent,
    )
    # A referral the other way: ORG02's case, referred to ORG01 (the referral inbox).
    sender = make_user(username="org02-manager", role=Role.CASE_MANAGER, organisation="ORG02")
    theirs = cases.open_case(organisation=org02, by=sender)
    their_consent = cases.record_consent(
        user=sender, case=theirs, purpose="referral", form="oral", given_on=today, recipient=org01
    )
    cases.send_referral(
        user=sender,
        case=theirs,
        to_organisation=org01,
        services=["temporary_accommodation", "legal"],
        due_on=today + timedelta(days=3),
        note="Жатақхана қажет",
        consent=their_consent,
    )
    Report.objects.create(
        number=1,
        receipt_index="staff-pages-test",
        received_on=today,
        language="kk",
        what="Көршінің үйінде паспорттары алынған жұмысшылар тұрады.",
        region=almaty,
        place="Алматы",
    )
    PreventionActivity.objects.create(
        organisation=org01,
        kind="training",
        direction="cooperation",
        title="Оқыту семинары",
        held_on=today,
        region=almaty,
        reach=40,
        recorded_by=manager,
    )
    MigrationIndicator.objects.create(
        year=today.year,
        region=almaty,
        sector="Құрылыс",
        quota=1000,
        attracted=640,
        source="Еңбек министрлігі",
        published=True,
        recorded_by=users[Role.COORDINATOR.value],
    )
    IndicatorImport.objects.create(  # a checked file with a problem (issue 16, finding 7)
        requested_by=users[Role.COORDINATOR.value],
        file_name="квоталар.xlsx",
        rows=3,
        problems=[{"row": 4, "column": "region", "message": "белгісіз өңір: оның кодын жазыңыз"}],
    )
    for role in (Role.SUPERVISOR.value, Role.COORDINATOR.value):
        ExportJob.objects.create(
            requested_by=users[role],
            kind=ExportJob.Kind.REPORT,
            fmt="csv",
            params={"start": str(today.replace(day=1)), "end": str(today), "region": "KZ-75"},
            status=ExportJob.Status.READY,
            rows=12,
            blob="none",
            finished_at=timezone.now(),
        )
    ExportJob.objects.create(  # being prepared: the page polls for it (htmx)
        requested_by=users[Role.SUPERVISOR.value], kind=ExportJob.Kind.CASES, fmt="xlsx"
    )
    from tests.hotline_data import hotline_data

    hotline_data(users)
    # An incident with the case, and a checked import with its problems (issue 13 §3–4).
    from qorgan.cases import incidents
    from qorgan.cases.models import ImportJob

    incident = incidents.open_incident(user=manager, kind="workplace", people_reported=3)
    incidents.add_person(user=manager, incident=incident, case=case)
    ImportJob.objects.create(
        organisation=org01,
        requested_by=manager,
        fmt="register",
        file_name="register.xlsx",
        rows=2,
        problems=[{"row": 3, "column": "ЖСН", "message": "ЖСН 12 цифрдан тұрады"}],
    )
    return StaffData(users=users, case=case)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def view_name(url: str) -> str | None:
    """The Django view of a URL, in the URL's language (i18n patterns resolve only the active
    language's prefix)."""
    path = urlsplit(url).path
    language = path.strip("/").split("/")[0]
    with translation.override(language if language in ("kk", "ru", "en") else None):
        try:
            return resolve(path).view_name
        except Resolver404:
            return None


def crawl(fetch: Callable[[str], str | None], language: str, limit: int = 80) -> dict[str, str]:
    """Every staff page reachable by links from the work page: {view name: first URL found}.

    ``fetch(url)`` returns the page's HTML, or None when the page did not open (403, 404, a
    redirect). Only links in ``language`` are followed; one URL is kept per view."""
    start = f"/{language}/work/"
    found: dict[str, str] = {}
    queue = [start]
    seen: set[str] = set()
    while queue and len(found) < limit:
        url = queue.pop(0)
        name = view_name(url)
        if url in seen or name not in STAFF_VIEWS or name in found:
            continue
        seen.add(url)
        html = fetch(url)
        if html is None:
            continue
        found[name] = url
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith(f"/{language}/"):
                continue
            if parts.path.endswith((".pdf", ".csv", ".xlsx")):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if view_name(link) in STAFF_VIEWS and view_name(link) not in found:
                queue.append(link)
    return found
