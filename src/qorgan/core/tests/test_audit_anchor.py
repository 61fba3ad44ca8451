"""The audit chain against those who can write the database (issue 16, finding 2).

Each test plays one attack as its attacker would, with raw SQL on the real database (SQLite
here, PostgreSQL when DATABASE_URL names it): the table owner who disables the triggers and
deletes or rewrites rows with recomputed hashes, the application role appending a back-dated
event in another user's name, someone who edits the checkpoint file or signs with another key.
The bare chain cannot tell some of these from an honest chain; the signed checkpoints (kept
outside the database) and the database's own times can.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from qorgan.core import audit
from qorgan.core import checkpoints as cp
from qorgan.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

SQLITE_TRIGGERS = [
    "core_auditevent_no_update",
    "core_auditevent_time",
    "core_auditchainhead_forward",
]


@pytest.fixture
def signer(tmp_path: Path, settings: Any) -> dict[str, Any]:
    """A signer's key pair and checkpoint file; the application trusts the public key."""
    key_file = tmp_path / "signer.key"
    private_key = cp.generate_private_key(key_file)
    settings.AUDIT_SIGNING_KEY_FILE = str(key_file)
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.AUDIT_VERIFY_KEYS = [cp.public_key_text(private_key.public_key())]
    return {"key": private_key, "file": tmp_path / "checkpoints.jsonl"}


def events(n: int, actor: Any = None) -> list[AuditEvent]:
    return [
        audit.record(actor=actor, action="read", object_type="cases.Case", object_id=f"c{i}")
        for i in range(n)
    ]


def checkpoint() -> str:
    out = StringIO()
    call_command("audit_checkpoint", "--force", stdout=out)
    return out.getvalue()


def verify() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("audit_verify", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=StringIO())
    return str(failure.value)


@contextmanager
def as_table_owner() -> Iterator[Any]:
    """What the tables' owner can do: switch the triggers off (the test's transaction puts them
    back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_auditchainhead DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        yield cursor


def move_head(cursor: Any, seq: int, head_hash: str) -> None:
    cursor.execute(
        "UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1",
        [seq, head_hash],
    )


def backdated_event(victim: Any, days: int = 30) -> AuditEvent:
    """An event in ``victim``'s name, dated ``days`` ago, hashed and linked as the next one."""
    head = AuditChainHead.objects.get()
    event = AuditEvent(
        seq=head.last_seq + 1,
        at=timezone.now() - timedelta(days=days),
        actor_id=victim.pk,
        actor_username=victim.get_username(),
        actor_organisation=victim.organisation.code,
        action="read",
        object_type="cases.Case",
        object_id="someone-elses-case",
        fields=[],
        detail={},
        prev_hash=head.last_hash,
    )
    event.hash = audit.compute_hash(head.last_hash, event)
    return event


def append_raw(event: AuditEvent) -> None:
    event.save(force_insert=True)
    with connection.cursor() as cursor:
        move_head(cursor, event.seq, event.hash)


# --- Truncation -------------------------------------------------------------------------------


def test_removing_the_last_events_and_moving_the_head_back_is_detected(
    signer: dict[str, Any],
) -> None:
    chain = events(5)
    assert '"seq":5' in checkpoint()
    assert "Anchored" in verify()
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq > 3")
        move_head(cursor, 3, chain[2].hash)
    # The attack works against the chain alone: it is consistent with itself.
    assert audit.verify_chain(checkpoints=[]).intact
    report = audit.verify_chain()
    assert not report.intact and report.code == "removed" and report.first_broken_seq == 4
    assert "events were removed" in verify_fails()

    # Growing the chain again to the checkpoint's length does not help: event 5 is not the one
    # that was signed.
    events(2)
    report = audit.verify_chain()
    assert not report.intact and report.code == "checkpoint_differs"
    assert report.first_broken_seq == 5
    assert "rewritten" in verify_fails()


def test_the_application_role_cannot_move_the_head_back(signer: dict[str, Any]) -> None:
    chain = events(3)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        move_head(cursor, 2, chain[1].hash)
    assert AuditChainHead.objects.get().last_seq == 3


def test_a_head_moved_back_over_events_left_in_place_is_detected() -> None:
    chain = events(4)
    with as_table_owner() as cursor:
        move_head(cursor, 2, chain[1].hash)
    report = audit.verify_chain(checkpoints=[])
    assert not report.intact and report.code == "head_moved_back"


# --- Rewriting --------------------------------------------------------------------------------


