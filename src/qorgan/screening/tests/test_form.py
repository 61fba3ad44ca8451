"""The screening form for a person in front of you: region, plan without reload, consent asked
once, country names, forms of exploitation as the SOP links them, one engine run per request,
and the printable plan (ticks, document titles, tagged PDF)."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qorgan.cases.models import ConsentRecord
from qorgan.screening import engine, views
from qorgan.screening.models import Screening

pytestmark = pytest.mark.django_db

FORM = {
    "age": "24",
    "minor": "",
    "sex": "female",
    "citizenship": "UZ",
    "country": "KZ",
    "region": "KZ-75",
    "signs": ["S12", "S17"],
    "accepts_help": "yes",
}


@pytest.fixture
def worker_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(username="worker", organisation="ORG01"))
    return client


def test_region_defaults_to_the_organisations_region(worker_client: Any) -> None:
    body = worker_client.get("/ru/screening/new/").content.decode()
    assert re.search(r'<option value="KZ-75" selected>', body)
    # Country names, never codes, in the lists.
    assert '<option value="UZ">Узбекистан</option>' in body


def test_the_plan_partial_is_the_plan_for_the_form_as_it_stands(worker_client: Any) -> None:
    response = worker_client.post(
        "/en/screening/new/plan/", {**FORM, "signs": ["S28"]}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="plan" id="plan"')
    assert "<html" not in body
    assert "Potential victim of human trafficking" in body
    assert "SOP line 959" in body
    assert Screening.objects.count() == 0
    # Nothing ticked: no steps; an invalid form: a hint, never an error page.
    empty = worker_client.post("/en/screening/new/plan/", {**FORM, "signs": []}).content.decode()
    assert "No indication" in empty
    invalid = worker_client.post("/en/screening/new/plan/", {**FORM, "age": "-1"})
    assert invalid.status_code == 200
    assert "Check the form" in invalid.content.decode()


def test_show_plan_without_javascript_lands_on_the_plan(worker_client: Any) -> None:
    body = worker_client.get("/en/screening/new/").content.decode()
    assert 'action="/en/screening/new/#plan"' in body
    assert 'data-hx-post="/en/screening/new/plan/"' in body
    assert " hx-" not in body  # htmx attributes are written data-hx-* (valid HTML)


def test_consent_given_at_screening_is_recorded_on_the_case(worker_client: Any) -> None:
    response = worker_client.post(
        "/en/screening/new/", {**FORM, "consent_to_referral": "on", "action": "save"}
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    consent = ConsentRecord.objects.get(case=screening.case)
    assert consent.purpose == "referral"
    assert consent.recipient is None  # any receiving organisation
    assert consent.form == "oral"
    assert consent.given_on == timezone.localdate()
    assert consent.recorded_by.username == "worker"
    assert consent.active

    page = worker_client.get(f"/en/cases/{screening.case.pk}/").content.decode()
    assert "No consent recorded." not in page
    assert "recorded by worker" in page
    # The referral form preselects it.
    select = re.search(r'<select name="referral-consent"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.search(rf'<option value="{consent.pk}" selected>', select)


def test_no_consent_no_record(worker_client: Any) -> None:
    worker_client.post("/en/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    assert not ConsentRecord.objects.filter(case=screening.case).exists()
    page = worker_client.get(f"/en/cases/{screening.case.pk}/").content.decode()
    assert "No consent recorded." in page


@pytest.mark.parametrize(
    ("language", "name"), [("kk", "Өзбекстан"), ("ru", "Узбекистан"), ("en", "Uzbekistan")]
)
def test_citizenship_is_shown_by_name(worker_client: Any, language: str, name: str) -> None:
    worker_client.post("/en/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    detail = worker_client.get(f"/{language}/screening/{screening.pk}/").content.decode()
    case = worker_client.get(f"/{language}/cases/{screening.case.pk}/").content.decode()
    for body in (detail, case):
        assert name in body
        assert ">UZ<" not in body and ": UZ" not in body


# --- Forms of exploitation: only where the SOP's own text names one ----------------------------


def _result(signs: list[str], places: list[str] = ()) -> engine.ScreeningResult:  # type: ignore[assignment]
    return engine.screen(
        {"screened_by": "ngo", "signs": signs, "places": list(places)}, language="en"
    )


@pytest.mark.parametrize(
    "signs",
    [
        ["S12", "S17"],  # passport taken away and a debt
        ["S12", "S14", "S17", "S18"],  # documents, bank card, debt, debt bondage
        ["S01", "S02", "S03"],  # control, no freedom of movement, cannot leave
        ["S19", "S20"],  # injuries, domestic and sexual violence
        ["S43", "S44"],  # at the border: no or false documents
    ],
)
def test_common_combinations_the_sop_links_to_no_form_say_so(signs: list[str]) -> None:
    result = _result(signs)
    assert result.exploitation_forms == ()
    assert [n.code for n in result.notes].count("no_form_named") == 1
    note = next(n for n in result.notes if n.code == "no_form_named")
    assert "L443–559" in note.text


@pytest.mark.parametrize(
    ("signs", "places", "forms", "evidence"),
    [
        (["S12", "S17", "S28"], [], ("forced_labour",), {"forced_labour": ("S28",)}),
        (["S31"], [], ("sexual_exploitation",), {"sexual_exploitation": ("S31",)}),
        (
            ["S42"],
            [],
            ("forced_labour", "sexual_exploitation"),
            {"forced_labour": ("S42",), "sexual_exploitation": ("S42",)},
        ),
        (["S12"], ["P04"], ("sexual_exploitation",), {"sexual_exploitation": ("P04",)}),
        (["S17"], ["P02"], ("forced_labour",), {"forced_labour": ("P02",)}),
    ],
)
def test_where_the_sop_names_a_form_the_plan_names_it_with_the_evidence(
    signs: list[str], places: list[str], forms: tuple[str, ...], evidence: dict[str, Any]
) -> None:
    result = _result(signs, places)
    assert result.exploitation_forms == forms
    assert {b.form: b.evidence for b in result.exploitation_basis} == evidence
    assert "no_form_named" not in [n.code for n in result.notes]
    # Each form with the SOP line that defines it and the lines of the evidence naming it.
    for basis, line, items in result.forms_with_evidence():
        assert line.line == 178
        assert [i.code for i in items] == list(basis.evidence)


def test_the_plan_cites_the_lines_and_names_the_unlinked_signs(worker_client: Any) -> None:
    body = worker_client.post(
        "/en/screening/new/", {**FORM, "signs": ["S12", "S17", "S28"], "action": "evaluate"}
    ).content.decode()
    plan = body[body.index('id="plan"') :]
    assert "use of forced labour" in plan
    assert "SOP line 178" in plan  # the definition of the form
    assert "S28" in plan and "SOP line 530" in plan  # the sign that names it
    assert "The SOP links no form of exploitation to the other signs and places recorded" in plan
    assert "S12, S17" in plan
    only_unlinked = worker_client.post(
        "/en/screening/new/", {**FORM, "action": "evaluate"}
    ).content.decode()
    assert "The SOP links none of the recorded signs or places to a form" in only_unlinked


# --- One evaluation per request ------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = engine.evaluate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "evaluate", counting)
    monkeypatch.setattr(engine, "evaluate", counting)
    return calls


def test_views_run_the_engine_at_most_once_per_request(
    worker_client: Any, counted: list[int]
) -> None:
    worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    counted.clear()
    # Same language as stored: the stored result is used, nothing is evaluated.
    assert worker_client.get(f"/kk/screening/{screening.pk}/").status_code == 200
    assert len(counted) == 0
    # Another language: evaluated once.
    assert worker_client.get(f"/ru/screening/{screening.pk}/").status_code == 200
    assert len(counted) == 1
    counted.clear()
    tick = worker_client.post(
        f"/ru/screening/{screening.pk}/steps/1/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert tick.status_code == 200
    assert len(counted) == 0
    assert worker_client.get(f"/ru/screening/{screening.pk}/plan.pdf").status_code == 200
    assert len(counted) == 1


def test_a_ticked_steps_text_is_in_the_pages_language(worker_client: Any) -> None:
    worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    ru = engine.action_for(screening.track, screening.steps.get(position=1).action, "ru")
    tick = worker_client.post(
        f"/ru/screening/{screening.pk}/steps/1/", {"done": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert ru is not None and ru.text[:40] in tick.replace("&quot;", '"').replace("&#x27;", "'")


# --- The printable plan ----------------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("kk", "стандартты операциялық рәсімдер"),
        ("ru", "Стандартные операционные процедуры"),
    ],
)
def test_the_pdf_shows_ticks_and_names_sources_by_title_and_line(
    worker_client: Any, language: str, title: str, tmp_path: Path
) -> None:
    worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    steps = list(screening.steps.all())
    assert len(steps) >= 2
    worker_client.post(f"/{language}/screening/{screening.pk}/steps/1/", {"done": "1"})
    response = worker_client.get(f"/{language}/screening/{screening.pk}/plan.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert flat.count("☑") == 1  # the ticked step
    assert flat.count("☐") == len(steps) - 1
    assert "worker" in flat  # who ticked it
    assert title.casefold() in flat.casefold()
    first = steps[0].source_line
    cited = {"kk": f"(002), {first}-жол", "ru": f"(002), строка {first}"}[language]
    assert cited in flat
    assert "002_6818977b591e9dac" not in flat  # never the file name
    assert "Узбекистан" in flat or "Өзбекстан" in flat


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with their streams inflated (object streams hide the catalogue)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


def test_the_pdf_is_tagged_with_its_language(worker_client: Any, tmp_path: Path) -> None:
    worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    pdf = worker_client.get(f"/ru/screening/{screening.pk}/plan.pdf").content
    objects = _pdf_objects(pdf)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(ru\)", objects)
    assert b"pdfuaid:part" in objects  # PDF/UA-1 declared in the XMP metadata
    (tmp_path / "plan.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "plan.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)


def test_the_list_counts_the_steps_done(worker_client: Any) -> None:
    worker_client.post("/en/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    total = screening.steps.count()
    worker_client.post(f"/en/screening/{screening.pk}/steps/1/", {"done": "1"})
    body = worker_client.get("/en/screening/").content.decode()
    assert f'<td data-label="Steps done">1 / {total}</td>' in body
    assert '<table class="stack">' in body  # stacked cards on a phone


def test_consent_through_the_api_is_recorded_on_the_case(worker_client: Any) -> None:
    data = {
        "location": {"country": "KZ", "region": "KZ-75"},
        "person": {"age": 30, "sex": "male", "citizenship": "KG"},
        "signs": ["S12"],
        "consent_to_referral": True,
    }
    response = worker_client.post(
        "/api/v1/screenings/?lang=ru", data=data, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    case_id = response.json()["case"]["id"]
    consent = ConsentRecord.objects.get(case_id=case_id)
    assert (consent.purpose, consent.recorded_by.username) == ("referral", "worker")
