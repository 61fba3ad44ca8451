"""Case pages: list (constant queries), one case with its forms, the referrals inbox, documents, audit."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgan.cases import services
from qorgan.cases.models import Attachment, Case, Referral
from qorgan.core.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def make_cases(people: dict[str, Any], count: int) -> list[Case]:
    made = []
    for n in range(count):
        case = services.open_case(organisation=people["worker"].organisation, by=people["worker"])
        services.update_person(
            user=people["worker"],
            case=case,
            expected_version=1,
            data={"surname": f"Surname{n}", "given_name": "Aigul"},
        )
        made.append(case)
    return made


@pytest.mark.parametrize(
    ("language", "heading"), [("kk", "Істер"), ("ru", "Дела"), ("en", "Cases")]
)
def test_case_list_in_three_languages(
    client: Any, people: dict[str, Any], language: str, heading: str
) -> None:
    make_cases(people, 2)
    body = login(client, people["manager"]).get(f"/{language}/cases/").content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert "Surname0" in body and "Surname1" in body


def test_case_list_queries_do_not_grow_with_its_length(client: Any, people: dict[str, Any]) -> None:
    login(client, people["manager"])
    make_cases(people, 2)
    client.get("/en/cases/")  # warm caches (session, translations)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/cases/")
    make_cases(people, 15)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/cases/")
    assert response.content.decode().count("Surname") == 17
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_case_list_is_not_cached_and_audited(client: Any, people: dict[str, Any]) -> None:
    make_cases(people, 1)
    response = login(client, people["manager"]).get("/en/cases/")
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="read_list", actor_username="manager").exists()


def test_coordinator_sees_no_case_pages(client: Any, people: dict[str, Any]) -> None:
    case = make_cases(people, 1)[0]
    login(client, people["coordinator"])
    assert client.get("/en/cases/").status_code == 403
    assert client.get(f"/en/cases/{case.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_case_page_shows_the_person_to_the_owner_only(
    client: Any, people: dict[str, Any], language: str
) -> None:
    case = make_cases(people, 1)[0]
    body = login(client, people["worker"]).get(f"/{language}/cases/{case.pk}/").content.decode()
    assert "Surname0" in body and case.reference in body
    login(client, people["stranger"])
    assert client.get(f"/{language}/cases/{case.pk}/").status_code == 404


def test_editing_the_person_and_a_stale_form(client: Any, people: dict[str, Any]) -> None:
    case = make_cases(people, 1)[0]
    login(client, people["worker"])
    url = f"/en/cases/{case.pk}/person/"
    response = client.post(
        url, {"person-version": "2", "person-surname": "Керей", "person-iin": ""}, follow=True
    )
    assert (
        "The person&#x27;s data was saved." in response.content.decode()
        or "The person's data was saved." in response.content.decode()
    )
    assert Case.objects.get(pk=case.pk).person.surname == "Керей"
    stale = client.post(url, {"person-version": "2", "person-surname": "Other"}, follow=True)
    # A stale edit is not lost and overwrites nothing: both versions are shown (tests/test_case_conflict.py).
    assert stale.status_code == 409
    assert "The case changed while you were editing it" in stale.content.decode()
    assert Case.objects.get(pk=case.pk).person.surname == "Керей"


def test_bad_input_on_the_case_page_is_a_message(client: Any, people: dict[str, Any]) -> None:
    case = make_cases(people, 1)[0]
    login(client, people["worker"])
    response = client.post(
        f"/en/cases/{case.pk}/person/", {"person-version": "2", "person-iin": "123"}, follow=True
    )
    assert response.status_code == 200
    assert "iin" in response.content.decode()
    response = client.post(f"/en/cases/{case.pk}/nonsense/", {})
    assert response.status_code == 404


def test_referral_through_the_pages(client: Any, people: dict[str, Any]) -> None:
    case = make_cases(people, 1)[0]
    login(client, people["worker"])
    client.post(
        f"/en/cases/{case.pk}/consent/",
        {
            "consent-purpose": "referral",
            "consent-recipient": "ORG02",
            "consent-form": "written",
            "consent-given_on": TODAY.isoformat(),
        },
    )
    consent = case.consents.get()
    client.post(
        f"/en/cases/{case.pk}/referral/",
        {
            "referral-to": "ORG02",
            "referral-services": ["legal", "medical"],
            "referral-due_on": (TODAY + timedelta(days=2)).isoformat(),
            "referral-consent": str(consent.pk),
        },
    )
    referral = Referral.objects.get()
    assert referral.services == ["legal", "medical"]
    login(client, people["receiver"])
    inbox = client.get("/en/cases/referrals/").content.decode()
    assert case.reference in inbox and "Surname0" not in inbox  # no personal data before accepting
    client.post(f"/en/cases/referrals/{referral.pk}/accept/")
    assert "Surname0" in client.get(f"/en/cases/{case.pk}/").content.decode()


def test_documents_are_checked_and_stored_encrypted(client: Any, people: dict[str, Any]) -> None:
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_cases(people, 1)[0]
    login(client, people["worker"])
    client.post(
        f"/en/cases/{case.pk}/attachment/",
        {"attachment-file": SimpleUploadedFile("evil.png", b"MZ\x90\x00 not an image")},
    )
    assert Attachment.objects.count() == 0
    client.post(
        f"/en/cases/{case.pk}/attachment/",
        {"attachment-file": SimpleUploadedFile("photo.png", PNG)},
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    with default_storage.open(attachment.blob, "rb") as handle:
        assert PNG not in handle.read()
    download = client.get(f"/en/cases/{case.pk}/attachments/{attachment.pk}/")
    assert download.content == PNG and download["Cache-Control"] == "no-store"
    login(client, people["stranger"])
    assert client.get(f"/en/cases/{case.pk}/attachments/{attachment.pk}/").status_code == 404


def test_documents_over_the_size_limit_are_refused(people: dict[str, Any], settings: Any) -> None:
    from django.core.exceptions import ValidationError

    settings.ATTACHMENT_MAX_BYTES = 100
    case = make_cases(people, 1)[0]
    with pytest.raises(ValidationError, match="larger than"):
        services.add_attachment(
            user=people["worker"], case=case, name="big.png", content=PNG + b"\x00" * 200
        )


def test_audit_log_for_administrators_with_a_safe_export(
    client: Any, people: dict[str, Any]
) -> None:
    case = make_cases(people, 1)[0]
    login(client, people["worker"]).get(f"/en/cases/{case.pk}/")
    assert client.get("/en/audit/").status_code == 403
    login(client, people["administrator"])
    page = client.get("/en/audit/", {"user": "worker"}).content.decode()
    assert "The hash chain is intact" in page and "read" in page
    export = client.get("/en/audit/export.csv").content.decode("utf-8-sig")
    assert "seq,at,user" in export.splitlines()[0]
    assert str(case.pk) in export


def test_spreadsheet_formulas_are_neutralised() -> None:
    from qorgan.core.views import spreadsheet_safe

    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("+7 701") == "'+7 701"
    assert spreadsheet_safe("Aigul") == "Aigul"


def test_audit_verify_command(people: dict[str, Any]) -> None:
    make_cases(people, 1)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
