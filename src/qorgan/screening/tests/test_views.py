"""The frontline screen, the plan checklist and its PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from qorgan.accounts.roles import Role
from qorgan.screening.models import PlanStep, Screening

pytestmark = pytest.mark.django_db

FORM = {
    "age": "15",
    "minor": "",
    "sex": "female",
    "citizenship": "KZ",
    "country": "KZ",
    "region": "KZ-75",
    "signs": ["S01", "S28"],
    "risk_groups": ["R17"],
    "physical_injuries": "on",
    "accepts_help": "yes",
}


@pytest.fixture
def worker_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user(username="worker", organisation="ORG01"))
    return client


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_form_shows_the_three_elements_grouped(worker_client: Any, language: str) -> None:
    response = worker_client.get(f"/{language}/screening/new/")
    body = response.content.decode()
    assert response.status_code == 200
    for code in ("S01", "S49", "R01", "R23", "P01", "P24"):
        assert f'value="{code}"' in body
    # Risk groups, signs and places by the SOP's groups, all folded; each entry's SOP text one tap away.
    assert body.count('<details class="group"') == 2 + 3 + 4
    assert '<details class="group" open' not in body
    assert body.count('<details class="verbatim">') == 23 + 49 + 24


def test_show_the_plan_without_saving(worker_client: Any) -> None:
    response = worker_client.post("/en/screening/new/", {**FORM, "action": "evaluate"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Potential victim of human trafficking" in body
    assert "SOP line 959" in body  # notify_police
    assert "SOP line 979" in body  # minor: guardianship body
    assert "soyuzkz@rambler.ru" in body  # a help organisation in Almaty
    assert 'value="S28" checked' in body  # the form keeps what was ticked
    assert Screening.objects.count() == 0


def test_save_opens_a_case_and_shows_the_checklist(worker_client: Any) -> None:
    response = worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.case is not None
    page = worker_client.get(response["Location"])
    body = page.content.decode()
    assert screening.case.reference in body
    assert 'id="step-1"' in body
    assert PlanStep.objects.filter(screening=screening).count() == len(screening.result["actions"])


def test_tick_a_step_with_htmx(worker_client: Any) -> None:
    worker_client.post("/en/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    response = worker_client.post(
        f"/en/screening/{screening.pk}/steps/2/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'class="urgency-immediate done"' in response.content.decode()
    assert PlanStep.objects.get(screening=screening, position=2).done


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": "-3"}, "age"),
        ({"citizenship": "XX"}, "citizenship"),
        ({"signs": ["S01", "S999"]}, None),
    ],
)
def test_bad_input_gets_a_clear_message_not_a_crash(
    worker_client: Any, change: dict[str, Any], field: str | None
) -> None:
    response = worker_client.post("/en/screening/new/", {**FORM, **change, "action": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert Screening.objects.count() == 0


def test_another_organisation_gets_404(client: Any, worker_client: Any, make_user: Any) -> None:
    worker_client.post("/en/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    client.force_login(make_user(username="stranger", organisation="ORG03"))
    assert client.get(f"/en/screening/{screening.pk}/").status_code == 404
    assert client.get(f"/en/screening/{screening.pk}/plan.pdf").status_code == 404
    assert client.post(f"/en/screening/{screening.pk}/steps/1/", {"done": "1"}).status_code == 404


def test_coordinators_do_not_screen(client: Any, make_user: Any) -> None:
    client.force_login(make_user(username="coordinator", role=Role.COORDINATOR))
    assert client.get("/en/screening/new/").status_code == 403


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_printable_plan_is_a_pdf_with_kazakh_letters(
    worker_client: Any, language: str, tmp_path: Path
) -> None:
    worker_client.post("/kk/screening/new/", {**FORM, "action": "save"})
    screening = Screening.objects.get()
    response = worker_client.get(f"/{language}/screening/{screening.pk}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu" in fonts
    assert "11616" in text
    if language == "kk":
        # Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) survive into the PDF text layer.
        assert "қ" in text and "ө" in text and "ә" in text
        assert "ХАБАРЛАҢЫЗ" in text or "хабарлаңыз" in text.casefold()
