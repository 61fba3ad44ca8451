"""Exports: a supervisor's cases as CSV/XLSX (HTCDS 2.0: test_htcds.py), safe against formula
injection; labour-migration indicators imported all or nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.monitoring.models import ExportJob, MigrationIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client: Any, make_user: Any) -> Any:
    user = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    case = cases.open_case(
        organisation=user.organisation,
        by=user,
        facts=cases.PersonFacts(sex="female", citizenship="UZ", age=17),
        exploitation_forms=["forced_labour"],
    )
    cases.update_person(
        user=user, case=case, expected_version=1, data={"surname": "Tursunova", "iin": ""}
    )
    cases.change_status(
        user=user,
        case=case,
        expected_version=2,
        target="closed",
        closure_reason='=HYPERLINK("http://evil")',
    )
    client.force_login(user)
    return client


def export(client: Any, fmt: str, capture: Any) -> bytes:
    """Ask for an export; the task runs when the request's transaction commits; download it."""
    with capture(execute=True):
        assert client.post("/en/monitoring/exports/", {"fmt": fmt}).status_code == 302
    job = ExportJob.objects.get(fmt=fmt)
    assert job.status == ExportJob.Status.READY
    page = client.get("/en/monitoring/exports/").content.decode()
    assert f"/en/monitoring/exports/{job.pk}/" in page
    response = client.get(f"/en/monitoring/exports/{job.pk}/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return response.content


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_case_export_has_no_names_and_neutralises_formulas(
    supervisor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = read_csv(export(supervisor, "csv", django_capture_on_commit_callbacks))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert "Tursunova" not in str(rows)


def test_xlsx_export_cells_are_text_not_formulas(
    supervisor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    content = export(supervisor, "xlsx", django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_exports_are_for_supervisors(client: Any, make_user: Any) -> None:
    client.force_login(make_user(username="fw", role=Role.FRONTLINE_WORKER, organisation="ORG01"))
    assert client.get("/en/monitoring/exports/").status_code == 403
    assert client.post("/en/monitoring/exports/", {"fmt": "csv"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_export_file_is_encrypted_and_only_for_its_requester(
    supervisor: Any, client: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    from qorgan.core.audit import AuditEvent

    export(supervisor, "csv", django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    with default_storage.open(job.blob, "rb") as handle:
        stored = handle.read()
    assert b"reference" not in stored  # encrypted at rest
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cases_export", "cases_export_download"} <= actions
    other = make_user(username="sup2", role=Role.SUPERVISOR, organisation="ORG01")
    supervisor.force_login(other)
    assert supervisor.get(f"/en/monitoring/exports/{job.pk}/").status_code == 404


def test_bad_format_is_named_and_expired_exports_are_deleted(
    supervisor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.core.files.storage import default_storage

    from qorgan.monitoring.services import purge_expired_exports

    response = supervisor.post("/en/monitoring/exports/", {"fmt": "pdf"}, follow=True)
    assert response.status_code == 200 and "csv, xlsx" in response.content.decode()
    assert not ExportJob.objects.exists()
    export(supervisor, "csv", django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - timedelta(hours=25))
    response = supervisor.get(f"/en/monitoring/exports/{job.pk}/", follow=True)
    assert "expired" in response.content.decode()
    assert purge_expired_exports() == 1
    assert not ExportJob.objects.exists() and not default_storage.exists(job.blob)


def test_export_waits_for_the_task(supervisor: Any) -> None:
    """Before the task has run the page shows the job as being prepared and polls for it."""
    supervisor.post("/en/monitoring/exports/", {"fmt": "csv"})  # on_commit never fires here
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.PENDING
    page = supervisor.get("/en/monitoring/exports/").content.decode()
    assert 'data-hx-trigger="every 2s"' in page and "being prepared" in page
    response = supervisor.get(f"/en/monitoring/exports/{job.pk}/", follow=True)
    assert "not ready" in response.content.decode()


def coordinator(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01"))
    return client


def test_indicator_import_csv(
    client: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Checked first, then imported by a task (more in test_indicator_import.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = coordinator(client, make_user)
    year = timezone.localdate().year
    good = f"year,region,sector,quota,attracted,source,published\n{year},KZ-75,construction,1000,730,Labour Ministry,yes\n{year},KZ-71,agriculture,200,260,akimat,no\n"
    checked = c.post(
        "/en/monitoring/indicators/", {"file": SimpleUploadedFile("q.csv", good.encode())}
    )
    assert MigrationIndicator.objects.count() == 0  # checked only
    with django_capture_on_commit_callbacks(execute=True):
        c.post(checked["Location"])
    assert MigrationIndicator.objects.count() == 2
    assert MigrationIndicator.objects.get(region__code="KZ-71").attracted == 260
    bad = f"year,region,sector,quota,attracted,source,published\n{year},KZ-75,mining,10,5,x,no\n{year},KZ-99,mining,ten,5,x,no\n"
    response = c.post(
        "/en/monitoring/indicators/",
        {"file": SimpleUploadedFile("q.csv", bad.encode())},
        follow=True,
    )
    assert "Row 3" in response.content.decode()
    assert "unknown region" in response.content.decode()
    assert MigrationIndicator.objects.count() == 2  # all or nothing


def test_indicator_import_xlsx_and_wrong_files(
    client: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    c = coordinator(client, make_user)
    book = Workbook()
    book.active.append(["year", "region", "sector", "quota", "attracted", "source", "published"])
    book.active.append([2026, "KZ-47", "oil", 500, 400, "Labour Ministry", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    checked = c.post(
        "/en/monitoring/indicators/", {"file": SimpleUploadedFile("q.xlsx", buffer.getvalue())}
    )
    with django_capture_on_commit_callbacks(execute=True):
        c.post(checked["Location"])
    assert MigrationIndicator.objects.filter(region__code="KZ-47").exists()
    for name, content in (
        ("q.xlsx", b"not a workbook"),
        ("q.txt", b"x"),
        ("q.csv", b"\xff\xfe bad"),
    ):
        response = c.post(
            "/en/monitoring/indicators/", {"file": SimpleUploadedFile(name, content)}, follow=True
        )
        assert response.status_code == 200
        assert "The file was not read" in response.content.decode()
    assert MigrationIndicator.objects.count() == 1
