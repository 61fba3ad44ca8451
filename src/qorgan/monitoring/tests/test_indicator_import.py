"""The labour-migration indicator import runs in the task system (issue 16, finding 7), through
the same mechanism as the case-register import (``core.importjobs``): limits refused at once,
a dry run with problems by row and column, the file stored encrypted, the import queued and run
as a task (``core.tasks``), all rows or none, the stored file deleted whatever the result."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from qorgan.accounts.roles import Role
from qorgan.cases.models import ImportJob
from qorgan.core.audit_actions import AuditAction
from qorgan.core.models import AuditEvent
from qorgan.core.spreadsheet import SpreadsheetLimitError
from qorgan.core.tests.test_spreadsheet_limits import workbook
from qorgan.directory.models import Region
from qorgan.monitoring import services
from qorgan.monitoring.models import IndicatorImport, MigrationIndicator

pytestmark = pytest.mark.django_db

HEADER = "year,region,sector,quota,attracted,source,published\n"


def year() -> int:
    return timezone.localdate().year


def good_file() -> bytes:
    return (
        f"{HEADER}{year()},KZ-75,construction,1000,730,Labour Ministry,yes\n"
        f"{year()},kz-71,agriculture,200,260,akimat,no\n"
    ).encode()


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")


@pytest.fixture
def recorded(coordinator: Any) -> MigrationIndicator:
    """A figure stored before any import: a failed import must leave it as it is."""
    return MigrationIndicator.objects.create(
        year=year(),
        region=Region.objects.get(code="KZ-75"),
        sector="construction",
        quota=900,
        attracted=100,
        source="earlier",
        recorded_by=coordinator,
    )


def stored() -> list[tuple[str, str, int, int]]:
    return sorted(
        MigrationIndicator.objects.values_list("region__code", "sector", "quota", "attracted")
    )


# --- Services -------------------------------------------------------------------------------


def test_dry_run_lists_each_problem_by_row_and_column_in_the_users_language(
    coordinator: Any, recorded: MigrationIndicator
) -> None:
    content = (
        f"Year,Region,Sector,Quota,Attracted,Source,Published\n"
        f"{year()},KZ-75,mining,10,5,x,no\n"
        f"{year()},KZ-99,mining,ten,-5,,no\n"
        f"1990,KZ-71,oil,1.5,5,x,no\n"
        f"{year()},KZ-75,Mining,1,1,y,no\n"
    ).encode()
    with translation.override("ru"):
        job = services.check_indicators(user=coordinator, name="квоты.csv", content=content)
    assert (job.status, job.rows, job.blob) == ("checked", 4, "")
    found = {(p["row"], p["column"]) for p in job.problems}
    assert found == {
        (3, "Region"),
        (3, "Quota"),
        (3, "Attracted"),
        (3, "Source"),
        (4, "Year"),
        (4, "Quota"),
        (5, ""),  # the same year, region and sector as row 2
    }
    assert all(any("а" <= ch <= "я" for ch in p["message"]) for p in job.problems), job.problems
    assert "строке 2" in job.problems[-1]["message"]
    assert stored() == [("KZ-75", "construction", 900, 100)]  # a dry run keeps nothing
    event = AuditEvent.objects.get(action=AuditAction.INDICATORS_IMPORT_CHECK)
    assert event.object_id == str(job.pk) and event.detail == {"rows": 4, "problems": 7}
    with pytest.raises(ValidationError):
        services.confirm_indicators(user=coordinator, job=job)
    assert IndicatorImport.objects.get().status == "checked"


def test_the_import_runs_as_a_task_all_rows_and_deletes_the_stored_file(
    coordinator: Any, recorded: MigrationIndicator, django_capture_on_commit_callbacks: Any
) -> None:
    content = good_file()
    job = services.check_indicators(user=coordinator, name="q.csv", content=content)
    assert job.problems == [] and job.rows == 2 and job.blob
    blob = job.blob
    assert default_storage.exists(blob)
    kept = default_storage.open(blob).read()
    assert b"Labour Ministry" not in kept and content not in kept  # stored encrypted
    assert stored() == [("KZ-75", "construction", 900, 100)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.confirm_indicators(user=coordinator, job=job)
        job.refresh_from_db()
        assert job.status == "queued"  # the task waits for the commit
    assert len(callbacks) == 1  # core.tasks.enqueue ran monitoring.import_indicators
    job.refresh_from_db()
    assert (job.status, job.imported, job.blob, job.problems) == ("done", 2, "", [])
    assert job.finished_at is not None
    assert not default_storage.exists(blob)
    assert stored() == [("KZ-71", "agriculture", 200, 260), ("KZ-75", "construction", 1000, 730)]
    assert MigrationIndicator.objects.get(region__code="KZ-75").source == "Labour Ministry"
    event = AuditEvent.objects.get(action=AuditAction.INDICATORS_IMPORT)
    assert event.object_id == str(job.pk) and event.detail == {"rows": 2}
    with pytest.raises(ValidationError):  # not twice
        services.confirm_indicators(user=coordinator, job=job)


def test_a_failing_run_keeps_what_was_stored_ends_failed_and_deletes_the_file(
    coordinator: Any,
    recorded: MigrationIndicator,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    # 1. A fault halfway through the rows: the first row's write is rolled back.
    job = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    blob = job.blob
    saved = services.save_indicator
    calls = []

    def second_row_fails(**kwargs: Any) -> Any:
        calls.append(kwargs["data"]["region"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return saved(**kwargs)

    monkeypatch.setattr(services, "save_indicator", second_row_fails)
    with translation.override("kk"), django_capture_on_commit_callbacks(execute=True):
        services.confirm_indicators(user=coordinator, job=job)
    job.refresh_from_db()
    assert calls == ["KZ-75", "KZ-71"]
    assert (job.status, job.blob, job.imported) == ("failed", "", 0)
    assert job.problems == [
        {"row": 0, "column": "", "message": "импорт сәтсіз аяқталды; файлдан ештеңе сақталған жоқ"}
    ]
    assert not default_storage.exists(blob)
    assert stored() == [("KZ-75", "construction", 900, 100)]
    monkeypatch.setattr(services, "save_indicator", saved)

    # 2. The stored file no longer decrypts (a rotated key, a damaged disk).
    job = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    with default_storage.open(job.blob, "wb") as handle:
        handle.write(b"not a token")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.confirm_indicators(user=coordinator, job=job)
    job.refresh_from_db()
    assert (job.status, job.blob) == ("failed", "")
    assert "cannot be read" in job.problems[0]["message"]

    # 3. The coordinator lost the role between the check and the run: refused, nothing saved.
    job = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    services.confirm_indicators(user=coordinator, job=job)  # queued; its task not yet run
    coordinator.role = Role.SUPERVISOR
    coordinator.save()
    services.run_indicator_import(str(job.pk), "en")
    job.refresh_from_db()
    assert (job.status, job.blob) == ("failed", "")
    assert "only coordinators" in job.problems[0]["message"]
    assert stored() == [("KZ-75", "construction", 900, 100)]
    assert not AuditEvent.objects.filter(action=AuditAction.INDICATORS_IMPORT).exists()
    assert not IndicatorImport.objects.exclude(blob="").exists()  # no bytes stay


def test_a_file_over_the_limits_is_refused_before_it_is_parsed(
    coordinator: Any, recorded: MigrationIndicator, settings: Any, monkeypatch: Any
) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was parsed")

    settings.IMPORT_MAX_BYTES = 1000
    monkeypatch.setattr(services, "read_rows", never)
    with translation.override("ru"), pytest.raises(SpreadsheetLimitError, match="слишком большой"):
        services.check_indicators(user=coordinator, name="q.csv", content=b"x" * 1001)
    monkeypatch.undo()
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    monkeypatch.setattr("openpyxl.load_workbook", never)
    with translation.override("en"), pytest.raises(SpreadsheetLimitError, match="too large"):
        services.check_indicators(
            user=coordinator, name="big.xlsx", content=workbook(1_000_000, declared=1_000_000)
        )
    assert IndicatorImport.objects.count() == 0
    assert stored() == [("KZ-75", "construction", 900, 100)]


def test_only_coordinators_import_and_each_sees_only_their_own_jobs(
    coordinator: Any, make_user: Any
) -> None:
    supervisor = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    other = make_user(username="coord2", role=Role.COORDINATOR, organisation="ORG02")
    with pytest.raises(PermissionDenied):
        services.check_indicators(user=supervisor, name="q.csv", content=good_file())
    job = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    assert services.indicator_import_for(coordinator, str(job.pk)) == job
    assert services.indicator_import_for(other, str(job.pk)) is None
    assert services.indicator_import_for(supervisor, str(job.pk)) is None
    assert services.indicator_import_for(coordinator, "not-a-uuid") is None
    with pytest.raises(PermissionDenied):
        services.confirm_indicators(user=other, job=job)
    job.refresh_from_db()
    assert job.status == "checked"


# --- Pages ----------------------------------------------------------------------------------


def test_upload_check_confirm_and_result_on_the_pages(
    client: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(coordinator)
    bad = f"{HEADER}{year()},KZ-75,mining,10,5,x,no\n{year()},KZ-99,mining,ten,5,x,no\n"
    answer = client.post(
        "/ru/monitoring/indicators/",
        {"import": "1", "file": SimpleUploadedFile("q.csv", bad.encode())},
    )
    job = IndicatorImport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/ru/monitoring/indicators/import/{job.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "Проблемы (2)" in page and "Строка 3" in page and "неизвестный регион" in page
    assert "data-hx-trigger" not in page  # nothing runs: nothing to ask again
    assert client.post(answer["Location"]).status_code == 302  # a file with problems: refused
    job.refresh_from_db()
    assert job.status == "checked" and MigrationIndicator.objects.count() == 0

    answer = client.post(
        "/kk/monitoring/indicators/",
        {"import": "1", "file": SimpleUploadedFile("q.csv", good_file())},
    )
    job = IndicatorImport.objects.exclude(pk=job.pk).get()
    page = client.get(answer["Location"]).content.decode()
    assert "Файл тексерілді, мәселе жоқ" in page and "Импорттау" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/kk/monitoring/indicators/import/{job.pk}/")
    assert answer["Location"] == f"/kk/monitoring/indicators/import/{job.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "Импорт аяқталды. Импортталған жолдар: 2." in page
    assert MigrationIndicator.objects.count() == 2
    listing = client.get("/kk/monitoring/indicators/").content.decode()
    assert f"/kk/monitoring/indicators/import/{job.pk}/" in listing


def test_a_running_import_is_asked_for_again_until_it_ends(client: Any, coordinator: Any) -> None:
    job = IndicatorImport.objects.create(
        requested_by=coordinator, file_name="q.csv", rows=2, status="queued", blob="x"
    )
    client.force_login(coordinator)
    page = client.get(f"/en/monitoring/indicators/import/{job.pk}/")
    html = page.content.decode()
    assert 'data-hx-trigger="every 2s"' in html and 'data-hx-select="#job"' in html
    assert "being imported" in html and "Refresh" in html
    assert page["Cache-Control"] == "no-store"


def test_a_file_over_the_limit_is_refused_at_once_in_the_users_language(
    client: Any, coordinator: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(coordinator)
    answer = client.post(
        "/kk/monitoring/indicators/",
        {"import": "1", "file": SimpleUploadedFile("q.csv", b"y" * 101)},
        follow=True,
    )
    assert answer.status_code == 200
    assert "Файл оқылған жоқ" in answer.content.decode()
    assert IndicatorImport.objects.count() == 0


def test_bad_files_never_give_a_500_and_keep_what_is_stored(
    client: Any, coordinator: Any, recorded: MigrationIndicator
) -> None:
    client.force_login(coordinator)
    book = Workbook()
    book.active.append(["year", "region", "sector", "quota", "attracted", "source", "published"])
    book.active.append([year(), "KZ-47", "oil", 500, 400, "Labour Ministry", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    for name, content in (
        ("q.xlsx", b"not a workbook"),
        ("q.txt", b"x"),
        ("q.csv", b"\xff\xfe bad"),
        ("q.csv", b""),
        ("q.csv", b"year,region\n2026,KZ-75\n"),
        ("q.csv", HEADER.encode()),
        ("q.xlsx", buffer.getvalue()[:200]),
    ):
        answer = client.post(
            "/en/monitoring/indicators/",
            {"import": "1", "file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert answer.status_code == 200, name
    answer = client.post("/en/monitoring/indicators/", {"import": "1"}, follow=True)
    assert "Choose a file." in answer.content.decode()
    assert stored() == [("KZ-75", "construction", 900, 100)]
    assert not IndicatorImport.objects.exclude(blob="").exists()


def test_who_may_open_and_post(client: Any, coordinator: Any, make_user: Any) -> None:
    job = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    supervisor = make_user(username="sup", role=Role.SUPERVISOR, organisation="ORG01")
    client.force_login(supervisor)
    answer = client.post(
        "/en/monitoring/indicators/",
        {"import": "1", "file": SimpleUploadedFile("q.csv", good_file())},
    )
    assert answer.status_code == 403
    assert client.get(f"/en/monitoring/indicators/import/{job.pk}/").status_code == 404
    assert client.post(f"/en/monitoring/indicators/import/{job.pk}/").status_code == 404
    client.force_login(make_user(username="coord2", role=Role.COORDINATOR, organisation="ORG02"))
    assert client.get(f"/en/monitoring/indicators/import/{job.pk}/").status_code == 404
    job.refresh_from_db()
    assert job.status == "checked"


def test_the_register_import_page_follows_its_task_the_same_way(
    client: Any, make_user: Any
) -> None:
    """The case-register import shares the mechanism, its page too (core.importjobs)."""
    manager = make_user(username="manager", role=Role.CASE_MANAGER, organisation="ORG01")
    job = ImportJob.objects.create(
        organisation=manager.organisation,
        requested_by=manager,
        fmt="register",
        file_name="tizim.csv",
        rows=2,
        status="queued",
    )
    client.force_login(manager)
    html = client.get(f"/ru/cases/import/{job.pk}/").content.decode()
    assert 'data-hx-trigger="every 2s"' in html and "Обновить" in html
    ImportJob.objects.filter(pk=job.pk).update(status="done", created=2)
    html = client.get(f"/ru/cases/import/{job.pk}/").content.decode()
    assert "data-hx-trigger" not in html and "импортирован" in html


def test_a_checked_file_never_imported_is_deleted_after_a_day(
    client: Any, coordinator: Any
) -> None:
    old = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    blob = old.blob
    IndicatorImport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - timedelta(hours=25)
    )
    fresh = services.check_indicators(user=coordinator, name="q.csv", content=good_file())
    old.refresh_from_db()
    assert old.blob == "" and not default_storage.exists(blob)  # the next check deleted it
    assert fresh.blob and default_storage.exists(fresh.blob)
    with pytest.raises(ValidationError):
        services.confirm_indicators(user=coordinator, job=old)
    client.force_login(coordinator)
    html = client.get(f"/en/monitoring/indicators/import/{old.pk}/").content.decode()
    assert "not imported within a day" in html and "Check the file again" in html
    assert 'type="submit"' not in html.split("<main", 1)[1]


def test_a_file_stopped_while_it_streams_is_refused_with_the_reason(
    client: Any, coordinator: Any, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 50  # core.uploads.LimitedUploadHandler stops the upload
    client.force_login(coordinator)
    answer = client.post(
        "/ru/monitoring/indicators/",
        {"file": SimpleUploadedFile("q.csv", b"z" * 500)},
        follow=True,
    )
    assert answer.status_code == 200
    assert "Файл не прочитан" in answer.content.decode()
    assert IndicatorImport.objects.count() == 0
