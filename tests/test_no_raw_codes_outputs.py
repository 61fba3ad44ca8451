"""No raw code in an export or a notification (issue 13 §5), in Kazakh and Russian.

The staff pages are crawled by tests/test_no_raw_codes.py; here the files and messages are made
the way users get them, from the same case (services, rights, statuses, a route through another
country, referrals both ways), and every cell and line is read for the codes:

- the supervisor's case file (CSV, XLSX), asked for and downloaded through the exports page;
- the statistics report for the commissions (CSV, XLSX, PDF);
- the screening's plan (PDF);
- the audit log's export: the columns people read (time, user, organisation, action, case); the
  recorded event itself (action code, object, detail, hash) follows them verbatim, because the
  hash chain is verified over it;
- every kind of notification, each made by the flow that sends it: the inbox in both languages
  and the e-mail.

HTCDS 2.0 and the open-data files are standard formats whose cells are codes by design.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone, translation
from openpyxl import load_workbook

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.approvals import request_approval
from qorgan.cases.followups import add_followup
from qorgan.cases.models import CaseStatus, ExplanationLanguage, Referral, Sex
from qorgan.cases.participation import request_handover
from qorgan.cases.tasks import remind_followups, remind_overdue
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.countries import country_name
from qorgan.directory.models import Organisation, Region, SubjectKind
from qorgan.hotline.models import Contact
from qorgan.hotline.services import report_to_police
from qorgan.knowledge.catalogue import default_catalogue
from qorgan.monitoring.models import ExportJob
from qorgan.notifications.models import Notification, NotificationKind
from qorgan.notifications.services import deliver_email, email_text
from qorgan.portal.services import publish_daily_digest
from tests.staff_pages import build_data
from tests.test_no_raw_codes import enrich, raw_codes, visible_text

pytestmark = pytest.mark.django_db
LANGUAGES = ["kk", "ru"]


def output_codes() -> set[str]:
    """The pages' codes, and those the files could carry: sexes, age and citizenship "unknown",
    forms of exploitation, detecting subject kinds, regions, audit actions, notification kinds,
    the languages rights are explained in, the names of records ("cases.Referral")."""
    codes = raw_codes()
    codes |= set(Sex.values)
    codes |= {e.code for e in default_catalogue().of_kind("exploitation_form")}
    codes |= set(SubjectKind.objects.values_list("code", flat=True))
    codes |= set(Region.objects.values_list("code", flat=True))
    codes |= {value for value in AuditAction.values if "_" in value}
    codes |= set(NotificationKind.values)
    codes |= {value for value in ExplanationLanguage.values if len(value) > 2}
    codes |= {"anonymous_report"}
    codes |= {model._meta.label for model in apps.get_models()}  # "cases.Referral"
    codes |= {  # the fields an audit event names: "date_of_birth", "legal_representative"
        field.name
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if "_" in field.name
    }
    return codes


def finder(codes: set[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w-])")


def found(pattern: re.Pattern[str], texts: list[str]) -> list[str]:
    """The codes read in ``texts``, each with the words around it."""
    hits = []
    for text in texts:
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 30) : match.end() + 30]
            hits.append(" ".join(around.split()))
    return hits


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes) -> list[list[str]]:
    book = load_workbook(io.BytesIO(content))
    return [
        ["" if value is None else str(value) for value in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def data(make_user: Any) -> Any:
    data = build_data(make_user)
    enrich(data, make_user)
    manager = data.users["case_manager"]
    case = data.case
    case.refresh_from_db()
    cases.update_case_details(
        user=manager,
        case=case,
        expected_version=case.version,
        data={"exploitation_forms": ["forced_labour", "sexual_exploitation"]},
    )
    return data


def download(client: Any, language: str, capture: Any, post: dict[str, str], url: str) -> bytes:
    """Ask for a file on a page (the task runs once the request's transaction commits) and
    download it from the exports page."""
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with capture(execute=True):
        assert client.post(url, post).status_code == 302
    job = ExportJob.objects.exclude(pk__in=before).get()
    assert job.status == ExportJob.Status.READY, job.status
    response = client.get(f"/{language}/monitoring/exports/{job.pk}/")
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_case_file_shows_labels_not_codes(
    client: Any, data: Any, language: str, fmt: str, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(data.users["supervisor"])
    content = download(
        client,
        language,
        django_capture_on_commit_callbacks,
        {"fmt": fmt},
        f"/{language}/monitoring/exports/",
    )
    rows = csv_cells(content) if fmt == "csv" else xlsx_cells(content)
    assert len(rows) >= 2
    hits = found(finder(output_codes()), [" | ".join(row) for row in rows])
    assert not hits, hits
    # The labels are there instead, in the language the file was asked in.
    case = data.case
    case.refresh_from_db()
    row = next(r for r in rows if r[0] == case.reference)
    forced_labour = next(
        e for e in default_catalogue().of_kind("exploitation_form") if e.code == "forced_labour"
    )
    with translation.override(language):
        assert rows[0][1] == str(translation.gettext("Status"))
        assert row[1] == str(CaseStatus(case.status).label)
        assert row[5] == str(Sex.FEMALE.label)
        assert row[7] == country_name(case.stat_citizenship, language)
        assert forced_labour.text.get(language) in row[8]
    org01 = Organisation.objects.get(code="ORG01")
    assert row[2] == getattr(org01, f"name_{language}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_the_statistics_report_shows_labels_not_codes(
    client: Any, data: Any, language: str, fmt: str, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(data.users["coordinator"])
    today = timezone.localdate()
    content = download(
        client,
        language,
        django_capture_on_commit_callbacks,
        {"start": f"{today.year}-01-01", "end": today.isoformat()},
        f"/{language}/monitoring/report.{fmt}",
    )
    if fmt == "pdf":
        texts = [pdf_text(content)]
    else:
        rows = csv_cells(content) if fmt == "csv" else xlsx_cells(content)
        texts = [" | ".join(row) for row in rows]
    hits = found(finder(output_codes()), texts)
    assert not hits, hits


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_screening_plan_pdf_shows_labels_not_codes(
    client: Any, data: Any, language: str
) -> None:
    case = data.case
    screening = case.screenings.first()
    assert screening is not None
    client.force_login(data.users["frontline_worker"])
    response = client.get(f"/{language}/screening/{screening.pk}/plan.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    hits = found(finder(output_codes()), [text])
    assert not hits, hits


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_export_names_actions_organisations_and_cases(
    client: Any, data: Any, language: str
) -> None:
    client.force_login(data.users["administrator"])
    rows = csv_cells(client.get(f"/{language}/audit/export.csv").content)
    header, events = rows[0], rows[1:]
    with translation.override(language):
        read = [
            str(translation.gettext(name))
            for name in ("Time", "User", "Organisation", "Action", "Case", "Kind of record")
        ]
        read.append(str(translation.gettext("Fields")))
    assert header[: len(read)] == read
    assert events
    hits = found(finder(output_codes()), [" | ".join(row[: len(read)]) for row in events])
    assert not hits, hits
    case = data.case
    case.refresh_from_db()
    with translation.override(language):
        opened = str(AuditAction.CREATE.label)
    assert any(row[3] == opened and row[4] == case.reference for row in events)
    org01 = Organisation.objects.get(code="ORG01")
    assert any(row[2] == getattr(org01, f"name_{language}") for row in events)


def every_notification(data: Any, make_user: Any) -> list[Notification]:
    """Every kind of notification, each sent by its own flow on the test case and its
    referrals."""
    today = timezone.localdate()
    manager = data.users["case_manager"]
    case = data.case
    case.refresh_from_db()
    org02 = Organisation.objects.get(code="ORG02")
    org03 = Organisation.objects.get(code="ORG03")
    org02_supervisor = make_user(username="org02-sup", role=Role.SUPERVISOR, organisation="ORG02")
    org03_manager = make_user(username="org03-man", role=Role.CASE_MANAGER, organisation="ORG03")
    to_org02 = Referral.objects.get(case=case, to_organisation=org02)
    # Unanswered past its due date (overdue), then accepted.
    Referral.objects.filter(pk=to_org02.pk).update(due_on=today - timedelta(days=1))
    assert remind_overdue() >= 1
    cases.respond_to_referral(user=org02_supervisor, referral=to_org02, accept=True)
    # Another referral, declined.
    consent = case.consents.filter(withdrawn_on__isnull=True).first()
    declined = cases.send_referral(
        user=manager,
        case=case,
        to_organisation=org03,
        services=["medical"],
        due_on=today + timedelta(days=3),
        consent=consent,
    )
    cases.respond_to_referral(user=org03_manager, referral=declined, accept=False, reason="—")
    # A follow-up due today, reminded.
    add_followup(user=manager, case=case, task="Call back", due_on=today)
    assert remind_followups() >= 1
    # The case handed over to the organisation that accepted its referral.
    request_handover(user=manager, case=case, to_organisation=org02, consent=consent)
    # The identification decision, sent to a supervisor.
    case.refresh_from_db()
    request_approval(
        user=manager,
        case=case,
        target=CaseStatus.IDENTIFIED,
        identification_date=today,
        identification_body="Алматы қаласының полиция департаменті",
    )
    # Yesterday's anonymous reports announced.
    publish_daily_digest(today + timedelta(days=1))
    # A hotline's tip reported to the police (the crisis call alerted its line already).
    police = Organisation.objects.create(
        code="police_almaty",
        kind=SubjectKind.objects.get(code="police"),
        name_kk="Алматы қаласы Полиция департаменті",
        name_ru="Департамент полиции города Алматы",
        name_en="Almaty City Police Department",
        region=Region.objects.get(code="KZ-75"),
    )
    tip = Contact.objects.get(contact_type="tip")
    report_to_police(
        user=data.users["frontline_worker"],
        contact=tip,
        police=police,
        share_account=False,
        share_caller=False,
    )
    return list(Notification.objects.select_related("organisation"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_notification_shows_a_code(
    client: Any, data: Any, make_user: Any, language: str, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications = every_notification(data, make_user)
    kinds = {n.kind for n in notifications}
    assert kinds == set(NotificationKind.values), set(NotificationKind.values) - kinds
    pattern = finder(output_codes())
    # The inbox of each organisation that got one, read by a user of it.
    for code in sorted({n.organisation.code for n in notifications}):
        reader = make_user(username=f"reader-{code}", role=Role.SUPERVISOR, organisation=code)
        client.force_login(reader)
        response = client.get(f"/{language}/inbox/")
        assert response.status_code == 200
        page = visible_text(response.content.decode())
        hits = found(pattern, [page])
        assert not hits, (code, hits)
        with translation.override(language):
            for notification in notifications:
                if notification.organisation.code == code:
                    assert str(NotificationKind(notification.kind).label) in page
    # The e-mail: in Kazakh and in Russian, with links to the pages in each.
    mail.outbox.clear()
    for notification in notifications:
        Notification.objects.filter(pk=notification.pk).update(emailed=False)
        subject, body = email_text(notification)
        hits = found(pattern, [subject, body])
        assert not hits, (notification.kind, hits)
        for lang in ("kk", "ru"):
            with translation.override(lang):
                label = str(NotificationKind(notification.kind).label)
            assert label in subject and label in body
        assert "/kk/" in body and "/ru/" in body
        assert deliver_email(notification.pk) or not notification.organisation.email
    assert mail.outbox
    for message in mail.outbox:
        assert not found(pattern, [message.subject, message.body])
