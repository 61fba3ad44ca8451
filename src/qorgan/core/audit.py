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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import checkpoints as checkpoints_mod
from .audit_actions import AuditAction
from .checkpoints import Checkpoint, CheckpointError
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


def _payload(event: AuditEvent, at: str | None) -> dict[str, Any]:
    return {
        "at": at,
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


def _dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _canonical(event: AuditEvent) -> bytes:
    """The event's content as canonical JSON (its place in the chain is hashed beside it)."""
    return _dumps(_payload(event, event.at.isoformat()))


_AT_SLOT = b'"at":null'


def _canonical_around_time(event: AuditEvent) -> tuple[bytes, bytes]:
    """The canonical JSON cut where the time goes, for the database to put its own time in.
    The first ``"at":null`` is the top-level key: the keys before it in sorted order
    ("action", "actor_*") hold strings and numbers, and a quote inside a JSON string is always
    escaped, so the text cannot occur inside them."""
    text = _dumps(_payload(event, None))
    cut = text.index(_AT_SLOT)
    return text[: cut + len(b'"at":')], text[cut + len(_AT_SLOT) :]


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash, the event's sequence number and its content; the
    PostgreSQL function ``core_audit_append`` computes the same bytes."""
    return hashlib.sha256(f"{prev_hash}\n{event.seq}\n".encode() + _canonical(event)).hexdigest()


# One round trip on PostgreSQL: lock the head, take the database's clock, hash, insert, move
# the head (migration 0006). The time is the database's, never the caller's.
_APPEND_SQL = (
    "SELECT out_seq, out_at, out_prev_hash, out_hash FROM core_audit_append("
    "%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s, %s, %s, %s)"
)


def record(
    *,
    actor: Any,
    action: AuditAction | str,
    object_type: str,
    object_id: Any = "",
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Never put personal data into ``detail``: names of fields,
    codes and identifiers only. The time is taken while the chain's head is locked (on
    PostgreSQL from the database's clock), so times follow the order of the chain. ``action``
    must be an ``AuditAction`` (or its value): an unknown action is refused."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}: add it to AuditAction")
    action = AuditAction(action).value
    origin = _origin.get()
    authenticated = bool(getattr(actor, "is_authenticated", False))
    event = AuditEvent(
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
        before, after = _canonical_around_time(event)
        with connection.cursor() as cursor:
            cursor.execute(
                _APPEND_SQL,
                [
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
                    before,
                    after,
                ],
            )
            event.seq, event.at, event.prev_hash, event.hash = cursor.fetchone()
        event._state.adding, event._state.db = False, connection.alias
        return event
    for attempt in range(5):
        try:
            with transaction.atomic():
                head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                    id=1, defaults={"last_hash": GENESIS}
                )
                event.seq = head.last_seq + 1  # kept with last_hash under the lock
                event.at = timezone.now()
                event.prev_hash = head.last_hash
                event.hash = compute_hash(head.last_hash, event)
                event.save(force_insert=True)
                AuditChainHead.objects.filter(id=1).update(last_hash=event.hash, last_seq=event.seq)
            return event
        except IntegrityError:
            # SQLite without IMMEDIATE transactions (the tests' shared in-memory database):
            # another writer took this sequence number first; read the head again.
            if attempt == 4:
                raise
            event.pk = None
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    intact: bool
    first_broken_seq: int | None = None
    reason: str = ""  # in the active language
    code: str = ""  # the same, stable: missing, link, changed, backdated, end_missing,
    # head_moved_back, removed, checkpoint_differs, checkpoint_invalid
    # Anchoring: whether signed checkpoints outside the database vouch for the chain.
    anchored: bool = False
    checkpoints: int = 0
    latest: Checkpoint | None = None
    unanchored_events: int = 0  # events appended after the latest checkpoint
    not_anchored_because: str = ""
    stale: bool = False  # the latest checkpoint is older than AUDIT_CHECKPOINT_MAX_AGE_MINUTES
    head_seq: int = 0  # the head that was checked (the signer signs it)
    head_hash: str = GENESIS


def verify_keys() -> dict[str, Any]:
    """The public keys checkpoints are checked with (QORGAN_AUDIT_VERIFY_KEY, comma-separated
    for a rotation: old and new)."""
    return checkpoints_mod.parse_public_keys(getattr(settings, "AUDIT_VERIFY_KEYS", []))


def checkpoint_path() -> Path | None:
    value = getattr(settings, "AUDIT_CHECKPOINT_FILE", "")
    return Path(value) if value else None


def configured_checkpoints() -> tuple[list[Checkpoint] | None, str]:
    """The checkpoints of the configured file, each checked against the trusted keys, or None
    and why nothing can anchor the chain. A line that fails raises ``CheckpointError``."""
    keys = verify_keys()
    path = checkpoint_path()
    if not keys:
        return None, _(
            "No signed checkpoint anchors the chain (QORGAN_AUDIT_VERIFY_KEY is not set): "
            "whoever can write the database could rewrite or shorten it unnoticed."
        )
    if path is None:
        return None, _(
            "No signed checkpoint anchors the chain (QORGAN_AUDIT_CHECKPOINT_FILE is not set): "
            "whoever can write the database could rewrite or shorten it unnoticed."
        )
    if not path.exists():
        return [], _(
            "No signed checkpoint anchors the chain: the checkpoint file %(path)s does not "
            "exist (has qorgan audit_checkpoint run?)."
        ) % {"path": path}
    found = checkpoints_mod.read_file(path, keys)
    if not found:
        return found, _(
            "No signed checkpoint anchors the chain: the checkpoint file %(path)s is empty."
        ) % {"path": path}
    return found, ""


def _head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(id=1).first()
    return (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)


def verify_chain(
    batch: int = 2000,
    *,
    checkpoints: list[Checkpoint] | None = None,
    start: Checkpoint | None = None,
    now: datetime | None = None,
) -> ChainReport:
    """Walk the chain: every row's hash must match its content and its predecessor, times must
    not go back (beyond ``AUDIT_CLOCK_TOLERANCE_SECONDS``), the head must match the last event,
    and every signed checkpoint must agree with the event it names; a chain shorter than a
    checkpoint lost events. ``checkpoints`` None reads the configured file; ``start`` (a
    checkpoint) walks only the events after it (the signer does, before signing again)."""
    not_anchored = ""
    if checkpoints is None:
        try:
            loaded, not_anchored = configured_checkpoints()
        except CheckpointError as exc:
            return ChainReport(0, False, None, str(exc), "checkpoint_invalid")
        checkpoints = loaded or []
    tolerance = timedelta(seconds=getattr(settings, "AUDIT_CLOCK_TOLERANCE_SECONDS", 10))
    by_seq = {checkpoint.seq: checkpoint for checkpoint in checkpoints}
    latest = checkpoints[-1] if checkpoints else None

    def broken(count: int, seq: int | None, code: str, reason: str) -> ChainReport:
        return ChainReport(
            count, False, seq, reason, code, checkpoints=len(checkpoints), latest=latest
        )

    head_seq, head_hash = _head()  # first: events up to it were committed with it
    furthest = max([c.seq for c in checkpoints] + [start.seq if start else 0])
    if furthest > head_seq:
        return broken(
            0,
            head_seq + 1,
            "removed",
            _(
                "the chain ends at event %(head)s, but a signed checkpoint covered the events "
                "up to %(seq)s: events were removed"
            )
            % {"head": head_seq, "seq": furthest},
        )
    previous, previous_at, last_seq = GENESIS, None, 0
    if start is not None and start.seq > 0:
        anchor = AuditEvent.objects.filter(seq=start.seq).first()
        if anchor is None or anchor.hash != start.hash:
            return broken(0, start.seq, "checkpoint_differs", _differs(start))
        previous, previous_at, last_seq = anchor.hash, anchor.at, anchor.seq
    if 0 in by_seq and by_seq[0].hash != GENESIS:
        return broken(0, 0, "checkpoint_differs", _differs(by_seq[0]))
    count = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq, seq__lte=head_seq).order_by("seq")[:batch]
        )
        if not rows:
            break
        for event in rows:
            count += 1
            if event.seq != last_seq + 1:
                return broken(count, last_seq + 1, "missing", _("an event is missing"))
            if event.prev_hash != previous:
                return broken(
                    count, event.seq, "link", _("the link to the previous event is broken")
                )
            if compute_hash(previous, event) != event.hash:
                return broken(
                    count, event.seq, "changed", _("the event was changed after it was written")
                )
            if previous_at is not None and event.at < previous_at - tolerance:
                return broken(
                    count,
                    event.seq,
                    "backdated",
                    _(
                        "the event is dated earlier than the event before it: it was "
                        "back-dated or inserted later"
                    ),
                )
            checkpoint = by_seq.get(event.seq)
            if checkpoint is not None and checkpoint.hash != event.hash:
                return broken(count, event.seq, "checkpoint_differs", _differs(checkpoint))
            previous, previous_at, last_seq = event.hash, event.at, event.seq
    if last_seq != head_seq or previous != head_hash:
        return broken(
            count, last_seq + 1, "end_missing", _("events at the end of the chain are missing")
        )
    # Rows beyond the head (read before the head: an append commits both together) mean the
    # head was moved back.
    beyond = AuditEvent.objects.aggregate(top=Max("seq"))["top"] or 0
    if beyond > _head()[0]:
        return broken(count, head_seq + 1, "head_moved_back", _("the chain's head was moved back"))
    stale = False
    if latest is not None:
        max_age = timedelta(minutes=getattr(settings, "AUDIT_CHECKPOINT_MAX_AGE_MINUTES", 120))
        stale = bool(max_age) and (now or timezone.now()) - latest.at > max_age
    return ChainReport(
        count,
        True,
        anchored=latest is not None,
        checkpoints=len(checkpoints),
        latest=latest,
        unanchored_events=head_seq - latest.seq if latest is not None else head_seq,
        not_anchored_because=not_anchored,
        stale=stale,
        head_seq=head_seq,
        head_hash=head_hash,
    )


def _differs(checkpoint: Checkpoint) -> str:
    return _(
        "the chain differs from the checkpoint signed at %(at)s for event %(seq)s: it was rewritten"
    ) % {"at": checkpoints_mod.format_time(checkpoint.at), "seq": checkpoint.seq}
