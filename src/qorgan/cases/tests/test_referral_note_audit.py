"""The referral note (encrypted) is personal data: showing it on the referrals page or in the
API list is audited (issue 16, finding 8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from qorgan.cases import services
from qorgan.cases.models import ConsentPurpose, Referral
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation


def _referral(people: dict[str, Any], case: Any) -> Referral:
    consent = services.record_consent(
        user=people["worker"],
        case=case,
        purpose=ConsentPurpose.REFERRAL,
        recipient=Organisation.objects.get(code="ORG02"),
        form="written",
        given_on=timezone.localdate(),
    )
    return services.send_referral(
        user=people["worker"],
        case=case,
        to_organisation=Organisation.objects.get(code="ORG02"),
        services=["legal"],
        due_on=timezone.localdate() + timedelta(days=2),
        note="She is afraid of her employer",
        consent=consent,
    )


def _note_reads(user: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            actor_username=user.username, object_type="cases.Referral", action="read_list"
        )
    )


def test_the_referrals_page_audits_the_notes_it_shows(
    client: Any, people: dict[str, Any], case: Any
) -> None:
    referral = _referral(people, case)
    client.force_login(people["receiver"])
    page = client.get("/en/cases/referrals/").content.decode()
    assert "She is afraid of her employer" in page
    (event,) = _note_reads(people["receiver"])
    assert event.fields == ["note"]
    assert event.detail == {"referrals": [str(referral.pk)]}


def test_the_api_list_is_audited_too(client: Any, people: dict[str, Any], case: Any) -> None:
    referral = _referral(people, case)
    client.force_login(people["worker"])
    assert client.get("/api/v1/referrals/").status_code == 200
    (event,) = _note_reads(people["worker"])
    assert event.detail == {"referrals": [str(referral.pk)]}
