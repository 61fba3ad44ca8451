"""The audit chain's append: the same hash from PostgreSQL's function and from Python, one
round trip on PostgreSQL, and a chain that stays intact under concurrent appends."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from qorgan.core import audit
from qorgan.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def test_every_append_is_chained_and_verifiable(make_user: Any) -> None:
    user = make_user(username="officer")
    first = audit.record(actor=user, action="read", object_type="cases.Case", object_id="x")
    second = audit.record(
        actor=None,
        action="update",
        object_type="portal.Report",
        detail={"note": 'Қасымова — «кавычки» \\ "quotes"', "n": [1, 2.5, None]},
        fields=("surname", "given_name", "surname"),
    )
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(seq=2)
    assert stored.fields == ["given_name", "surname"] and stored.hash == second.hash
    assert audit.compute_hash(first.hash, stored) == stored.hash  # Python agrees with the database
    assert AuditChainHead.objects.get().last_seq == 2
    assert audit.verify_chain().intact and audit.verify_chain().events == 2


def test_an_append_is_one_round_trip_on_postgresql(make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement append is PostgreSQL's")
    user = make_user(username="officer")
    audit.record(actor=user, action="read", object_type="cases.Case")
    with CaptureQueriesContext(connection) as queries:
        audit.record(actor=user, action="read", object_type="cases.Case")
    assert len(queries) == 1 and "core_audit_append" in queries[0]["sql"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain(reference_data: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the test database is SQLite's shared in-memory one: see the next test")
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(20):
                audit.record(actor=None, action="read", object_type="t", object_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit.verify_chain()
    assert report.intact and report.events == AuditEvent.objects.count() >= 80


CONCURRENT_SQLITE = """
import os, threading, django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
from qorgan.core import audit
errors = []
def append(n):
    try:
        for i in range(15):
            audit.record(actor=None, action="read", object_type="t", object_id=f"{n}-{i}")
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()
threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
report = audit.verify_chain()
print("errors", errors)
print("chain", report.intact, report.events)
"""


def test_concurrent_appends_on_the_embedded_sqlite_file(tmp_path: Any) -> None:
    """The embedded default (a SQLite file, a threaded server): transactions begin IMMEDIATE,
    so writers wait for each other and never read the same chain head."""
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QORGAN_")},
        "DJANGO_SETTINGS_MODULE": "qorgan.settings.dev",
        "QORGAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_SQLITE],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "errors []" in result.stdout, result.stdout
    assert "chain True 60" in result.stdout, result.stdout
