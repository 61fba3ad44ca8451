"""Recording and checking the audit trail (see ``models.AuditEvent``).

Services call ``record(...)`` inside their transaction: the event commits or rolls back with
the change it describes. Where the request came from (address, path) is taken from the
context the middleware sets; commands and tasks set their own with ``audit_context``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


@dataclass(frozen=True)
class Origin:
    remote_addr: str = ""
    route: str = ""


_NO_ORIGIN = Origin()
_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar("audit_origin", default=_NO_ORIGIN)


@contextmanager
def audit_context(*, remote_addr: str = "", route: str = "") -> Iterator[None]:
    token = _origin.set(Origin(remote_addr=remote_addr, route=route[:200]))
    try:
        yield
    finally:
        _origin.reset(token)


def _canonical(event: AuditEvent) -> bytes:
    """The event's content as canonical JSON (its place in the chain is hashed beside it)."""
    payload = {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_organisation": event.actor_organisation,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": event.fields,
        "detail": event.detail,
        "remote_addr": event.remote_addr,
        "route": event.route,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash, the event's sequence number and its content; the
    PostgreSQL function ``core_audit_append`` computes the same bytes."""
    return hashlib.sha256(f"{prev_hash}\n{event.seq}\n".encode() + _canonical(event)).hexdigest()


# One round trip on PostgreSQL: lock the head, hash, insert, move the head (migration 0005).
_APPEND_SQL = (
    "SELECT out_seq, out_prev_hash, out_hash FROM core_audit_append("
    "%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s)"
)


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Never put personal data into ``detail``: names of fields,
    codes and identifiers only."""
    origin = _origin.get()
    authenticated = bool(getattr(actor, "is_authenticated", False))
    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_organisation=getattr(getattr(actor, "organisation", None), "code", "")
        if authenticated
        else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(set(fields)),
        detail=detail or {},
        remote_addr=origin.remote_addr,
        route=origin.route,
    )
    connection = connections[AuditEvent.objects.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _APPEND_SQL,
                [
                    event.at,
                    event.actor_id,
                    event.actor_username,
                    event.actor_organisation,
                    event.action,
                    event.object_type,
                    event.object_id,
                    json.dumps(event.fields, ensure_ascii=False),
                    json.dumps(event.detail, ensure_ascii=False),
                    event.remote_addr,
                    event.route,
                    _canonical(event),
                ],
            )
            event.seq, event.prev_hash, event.hash = cursor.fetchone()
        event._state.adding, event._state.db = False, connection.alias
        return event
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        event.seq = head.last_seq + 1  # kept with last_hash under the row lock: no MAX(seq)
        event.prev_hash = head.last_hash
        event.hash = compute_hash(head.last_hash, event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_hash=event.hash, last_seq=event.seq)
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    intact: bool
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain from the start: every row's hash must match its content and its predecessor."""
    previous = GENESIS
    count = 0
    expected_seq = 1
    last_seq = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for event in rows:
            count += 1
            if event.seq != expected_seq:
                return ChainReport(count, False, expected_seq, "an event is missing")
            if event.prev_hash != previous:
                return ChainReport(
                    count, False, event.seq, "the link to the previous event is broken"
                )
            if compute_hash(previous, event) != event.hash:
                return ChainReport(
                    count, False, event.seq, "the event was changed after it was written"
                )
            previous = event.hash
            expected_seq += 1
            last_seq = event.seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_hash != previous:
        return ChainReport(count, False, expected_seq, "events at the end of the chain are missing")
    return ChainReport(count, True)
