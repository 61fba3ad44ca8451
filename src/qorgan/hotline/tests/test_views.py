"""The desk's pages through the test client (real templates, real database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from qorgan.hotline.models import Contact

from .conftest import CRISIS


def _post_crisis(client: Any, **extra: Any) -> Any:
    data = {**CRISIS, **extra}
    return client.post(reverse("hotline:desk"), data)


def test_desk_logs_a_crisis_and_shows_the_police_path_first(
    client: Any, desk: dict[str, Any]
) -> None:
    client.force_login(desk["operator"])
    page = client.get(reverse("hotline:desk"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="signs" value="S12"' in body and "Passport or documents held by others" in body
    answer = _post_crisis(client)
    contact = Contact.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/contacts/{contact.pk}/")
    assert contact.signs == ["S02", "S12"] and contact.created_by == desk["operator"]
    body = client.get(answer["Location"]).content.decode()
    crisis_at = body.index('id="crisis"')
    assert body.index('href="tel:102"') > crisis_at
    assert body.index("What the SOP requires now") > crisis_at
    assert "Сестру держат" in body
    assert "screening/new/?signs=S02&amp;signs=S12&amp;region=KZ-71" in body
    # The desk lists it on top as waiting.
    desk_body = client.get(reverse("hotline:desk")).content.decode()
    assert desk_body.index(contact.reference) < desk_body.index("New contact")


def test_police_read_only_what_the_caller_agreed_to(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    _post_crisis(client)
    contact = Contact.objects.get()
    client.force_login(desk["officer"])
    body = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert "Сестру держат" not in body and "the caller did not agree" in body
    assert client.post(reverse("hotline:take", args=[contact.pk])).status_code == 302
    contact.refresh_from_db()
    assert contact.taken_by == desk["officer"]
    client.force_login(desk["stranger"])
    assert client.get(reverse("hotline:contact", args=[contact.pk])).status_code == 404
    assert client.get(reverse("hotline:desk")).status_code == 403


def test_refer_from_the_contact_page(client: Any, desk: dict[str, Any]) -> None:
    from qorgan.directory.models import Organisation

    client.force_login(desk["operator"])
    _post_crisis(client)
    contact = Contact.objects.get()
    target = Organisation.objects.filter(region__code="KZ-71").exclude(code="ORG07").first()
    page = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert f'value="{target.pk}"' in page
    client.post(
        reverse("hotline:refer", args=[contact.pk]),
        {"to_organisation": target.pk, "services": ["legal"]},
    )
    contact.refresh_from_db()
    assert contact.referral is None  # no consent, no override: refused
    client.post(
        reverse("hotline:refer", args=[contact.pk]),
        {"to_organisation": target.pk, "services": ["legal"], "consent_given": "on"},
    )
    contact.refresh_from_db()
    assert contact.referral.to_organisation == target


@pytest.mark.parametrize("language", ["uz", "ky", "tg", "kk", "ru", "en"])
def test_readout_in_six_languages(client: Any, desk: dict[str, Any], language: str) -> None:
    from qorgan.knowledge.models import CatalogueEntry, Translation

    client.force_login(desk["operator"])
    body = client.get(reverse("hotline:readout") + f"?lang={language}").content.decode()
    entry = CatalogueEntry.objects.get(code="victim_call_police_102")
    if language in ("uz", "ky", "tg"):
        expected = Translation.objects.get(
            object_type="entry", code=entry.code, field="text", language=language
        ).text
        assert "Machine-assisted translation" in body
    else:
        expected = getattr(entry, f"text_{language}")
    assert expected in body
    assert f'lang="{language}"' in body


def test_other_pages(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    _post_crisis(client, follow_up="on", follow_up_note="перезвонить в 18:00")
    assert "перезвонить в 18:00" in client.get(reverse("hotline:handover")).content.decode()
    directory = client.get(reverse("hotline:directory")).content.decode()
    assert "11616" in directory and 'id="region-KZ-71"' in directory
    stats = client.get(reverse("hotline:statistics")).content.decode()
    assert "Contacts by channel" in stats and "&lt;5" in stats
    client.force_login(desk["coordinator"])
    assert client.get(reverse("hotline:statistics")).status_code == 200
    client.force_login(desk["colleague"])
    assert client.get(reverse("hotline:statistics")).status_code == 403


def test_screening_opens_prefilled_and_links_back(client: Any, desk: dict[str, Any]) -> None:
    import re

    client.force_login(desk["operator"])
    _post_crisis(client)
    contact = Contact.objects.get()
    url = f"/en/screening/new/?signs=S02&signs=S12&region=KZ-71&contact={contact.pk}"
    body = client.get(url).content.decode()
    assert re.search(r'value="S12" checked', body) and re.search(r'value="S02" checked', body)
    assert "What the SOP requires now" in body and 'class="error"' not in body
    assert f'name="contact" value="{contact.pk}"' in body
    answer = client.post(
        "/en/screening/new/",
        {
            "signs": ["S02", "S12"],
            "country": "KZ",
            "region": "KZ-71",
            "citizenship": "unknown",
            "sex": "unknown",
            "action": "save",
            "contact": str(contact.pk),
        },
    )
    assert answer.status_code == 302
    contact.refresh_from_db()
    assert contact.screening is not None and contact.outcome in ("screening", "case")


def test_the_operator_completes_a_contact_after_the_call(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    _post_crisis(client, contact_type="tip")
    contact = Contact.objects.get()
    url = reverse("hotline:edit", args=[contact.pk])
    page = client.get(url).content.decode()
    assert 'value="S12" checked' in page and "Сестру держат" in page
    answer = client.post(
        url,
        {
            **CRISIS,
            "contact_type": "tip",
            "signs": ["S12"],
            "actions": ["information", "call_102"],
            "account": "Дополнено после звонка",
        },
    )
    assert answer.status_code == 302
    contact.refresh_from_db()
    assert contact.signs == ["S12"] and contact.actions == ["information", "call_102"]
    assert contact.account == "Дополнено после звонка" and contact.outcome == "advice"
    client.force_login(desk["officer"])
    assert client.get(url).status_code == 404
