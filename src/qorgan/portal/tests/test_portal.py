"""The public portal: pages in each language, the anonymous report and its receipt channel, triage."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.apps import apps
from django.core import signing
from django.db import connection
from django.test import Client

from qorgan.accounts.roles import Role
from qorgan.portal import services
from qorgan.portal.models import Report, ReportStatus

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "signs/",
    "control/",
    "safety/",
    "migrants/",
    "what-to-do/",
    "rights/",
    "hotlines/",
    "help/",
    "card/",
    "report/",
    "report/status/",
]
IP = "203.0.113.77"
AGENT = "QorganTestAgent/9.9 (a very particular browser)"


def token(age: float = 10) -> str:
    """A form token as the page would have issued it ``age`` seconds ago."""
    return signing.dumps(
        {"n": f"nonce-{time.time_ns()}", "t": int(time.time() - age)}, salt=services.FORM_SALT
    )


def send(client: Any, language: str = "en", **fields: Any) -> Any:
    data = {
        "what": "Workers locked in a greenhouse, passports taken",
        "region": "KZ-19",
        "place": "near Konaev",
        "when": "last week",
        "who_at_risk": "five men",
        "form_token": token(),
        **fields,
    }
    return client.post(
        f"/{language}/report/", data, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=IP
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_public_pages_need_no_account_and_set_no_cookie(
    client: Any, reference_data: None, language: str, page: str
) -> None:
    response = client.get(f"/{language}/{page}")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    cookies = set(response.cookies)
    assert cookies <= ({"csrftoken"} if page.startswith("report") else set()), cookies
    assert "htmx" not in response.content.decode()  # no staff scripts on public pages


def test_pages_come_from_the_catalogue(client: Any, reference_data: None) -> None:
    from qorgan.knowledge.models import CatalogueEntry

    body = client.get("/kk/what-to-do/").content.decode()
    for entry in CatalogueEntry.objects.filter(group__code="victim"):
        assert entry.text_kk.split()[0] in body
    assert 'href="tel:11616"' in client.get("/en/hotlines/").content.decode()


def test_help_organisations_by_region_and_city(client: Any, reference_data: None) -> None:
    body = client.get("/ru/help/", {"region": "KZ-47"}).content.decode()
    assert "ale43351@yandex.ru" in body and "soyuzkz@rambler.ru" not in body
    body = client.get("/en/help/", {"city": "Oral"}).content.decode()
    assert body.count("<h2>") == 2  # the two organisations of Oral


def test_information_card_pdf_for_a_region(client: Any, reference_data: None) -> None:
    response = client.get("/kk/card.pdf", {"region": "KZ-75"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_page_weight_budget(client: Any, reference_data: None) -> None:
    """HTML + CSS + script of each public page: at most 50 KB (uncompressed, the worst case)."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    names = ("qorgan/portal.css", "qorgan/quick-exit.js")
    assets = sum(Path(finders.find(name)).stat().st_size for name in names)
    for page in PAGES:
        html = client.get(f"/kk/{page}").content
        assert len(html) + assets <= 50 * 1024, (page, len(html) + assets)


