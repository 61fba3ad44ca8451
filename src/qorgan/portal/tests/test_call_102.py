"""The Kazakh "what to do" step keeps the number 102, which the seed puts on a heading line of
its own (002 L925: "# 102", L929 "ДЕРЕУ", L931 "нөміріне полицияға … ХАБАРЛАҢЫЗ")."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from qorgan.knowledge.catalogue import default_catalogue, stands_on_source_line

pytestmark = pytest.mark.django_db


def test_the_heading_stands_on_its_line_in_the_seed() -> None:
    entry = next(e for e in default_catalogue().entries if e.code == "victim_call_police_102")
    heading = entry.extra["heading"]
    assert stands_on_source_line(heading["text"], entry.source.document, heading["line"])


def test_the_kazakh_page_says_call_102_and_no_page_says_it_twice(
    client: Any, reference_data: None
) -> None:
    kazakh = client.get("/kk/what-to-do/").content.decode()
    assert "ДЕРЕУ 102 нөміріне полицияға" in kazakh
    for language in ("ru", "en", "uz", "ky", "tg"):
        page = client.get(f"/{language}/what-to-do/").content.decode()
        assert "102" in page, language
        assert "102 102" not in page and "102 Незамедлительно" not in page, language


def test_the_kazakh_card_pdf_says_102(client: Any, reference_data: None, tmp_path: Any) -> None:
    response = client.get("/kk/card.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "102 нөміріне" in " ".join(text.split())
