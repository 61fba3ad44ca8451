"""A hotline of ORG01 with contacts, for the tests that visit every staff page (staff_pages.py)."""

from __future__ import annotations

from typing import Any


def hotline_data(users: dict[str, Any]) -> None:
    """ORG01's line: the frontline worker answers it, the supervisor supervises it; a crisis
    nobody has taken (alerting ORG01), an information call with a follow-up, a tip."""
    from qorgan.directory.models import Organisation
    from qorgan.hotline.models import Hotline
    from qorgan.hotline.services import log_contact

    operator = users["frontline_worker"]
    hotline = Hotline.objects.create(
        code="org01-line",
        organisation=Organisation.objects.get(code="ORG01"),
        supervisor=users["supervisor"],
    )
    hotline.operators.add(operator)
    base = {"channel": "phone", "language": "kk", "region": "KZ-75", "caller_relation": "witness"}
    log_contact(
        user=operator,
        hotline=hotline,
        data={
            **base,
            "contact_type": "crisis",
            "account": "Қызды пәтерде ұстап отыр, паспортын алып қойған.",
            "signs": ["S02", "S12"],
        },
    )
    log_contact(
        user=operator,
        hotline=hotline,
        data={
            **base,
            "contact_type": "information",
            "language": "ru",
            "follow_up": True,
            "follow_up_note": "Перезвонить завтра в 10:00",
            "actions": ["information"],
        },
    )
    log_contact(
        user=operator,
        hotline=hotline,
        data={**base, "contact_type": "tip", "channel": "chat", "signs": ["S01"]},
    )
