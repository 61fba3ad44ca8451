"""Every free-text field about a person or their case is stored encrypted (issue 16, finding 8):
closure reason, status note, override and decline reasons, referral outcome and history notes,
service outcome, the report's closing note. Only codes, statuses, keyed hashes and references
stay in clear."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection, models

from qorgan.cases.models import Case, StatusChange
from qorgan.core.fields import EncryptedJSONField, EncryptedTextField, encrypt_columns_in_place

# Columns left in clear, each for a reason: choices (codes), keyed hashes, generated
# references, organisation names, statistics' coarse categories, storage metadata.
CLEAR = {
    "cases.Person": {
        "sex",
        "citizenship",
        "age_group",
        "iin_index",
        "passport_index",
        "name_dob_index",
    },
    "cases.Case": {
        "reference",
        "status",
        "exploitation_forms",
        "perpetrator_roles",
        "identification_body",
        "erdr_number",
        "guardianship_body",
        "stat_sex",
        "stat_age_group",
        "stat_citizenship",
        "detection_source",
    },
    "cases.StatusChange": {"from_status", "to_status"},
    "cases.ConsentRecord": {"purpose", "form"},
    "cases.Referral": {"status", "services"},
    "cases.ReferralEvent": {"action"},
    "cases.NotificationSent": {"kind", "reference"},
    "cases.RightsExplanation": {"rights", "language"},
    "cases.ServiceRecord": {"service"},
    "cases.RouteEvent": {"stage", "country"},
    "cases.SupportObjective": {"status"},
    "cases.ProtectionMeasure": {"option", "choice", "authority"},
    "cases.Attachment": {"content_type", "sha256", "blob"},
    # Case work (issue 13): codes only; the deciding body as on the case itself.
    "cases.ApprovalRequest": {"kind", "target", "status", "identification_body"},
    "cases.FollowUp": {"status"},
    "cases.Handover": {"status"},
    "portal.Report": {"receipt_index", "language", "status"},
    "cases.DuplicateAlert": {"status", "matched_by"},
    "cases.ImportJob": {"status", "fmt", "blob"},
    "cases.Incident": {"reference", "kind"},
    "cases.PersonLink": {"relation"},
}


def test_no_other_text_column_of_a_case_or_report_is_in_clear() -> None:
    found = {}
    for label in ("cases", "portal"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                text = isinstance(field, models.CharField | models.TextField | models.JSONField)
                encrypted = isinstance(field, EncryptedTextField | EncryptedJSONField)
                if text and not encrypted:
                    found.setdefault(model._meta.label, set()).add(field.name)
    assert found == CLEAR


def test_the_migration_encrypts_what_was_stored_in_clear(people: dict[str, Any], case: Any) -> None:
    change = StatusChange.objects.create(
        case=case,
        changed_by=people["worker"],
        from_status="detected",
        to_status="detected",
        reason="x",
    )
    with connection.cursor() as cursor:  # as the column held it before the migration
        cursor.execute(
            "UPDATE cases_statuschange SET reason = %s WHERE id = %s",
            ["Brought in by her brother", change.pk],
        )
        cursor.execute(
            "UPDATE cases_case SET closure_reason = %s WHERE id = %s",
            ["Went home", Case._meta.pk.get_db_prep_value(case.pk, connection)],
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    encrypt_columns_in_place(editor, "cases_statuschange", ["reason"])
    encrypt_columns_in_place(editor, "cases_case", ["closure_reason"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_statuschange WHERE id = %s", [change.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("gAAAA") and "brother" not in raw
    assert StatusChange.objects.get(pk=change.pk).reason == "Brought in by her brother"
    assert Case.objects.get(pk=case.pk).closure_reason == "Went home"
