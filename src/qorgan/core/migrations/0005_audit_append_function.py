"""PostgreSQL appends an audit event in one round trip: ``core_audit_append`` locks the chain's
head, computes the hash (the same bytes as ``core.audit.compute_hash``: the previous hash, a
newline, the sequence number, a newline, then the event's canonical JSON), inserts the event
and moves the head. SQLite keeps doing the same steps from Python.

The hash now covers the sequence number beside the content instead of inside it; no system is
deployed yet, so no event written with the earlier form exists to be re-checked.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION core_audit_append(
    p_at timestamptz, p_actor_id bigint, p_actor_username varchar, p_actor_organisation varchar,
    p_action varchar, p_object_type varchar, p_object_id varchar, p_fields jsonb, p_detail jsonb,
    p_remote_addr varchar, p_route varchar, p_content bytea
) RETURNS TABLE (out_seq bigint, out_prev_hash varchar, out_hash varchar) AS $$
DECLARE
    v_prev varchar;
    v_seq bigint;
    v_hash varchar;
BEGIN
    SELECT h.last_hash, h.last_seq + 1 INTO v_prev, v_seq
      FROM core_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_auditchainhead (id, last_hash, last_seq)
             VALUES (1, repeat('0', 64), 0) ON CONFLICT (id) DO NOTHING;
        SELECT h.last_hash, h.last_seq + 1 INTO v_prev, v_seq
          FROM core_auditchainhead h WHERE h.id = 1 FOR UPDATE;
    END IF;
    v_hash := encode(
        sha256(convert_to(v_prev || E'\n' || v_seq::text || E'\n', 'UTF8') || p_content), 'hex'
    );
    INSERT INTO core_auditevent (
        seq, at, actor_id, actor_username, actor_organisation, action, object_type, object_id,
        fields, detail, remote_addr, route, prev_hash, hash
    ) VALUES (
        v_seq, p_at, p_actor_id, p_actor_username, p_actor_organisation, p_action,
        p_object_type, p_object_id, p_fields, p_detail, p_remote_addr, p_route, v_prev, v_hash
    );
    UPDATE core_auditchainhead h SET last_hash = v_hash, last_seq = v_seq WHERE h.id = 1;
    RETURN QUERY SELECT v_seq, v_prev, v_hash;
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS core_audit_append("
            "timestamptz, bigint, varchar, varchar, varchar, varchar, varchar, jsonb, jsonb, "
            "varchar, varchar, bytea)"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_fill_last_seq")]
    operations = [migrations.RunPython(forward, backward)]