def test_a_report_keeps_no_address_and_no_user_agent(
    client: Any, reference_data: None, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    response = send(client)
    assert response.status_code == 200
    receipt = response.context["receipt"]
    assert Report.objects.count() == 1
    # Nowhere in the database: every text column of every table.
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                assert IP not in text, table
                assert "QorganTestAgent" not in text, table
                assert receipt not in text, table  # only its keyed hash is kept
    # Nowhere in Qorgan's logs.
    assert IP not in caplog.text and "QorganTestAgent" not in caplog.text
    assert Report.objects.get().received_on  # a day, no time of day


def test_receipt_channel_both_ways(client: Any, make_user: Any) -> None:
    receipt = send(client).context["receipt"]
    report = Report.objects.get()
    officer = make_user(username="police-officer", role=Role.CASE_MANAGER, organisation="ORG01")
    officer.organisation.triages_reports = True
    officer.organisation.save()
    services.request_information(
        user=officer, report=report, question="Which greenhouse? Any landmark?"
    )
    page = client.post(
        "/ru/report/status/",
        {"form_token": services.issue_status_token(), "receipt": receipt.lower().replace("-", " ")},
    ).content.decode()
    assert "Which greenhouse? Any landmark?" in page
    client.post(
        "/ru/report/status/",
        {
            "form_token": services.issue_status_token(),
            "receipt": receipt,
            "message": "The one by the river, blue roof.",
        },
    )
    report.refresh_from_db()
    assert (
        report.messages.filter(from_reporter=True).get().text == "The one by the river, blue roof."
    )
    assert report.status == ReportStatus.NEW  # the answer came: back to the triage queue


def test_wrong_receipt_is_a_clear_message(client: Any, reference_data: None) -> None:
    body = client.post(
        "/en/report/status/",
        {"form_token": services.issue_status_token(), "receipt": "AAAA-BBBB-CCCC-DDDD"},
    ).content.decode()
    assert "No report has this receipt code" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what": ""}, "please write something here"),
        ({"what": "x" * 5001}, "at most 5000"),
        ({"region": "KZ-99"}, "unknown region"),
        ({"contact": "y" * 201}, "at most 200"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    client: Any, reference_data: None, fields: dict[str, str], message: str
) -> None:
    response = send(client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Report.objects.count() == 0


def test_wrong_types_are_refused(reference_data: None) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.submit_report(
            data={"what": ["a", "list"], "place": 7}, language="en", form_token=token()
        )
    assert set(caught.value.message_dict) == {"what", "place"}


def test_script_injection_is_stored_as_text_and_shown_escaped(client: Any, make_user: Any) -> None:
    send(client, what='<script>alert("x")</script> and <img src=x onerror=alert(1)>')
    report = Report.objects.get()
    assert report.what.startswith("<script>")  # kept as the reporter wrote it, as plain text
    officer = make_user(username="officer", role=Role.CASE_MANAGER, organisation="ORG01")
    officer.organisation.triages_reports = True
    officer.organisation.save()
    client.force_login(officer)
    page = client.get(f"/en/reports/{report.number}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page


def test_floods_are_held_back_without_addresses(
    client: Any, reference_data: None, settings: Any
) -> None:
    honeypot = send(client, website="http://spam.example")
    assert honeypot.status_code == 200 and Report.objects.count() == 0  # the bot learns nothing
    fast = send(client, form_token=token(age=0))
    assert "too quickly" in fast.content.decode()
    reused = token()
    send(client, form_token=reused)
    assert "already sent" in send(client, form_token=reused).content.decode()
    assert "could not be checked" in send(client, form_token="forged").content.decode()
    # Per-client limits and the proof of work: test_floods.py.


def test_triage_is_for_police_and_designated_organisations(client: Any, make_user: Any) -> None:
    send(client)
    report = Report.objects.get()
    ngo = make_user(username="ngo", role=Role.CASE_MANAGER, organisation="ORG02")
    client.force_login(ngo)
    assert client.get("/en/reports/").status_code == 403
    assert client.get(f"/en/reports/{report.number}/").status_code == 404
    ngo.organisation.triages_reports = True
    ngo.organisation.save()
    assert client.get("/en/reports/").status_code == 200
    client.post(f"/en/reports/{report.number}/assign/", {"organisation": "ORG02"})
    client.post(f"/en/reports/{report.number}/case/")
    report.refresh_from_db()
    assert report.status == ReportStatus.CASE_OPENED and report.case.organisation.code == "ORG02"
    second = send(client)
    assert second.status_code == 200
    duplicate = Report.objects.exclude(pk=report.pk).get()
    client.post(f"/en/reports/{duplicate.number}/duplicate/", {"of": str(report.number)})
    duplicate.refresh_from_db()
    assert duplicate.status == ReportStatus.DUPLICATE and duplicate.duplicate_of == report
    client.post(f"/en/reports/{duplicate.number}/close/", {"note": ""})
    duplicate.refresh_from_db()
    assert duplicate.status == ReportStatus.DUPLICATE  # closing needs a note


def test_report_content_is_encrypted(client: Any, reference_data: None) -> None:
    send(client, what="Secret details about Aigerim")
    with connection.cursor() as cursor:
        cursor.execute("SELECT what, place FROM portal_report")
        what, place = cursor.fetchone()
    assert "Aigerim" not in what and what.startswith("gAAAA")
    assert place.startswith("gAAAA")


# A word of each language's interface, and the shipped translation of 102's step.
INTERFACE = {"uz": "Tezkor chiqish", "ky": "Тез чыгуу", "tg": "Баромади фаврӣ"}
STEP_102 = {
    "uz": "Darhol 102 raqami",
    "ky": "Дароо 102 номери",
    "tg": "Фавран тавассути рақами 102",
}


@pytest.mark.parametrize("language", ["uz", "ky", "tg"])
def test_every_public_page_in_a_migrant_language(
    client: Any, reference_data: None, language: str
) -> None:
    for path in PAGES:
        response = client.get(f"/{language}/{path}")
        body = response.content.decode()
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in body, path
        assert INTERFACE[language] in body, path
        for code in ("kk", "ru", "en", "uz", "ky", "tg"):  # the switcher offers all six
            assert f'hreflang="{code}"' in body, (path, code)
    steps = client.get(f"/{language}/what-to-do/").content.decode()
    assert STEP_102[language] in steps
    assert "awaiting review" not in steps  # the mark is in the page's language
    assert 'class="review"' in steps
    signs = client.get(f"/{language}/signs/").content.decode()
    assert '<span lang="ru">' not in signs  # the SOP's signs too are in the page's language


def test_staff_pages_offer_only_staff_languages(client: Any, reference_data: None) -> None:
    body = client.get("/ru/accounts/login/").content.decode()
    assert 'hreflang="kk"' in body and 'hreflang="uz"' not in body


def test_old_migrant_addresses_redirect(client: Any, reference_data: None) -> None:
    response = client.get("/m/uz/")
    assert response.status_code == 301 and response["Location"] == "/uz/"
    assert client.get("/m/fr/").status_code == 404


@pytest.mark.parametrize("path", ["work/", "cases/", "admin/", "reports/", "catalogue/"])
def test_staff_pages_are_not_in_portal_only_languages(client: Any, path: str) -> None:
    response = client.get(f"/uz/{path}")
    assert response.status_code == 302 and response["Location"] == f"/ru/{path}"


def test_a_report_in_uzbek_is_triaged_with_its_language(
    client: Any, make_user: Any, reference_data: None
) -> None:
    """Staff see the reporter's language; the reporter reads the status in theirs."""
    send(client, language="uz", what="Qoʻshnining uyida hujjatsiz ishchilar qamalgan")
    report = Report.objects.get()
    assert report.language == "uz"
    police = make_user(username="police", role=Role.CASE_MANAGER, organisation="ORG02")
    police.organisation.triages_reports = True
    police.organisation.save()
    staff = Client()
    staff.force_login(police)
    detail = staff.get(f"/ru/reports/{report.number}/").content.decode()
    assert "oʻzbek" in detail.lower() and 'lang="uz"' in detail
    staff.post(f"/ru/reports/{report.number}/ask/", {"question": "Qaysi shahar?"})
    assert report.messages.get().text == "Qaysi shahar?"