def test_rewriting_an_event_and_recomputing_every_hash_is_detected(
    signer: dict[str, Any], make_user: Any
) -> None:
    officer = make_user(username="officer")
    events(2, actor=officer)
    events(3)
    checkpoint()
    # The owner disables the trigger, gives event 2 to someone else and re-hashes the rest.
    with as_table_owner() as cursor:
        previous = AuditEvent.objects.get(seq=1).hash
        for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
            if event.seq == 2:
                event.actor_username = "someone-else"
            event.prev_hash = previous
            event.hash = audit.compute_hash(previous, event)
            cursor.execute(
                "UPDATE core_auditevent SET actor_username = %s, prev_hash = %s, hash = %s "
                "WHERE seq = %s",
                [event.actor_username, event.prev_hash, event.hash, event.seq],
            )
            previous = event.hash
        move_head(cursor, 5, previous)
    assert AuditEvent.objects.get(seq=2).actor_username == "someone-else"
    assert audit.verify_chain(checkpoints=[]).intact  # the bare chain is fooled
    report = audit.verify_chain()
    assert not report.intact and report.code == "checkpoint_differs"
    assert report.first_broken_seq == 5
    assert "broken at event 5" in verify_fails()


def test_the_signer_never_signs_a_rewritten_chain(signer: dict[str, Any]) -> None:
    events(3)
    checkpoint()
    lines = signer["file"].read_text().splitlines()
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq = 3")
        move_head(cursor, 2, AuditEvent.objects.get(seq=2).hash)
    events(2)  # the chain grows again past the checkpoint, from the shortened head
    with translation.override("en"), pytest.raises(CommandError, match="refusing to sign"):
        checkpoint()
    assert signer["file"].read_text().splitlines() == lines


# --- Back-dating ------------------------------------------------------------------------------


def test_a_backdated_event_in_another_users_name_is_refused_or_detected(
    signer: dict[str, Any], make_user: Any
) -> None:
    victim = make_user(username="victim")
    events(3)
    checkpoint()
    forged = backdated_event(victim)
    if connection.vendor == "postgresql":
        # The application's role, granted what docs/deploy.md granted it before (INSERT and
        # UPDATE on every table): the database refuses a time that is not its own.
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE qorgan_app_test NOLOGIN")
            cursor.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                "TO qorgan_app_test"
            )
            cursor.execute("SET LOCAL ROLE qorgan_app_test")
        with pytest.raises(DatabaseError, match="current time"), transaction.atomic():
            append_raw(forged)
        # Nor can it pass a time to the append function: it takes none.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT core_audit_append(now() - interval '30 days', 1, 'victim', '', 'read', "
                "'cases.Case', 'x', '[]'::jsonb, '{}'::jsonb, '', '', ''::bytea)"
            )
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    else:
        with pytest.raises(DatabaseError), transaction.atomic():
            append_raw(forged)
    assert AuditEvent.objects.count() == 3
    # Whoever switches the trigger off gets the row in, and the chain shows it.
    with as_table_owner():
        append_raw(forged)
    stored = AuditEvent.objects.get(seq=4)
    assert stored.actor_username == "victim" and stored.hash == forged.hash
    report = audit.verify_chain(checkpoints=[])
    assert not report.intact and report.code == "backdated" and report.first_broken_seq == 4
    assert "back-dated" in verify_fails()
    # The signer does not sign it either.
    with translation.override("en"), pytest.raises(CommandError, match="back-dated"):
        checkpoint()


def test_times_come_from_the_database_in_the_order_of_the_chain() -> None:
    chain = events(20)
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.at for e in stored] == sorted(e.at for e in stored)
    assert [e.at for e in stored] == [e.at for e in chain]
    assert abs(timezone.now() - stored[-1].at) < timedelta(seconds=30)


def test_the_database_writes_its_time_as_python_does() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database puts its own time into the hash on PostgreSQL")
    base = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        for micro in (0, 1, 10, 500000, 999999, 123456):
            value = base.replace(microsecond=micro)
            cursor.execute("SELECT core_audit_iso(%s)", [value])
            assert cursor.fetchone()[0] == value.astimezone(UTC).isoformat()


# --- The checkpoint file ----------------------------------------------------------------------


