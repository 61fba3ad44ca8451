"""The information card's PDF is tagged (PDF/UA-1) and carries its language (issue 15 §3)."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _objects(pdf: bytes) -> bytes:
    """The PDF's objects with their streams inflated (object streams hide the catalogue)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_card_pdf_is_tagged_with_its_language(
    reference_data: None, client: Client, tmp_path: Path, language: str
) -> None:
    response = client.get(f"/{language}/card.pdf", {"region": "KZ-75"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    objects = _objects(response.content)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(" + language.encode() + rb"\)", objects)
    assert b"pdfuaid:part" in objects  # PDF/UA-1 declared in the XMP metadata
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"Tagged:\s+yes", info.stdout)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "+7 727 3764037" in text  # the Almaty help organisation's number (001 L11)
