"""The desk's services against the real database: logging, crisis alerts, referral with the
caller's consent, police report with what the caller agreed to, cases, audit, statistics."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from qorgan.accounts.permissions import allowed
from qorgan.cases.models import ConsentPurpose, Referral
from qorgan.core.models import AuditEvent
from qorgan.directory.models import Organisation
from qorgan.hotline import selectors, services
from qorgan.hotline.models import Contact
from qorgan.notifications.models import Notification

from .conftest import CRISIS


def test_crisis_alerts_supervisor_and_regional_police_and_stays_on_top(
    desk: dict[str, Any],
) -> None:
    info = services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "contact_type": "information", "signs": []},
    )
    crisis = services.log_contact(user=desk["operator"], hotline=desk["hotline"], data=CRISIS)
    assert crisis.reference.startswith("H-")
    alerted = set(
        Notification.objects.filter(kind="hotline_crisis", reference=crisis.reference).values_list(
            "organisation__code", flat=True
        )
    )
    assert alerted == {"ORG07", "POLICE-AST"}
    assert not Notification.objects.filter(reference=info.reference).exists()
    # On top of the desk although it came later; the supervisor and the police see it.
    assert selectors.desk(desk["operator"])[0] == crisis
    assert crisis in selectors.alerts_for(desk["officer"])
    assert allowed("hotline.view_contact", desk["officer"], crisis)
    assert not allowed("hotline.view_contact", desk["officer"], info)
    assert not allowed("hotline.view_contact", desk["stranger"], crisis)
    services.take_contact(user=desk["officer"], contact=crisis)
    # Taken: back among the others, newest first.
    assert [c.waiting for c in selectors.desk(desk["operator"])] == [False, False]
    assert selectors.alerts_for(desk["officer"]) == []


def test_account_and_caller_are_encrypted_and_anonymous_by_default(desk: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        services.log_contact(
            user=desk["operator"],
            hotline=desk["hotline"],
            data={**CRISIS, "caller_contact": "+7 701 000 00 00"},
        )
    assert "caller_contact" in error.value.message_dict
    contact = services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "caller_agreed_to_contact": True, "caller_contact": "+7 701 000 00 00"},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account, caller_contact FROM hotline_contact WHERE id = %s", [contact.pk.hex]
        )
        row = cursor.fetchone()
    assert "паспорт" not in row[0] and "701" not in row[1]
    assert Contact.objects.get(pk=contact.pk).caller_contact == "+7 701 000 00 00"


def test_only_operators_log(desk: dict[str, Any]) -> None:
    for who in ("colleague", "stranger", "officer", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.log_contact(user=desk[who], hotline=desk["hotline"], data=CRISIS)
    with pytest.raises(ValidationError) as error:
        services.log_contact(
            user=desk["operator"],
            hotline=desk["hotline"],
            data={**CRISIS, "channel": "pigeon", "signs": ["NOPE"], "region": "KZ-99"},
        )
    assert set(error.value.message_dict) == {"channel", "signs", "region"}


def test_referral_needs_the_callers_consent_and_goes_through_a_case(desk: dict[str, Any]) -> None:
    contact = services.log_contact(user=desk["operator"], hotline=desk["hotline"], data=CRISIS)
    target = Organisation.objects.exclude(code="ORG07").filter(region__code="KZ-71").first()
    assert target is not None
    with pytest.raises(ValidationError):
        services.refer(
            user=desk["operator"],
            contact=contact,
            to_organisation=target,
            services=["legal"],
            consent_given=False,
        )
    referral = services.refer(
        user=desk["operator"],
        contact=contact,
        to_organisation=target,
        services=["legal", "psychological"],
        consent_given=True,
    )
    contact.refresh_from_db()
    assert contact.referral == referral and contact.case == referral.case
    assert referral.consent.purpose == ConsentPurpose.REFERRAL
    assert referral.consent.recipient == target and referral.consent.form == "oral"
    assert contact.outcome == "case"
    assert Notification.objects.filter(organisation=target, kind="referral_received").exists()
    assert Referral.objects.filter(case=contact.case).count() == 1


def test_police_report_shares_only_what_the_caller_agreed_to(desk: dict[str, Any]) -> None:
    contact = services.log_contact(
        user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
    )
    other = services.log_contact(
        user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
    )
    with pytest.raises(ValidationError):
        services.report_to_police(
            user=desk["operator"],
            contact=contact,
            police=desk["police"],
            share_account=True,
            share_caller=True,  # the caller left no name or number
        )
    services.report_to_police(
        user=desk["operator"],
        contact=contact,
        police=desk["police"],
        share_account=False,
        share_caller=False,
    )
    contact.refresh_from_db()
    assert contact.police_organisation == desk["police"] and not contact.police_may_see_account
    assert contact.outcome == "police"
    assert Notification.objects.filter(
        organisation=desk["police"], kind="hotline_report", reference=contact.reference
    ).exists()
    assert allowed("hotline.view_contact", desk["officer"], contact)
    assert not allowed("hotline.view_contact", desk["officer"], other)
    assert not allowed("hotline.edit", desk["officer"], contact)


def test_tip_becomes_a_case_and_links(desk: dict[str, Any]) -> None:
    tip = services.log_contact(
        user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
    )
    case = services.open_case(user=desk["operator"], contact=tip)
    assert case.organisation.code == "ORG07" and case.region.code == "KZ-71"
    again = services.log_contact(
        user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
    )
    services.link(user=desk["operator"], contact=again, case_reference=case.reference)
    again.refresh_from_db()
    assert again.case == case and again.outcome == "case"
    with pytest.raises(ValidationError):
        services.link(user=desk["operator"], contact=again, case_reference="Q2000-NOPE00")


def test_history_is_audited_without_personal_data(desk: dict[str, Any]) -> None:
    contact = services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "follow_up": True, "follow_up_note": "перезвонить"},
    )
    services.take_contact(user=desk["supervisor"], contact=contact)
    services.close_follow_up(user=desk["operator"], contact=contact, note="позвонили")
    events = list(
        AuditEvent.objects.filter(object_type="hotline.Contact", object_id=str(contact.pk))
        .order_by("pk")
        .values_list("action", "actor_username")
    )
    assert events == [
        ("create", "operator"),
        ("hotline_take", "hl-supervisor"),
        ("hotline_follow_up_done", "operator"),
    ]
    for event in AuditEvent.objects.filter(object_type="hotline.Contact"):
        assert "паспорт" not in str(event.detail) and "позвонили" not in str(event.detail)


def test_handover_lists_open_follow_ups(desk: dict[str, Any]) -> None:
    open_ = services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "contact_type": "information", "follow_up": True},
    )
    services.log_contact(user=desk["operator"], hotline=desk["hotline"], data=CRISIS)
    ((hotline, rows),) = selectors.handover(desk["operator"])
    assert hotline == desk["hotline"] and rows == [open_]


def test_statistics_withhold_small_cells(desk: dict[str, Any]) -> None:
    for _index in range(6):
        services.log_contact(
            user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
        )
    services.log_contact(
        user=desk["operator"],
        hotline=desk["hotline"],
        data={**CRISIS, "contact_type": "information", "channel": "chat"},
    )
    today = timezone.localdate()
    stats = {b.name: b for b in selectors.contact_statistics(today - timedelta(days=1), today)}
    types = stats["hotline_contact_type"]
    assert types.cells["information"].suppressed and types.cells["information"].reason == "small"
    assert types.cells["crisis"].suppressed  # nobody: withheld all the same
    assert 5 <= types.cells["tip"].value <= 9  # 6 perturbed by -1..+3: never below the threshold
    assert types.cells["tip"].display() != "<5"
    assert stats["hotline_channel"].cells["chat"].suppressed
    # The same contacts give the same published number (cell keys), whatever the output.
    again = {b.name: b for b in selectors.contact_statistics(today - timedelta(days=1), today)}
    assert again["hotline_region"].cells["KZ-71"] == stats["hotline_region"].cells["KZ-71"]
    assert stats["hotline_region"].cells["KZ-71"].value >= 5
    assert stats["hotline_region"].cells["KZ-10"].suppressed
    assert selectors.appeals_by_region(date(today.year, 1, 1), today) == {"KZ-71": 6}


def test_a_contact_corrected_to_crisis_alerts_then(desk: dict[str, Any]) -> None:
    contact = services.log_contact(
        user=desk["operator"], hotline=desk["hotline"], data={**CRISIS, "contact_type": "tip"}
    )
    assert not Notification.objects.filter(reference=contact.reference).exists()
    with pytest.raises(PermissionDenied):
        services.update_contact(user=desk["officer"], contact=contact, data=CRISIS)
    services.update_contact(user=desk["operator"], contact=contact, data=CRISIS)
    assert (
        Notification.objects.filter(reference=contact.reference, kind="hotline_crisis").count() == 2
    )
    event = AuditEvent.objects.filter(object_type="hotline.Contact", action="update").get()
    assert event.fields == ["contact_type"]