def test_an_altered_checkpoint_or_one_signed_with_another_key_is_refused(
    signer: dict[str, Any],
) -> None:
    events(2)
    checkpoint()
    honest = signer["file"].read_text()
    assert "Anchored" in verify()

    record = json.loads(honest)
    record["seq"] = 1  # claims the chain was shorter
    signer["file"].write_text(json.dumps(record) + "\n")
    assert "signature does not match" in verify_fails()
    report = audit.verify_chain()
    assert not report.intact and report.code == "checkpoint_invalid"

    other = Ed25519PrivateKey.generate()
    head = AuditChainHead.objects.get()
    forged = cp.sign(other, head.last_seq, head.last_hash, timezone.now() + timedelta(seconds=5))
    signer["file"].write_text(honest + forged + "\n")
    assert "not trusted" in verify_fails()
    with translation.override("en"), pytest.raises(CommandError, match="not trusted"):
        checkpoint()

    later = cp.sign(signer["key"], 2, head.last_hash, timezone.now() + timedelta(seconds=60))
    signer["file"].write_text(later + "\n" + honest)  # lines out of order
    assert "not later than line 1" in verify_fails()

    signer["file"].write_text(honest)
    assert "Anchored" in verify()


def test_a_stale_checkpoint_fails_the_daily_check(signer: dict[str, Any]) -> None:
    events(1)
    head = AuditChainHead.objects.get()
    old = cp.sign(signer["key"], 1, head.last_hash, timezone.now() - timedelta(hours=3))
    cp.append_line(signer["file"], old)
    assert "is qorgan audit_checkpoint running" in verify_fails()


def test_without_a_key_the_chain_is_checked_and_said_to_be_unanchored(settings: Any) -> None:
    settings.AUDIT_VERIFY_KEYS = []
    events(2)
    out = verify()
    assert "intact: 2 events" in out and "No signed checkpoint anchors the chain" in out


def test_a_configured_key_without_checkpoints_fails(signer: dict[str, Any]) -> None:
    events(1)
    assert "does not exist" in verify_fails()
    signer["file"].write_text("")
    assert "is empty" in verify_fails()
    checkpoint()
    assert "1 signed checkpoints agree" in verify()


def test_checkpoints_only_when_the_chain_grows_or_the_last_one_ages(
    signer: dict[str, Any],
) -> None:
    events(1)
    call_command("audit_checkpoint", stdout=StringIO())
    with translation.override("en"):
        call_command("audit_checkpoint", stdout=(out := StringIO()))
    assert "Nothing to sign" in out.getvalue()
    assert len(signer["file"].read_text().splitlines()) == 1


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    out = StringIO()
    call_command("audit_keygen", "--private-key", str(path), stdout=out, stderr=StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    printed = out.getvalue().strip()
    assert printed.startswith("QORGAN_AUDIT_VERIFY_KEY=ed25519:")
    public = cp.parse_public_key(printed.split("=", 1)[1])
    key = cp.load_private_key(path)
    line = cp.sign(key, 0, audit.GENESIS, timezone.now())
    assert cp.parse_line(line, {cp.key_id(public): public}).seq == 0
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("audit_keygen", "--private-key", str(path), stdout=StringIO())
    os.chmod(path, 0o640)
    with pytest.raises(cp.CheckpointError, match="chmod 600"):
        cp.load_private_key(path)


# --- The audit log page -----------------------------------------------------------------------


def test_the_audit_log_page_says_whether_checkpoints_anchor_the_chain(
    client: Any, make_user: Any, settings: Any, signer: dict[str, Any]
) -> None:
    from qorgan.accounts.roles import Role

    client.force_login(make_user(username="admin", role=Role.ADMINISTRATOR))
    chain = events(3)
    checkpoint()
    page = client.get("/ru/audit/").content.decode()
    assert "Подписанные контрольные точки, хранящиеся вне базы данных, согласуются" in page
    page = client.get("/kk/audit/").content.decode()
    assert "Дерекқордан тыс сақталған қол қойылған бақылау нүктелері" in page
    with as_table_owner() as cursor:  # the page's own reads are audited too: cut deep
        cursor.execute("DELETE FROM core_auditevent WHERE seq > 1")
        move_head(cursor, 1, chain[0].hash)
    page = client.get("/ru/audit/").content.decode()
    assert "события удалены" in page and "Подписанные контрольные точки" not in page

    signer["file"].write_text(signer["file"].read_text().replace('"seq":3', '"seq":2'))
    page = client.get("/ru/audit/").content.decode()
    assert "Цепочку хешей невозможно проверить" in page and "подпись не соответствует" in page

    settings.AUDIT_VERIFY_KEYS = []
    page = client.get("/kk/audit/").content.decode()
    assert "Тізбекті қол қойылған бірде-бір бақылау нүктесі бекітпейді" in page


def test_the_audit_log_page_lists_every_event_with_its_own_search(
    client: Any, make_user: Any
) -> None:
    from qorgan.accounts.roles import Role

    client.force_login(make_user(username="admin", role=Role.ADMINISTRATOR))
    events(3)
    page = client.get("/en/audit/").content.decode()
    assert re.findall(r'data-label="#">(\d+)<', page) == ["4", "3", "2", "1"]
