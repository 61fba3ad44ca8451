"""The audit chain takes its time from the database and refuses to go back.

PostgreSQL:
- ``core_audit_append`` no longer takes a time from its caller: it reads the database's clock
  (``clock_timestamp()``) after locking the chain's head, so times follow the order of the
  chain. The caller passes the event's canonical JSON cut where the time goes; the function
  puts the time in (``core_audit_iso``: the text Python's ``datetime.isoformat()`` gives for the
  same instant in UTC) and hashes the same bytes as ``core.audit.compute_hash``. The function is
  SECURITY DEFINER: it runs with its owner's rights, so the application's role needs no INSERT
  or UPDATE on the audit tables at all (docs/deploy.md).
- A row inserted into ``core_auditevent`` by any other way must still carry the database's
  current time (within a minute): an event cannot be back-dated without disabling the trigger,
  which only the table's owner can (and then ``qorgan audit_verify`` finds it: times go back,
  and signed checkpoints no longer agree).
- The chain's head moves forward one event at a time; it is never moved back or deleted.

SQLite (the embedded default, no boundary against whoever holds the file): the same two
refusals as triggers (time within a minute of now, head forward by one); the head may still be
deleted, because the test suite empties tables with DELETE.
"""

import importlib

from django.db import migrations

OLD_SIGNATURE = (
    "timestamptz, bigint, varchar, varchar, varchar, varchar, varchar, jsonb, jsonb, "
    "varchar, varchar, bytea"
)
NEW_SIGNATURE = (
    "bigint, varchar, varchar, varchar, varchar, varchar, jsonb, jsonb, varchar, varchar, "
    "bytea, bytea"
)

ISO = r"""
CREATE OR REPLACE FUNCTION core_audit_iso(p_at timestamptz) RETURNS text AS $$
    SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN to_char(p_at AT TIME ZONE 'UTC', 'US') = '000000' THEN ''
                ELSE '.' || to_char(p_at AT TIME ZONE 'UTC', 'US') END
        || '+00:00'
$$ LANGUAGE sql IMMUTABLE STRICT;
"""

APPEND = r"""
CREATE FUNCTION core_audit_append(
    p_actor_id bigint, p_actor_username varchar, p_actor_organisation varchar,
    p_action varchar, p_object_type varchar, p_object_id varchar, p_fields jsonb, p_detail jsonb,
    p_remote_addr varchar, p_route varchar, p_before bytea, p_after bytea
) RETURNS TABLE (out_seq bigint, out_at timestamptz, out_prev_hash varchar, out_hash varchar)
SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    v_prev varchar;
    v_seq bigint;
    v_hash varchar;
    v_at timestamptz;
BEGIN
    SELECT h.last_hash, h.last_seq + 1 INTO v_prev, v_seq
      FROM core_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_auditchainhead (id, last_hash, last_seq)
             VALUES (1, repeat('0', 64), 0) ON CONFLICT (id) DO NOTHING;
        SELECT h.last_hash, h.last_seq + 1 INTO v_prev, v_seq
          FROM core_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    END IF;
    v_at := clock_timestamp();  -- under the head's lock: in the order of the chain
    v_hash := encode(sha256(
        convert_to(v_prev || E'\n' || v_seq::text || E'\n', 'UTF8')
        || p_before || convert_to('"' || core_audit_iso(v_at) || '"', 'UTF8') || p_after
    ), 'hex');
    INSERT INTO core_auditevent (
        seq, at, actor_id, actor_username, actor_organisation, action, object_type, object_id,
        fields, detail, remote_addr, route, prev_hash, hash
    ) VALUES (
        v_seq, v_at, p_actor_id, p_actor_username, p_actor_organisation, p_action,
        p_object_type, p_object_id, p_fields, p_detail, p_remote_addr, p_route, v_prev, v_hash
    );
    UPDATE core_auditchainhead h SET last_hash = v_hash, last_seq = v_seq WHERE h.id = 1;
    RETURN QUERY SELECT v_seq, v_at, v_prev, v_hash;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_GUARDS = [
    """CREATE OR REPLACE FUNCTION core_auditevent_current_time() RETURNS trigger AS $$
       BEGIN
           IF NEW.at < clock_timestamp() - interval '60 seconds'
              OR NEW.at > clock_timestamp() + interval '60 seconds' THEN
               RAISE EXCEPTION 'an audit event carries the database''s current time';
           END IF;
           RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_time BEFORE INSERT ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_current_time();""",
    """CREATE OR REPLACE FUNCTION core_auditchainhead_forward() RETURNS trigger AS $$
       BEGIN
           IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1 THEN
               RAISE EXCEPTION 'the audit chain''s head only moves forward, one event at a time';
           END IF;
           RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditchainhead_forward BEFORE UPDATE OR DELETE ON core_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_forward();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward ON core_auditchainhead;",
    "DROP FUNCTION IF EXISTS core_auditchainhead_forward();",
    "DROP TRIGGER IF EXISTS core_auditevent_time ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_current_time();",
    f"DROP FUNCTION IF EXISTS core_audit_append({NEW_SIGNATURE});",
    "DROP FUNCTION IF EXISTS core_audit_iso(timestamptz);",
]

SQLITE = [
    """CREATE TRIGGER core_auditevent_time BEFORE INSERT ON core_auditevent
       WHEN NEW.at < strftime('%Y-%m-%d %H:%M:%f', 'now', '-60 seconds')
         OR NEW.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '+60 seconds')
       BEGIN SELECT RAISE(ABORT, 'an audit event carries the current time'); END;""",
    """CREATE TRIGGER core_auditchainhead_forward BEFORE UPDATE ON core_auditchainhead
       WHEN NEW.id <> OLD.id OR NEW.last_seq <> OLD.last_seq + 1
       BEGIN SELECT RAISE(ABORT, 'the audit chain''s head only moves forward'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward;",
    "DROP TRIGGER IF EXISTS core_auditevent_time;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    if vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    schema_editor.execute(f"DROP FUNCTION IF EXISTS core_audit_append({OLD_SIGNATURE})")
    schema_editor.execute(ISO)
    schema_editor.execute(APPEND.replace("{schema}", schema))
    # Only the owner and those granted it may append (docs/deploy.md grants the application).
    schema_editor.execute(f"REVOKE ALL ON FUNCTION core_audit_append({NEW_SIGNATURE}) FROM PUBLIC")
    for statement in POSTGRES_GUARDS:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)
    if vendor != "postgresql":
        return
    for statement in POSTGRES_REVERSE:
        schema_editor.execute(statement)
    previous = importlib.import_module("qorgan.core.migrations.0005_audit_append_function")
    schema_editor.execute(previous.FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_append_function")]
    operations = [migrations.RunPython(forward, backward)]
