"""Every audit action is one enumeration (``AuditAction``); the log shows labels and cases."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction

SOURCE = Path(__file__).resolve().parents[2]  # src/qorgan

# Helpers that pass their own argument on to ``audit.record`` with a prefix: the strings their
# callers give are checked with the prefix added.
# name -> (prefix, position of the action argument)
HELPERS = {"_referral_event": ("referral_", 1), "_log": ("report_", 2), "_save": ("", 2)}
# The f-strings that build an action, and what they expand to (kept explicit: a new one must
# be added here, and its values to AuditAction).
F_STRINGS = {
    "f'referral_{action}'": "_referral_event",
    "f'report_{action}'": "_log",
    "f'{spec.action}_download'": "export kinds",
}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text()))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "AuditAction"
    ):
        member = getattr(AuditAction, node.attr, None)
        return [member.value if member is not None else f"AuditAction.{node.attr}?"]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def recorded_actions() -> tuple[dict[str, str], set[str]]:
    """(action -> where, unexplained expressions) for every ``record(action=...)`` call and
    every call of a helper that records its argument."""
    found: dict[str, str] = {}
    unexplained: set[str] = set()
    export_kinds: list[str] = []
    for path, tree in _modules():
        where = str(path.relative_to(SOURCE))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name == "ExportKind":
                for keyword in node.keywords:
                    if keyword.arg == "action" and (values := _strings(keyword.value)):
                        export_kinds += values
                        found.update(dict.fromkeys(values, where))
            if name in HELPERS and len(node.args) > HELPERS[name][1]:
                prefix, position = HELPERS[name]
                if values := _strings(node.args[position]):
                    found.update({prefix + v: where for v in values})
            if name != "record":
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                values = _strings(keyword.value)
                if values is not None:
                    found.update(dict.fromkeys(values, where))
                elif isinstance(keyword.value, ast.JoinedStr):
                    text = ast.unparse(keyword.value)
                    if text not in F_STRINGS:
                        unexplained.add(f"{where}: {text}")
        # ``for action, ... in events`` over literal tuples (the portal's daily digest)
        if where == "portal/services.py":
            for node in ast.walk(tree):
                if isinstance(node, ast.Tuple) and node.elts:
                    first = node.elts[0]
                    if isinstance(first, ast.Constant) and str(first.value).startswith("report_"):
                        found[first.value] = where
    found.update({f"{kind}_download": "monitoring/services.py" for kind in export_kinds})
    return found, unexplained


def test_every_action_recorded_in_the_code_is_an_audit_action() -> None:
    found, unexplained = recorded_actions()
    assert not unexplained, (
        f"an f-string builds an audit action: list it in F_STRINGS {unexplained}"
    )
    assert len(found) > 60  # the scan sees the calls (not an empty walk)
    missing = {action: where for action, where in found.items() if action not in AuditAction.values}
    assert not missing, f"add these to AuditAction: {missing}"
    for expected in (
        "referral_accepted",
        "report_open_case",
        "hotline_take",
        "cases_export_download",
    ):
        assert expected in found


def test_every_audit_action_has_a_label_in_kazakh_and_russian() -> None:
    from django.utils import translation

    with translation.override("en"):
        english = {a.value: str(a.label) for a in AuditAction}
    for language in ("kk", "ru"):
        with translation.override(language):
            same = [a.value for a in AuditAction if str(a.label) == english[a.value]]
        assert not same, (language, same)


@pytest.mark.django_db
def test_record_refuses_an_unknown_action_and_stores_the_same_string(make_user: Any) -> None:
    user = make_user()
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(actor=user, action="made_up_action", object_type="cases.Case")
    event = audit.record(actor=user, action=AuditAction.READ, object_type="cases.Case")
    event.refresh_from_db()
    assert event.action == "read" and type(event.action) is str
    assert audit.verify_chain().intact


@pytest.mark.django_db
def test_the_audit_log_shows_translated_actions_and_case_references(
    client: Any, make_user: Any
) -> None:
    from qorgan.accounts.roles import Role
    from qorgan.cases.services import open_case

    worker = make_user()
    case = open_case(organisation=worker.organisation, by=worker)
    client.force_login(make_user(username="admin", role=Role.ADMINISTRATOR))
    for language, created in (("ru", "Создано"), ("kk", "Құрылды")):
        page = client.get(f"/{language}/audit/").content.decode()
        assert case.reference in page
        assert created in page
        assert str(case.pk)[:8] not in page  # the record id is not shown for a case
        assert ">create<" not in page and "<code>create</code>" not in page
    export = client.get("/ru/audit/export.csv").content.decode("utf-8-sig").splitlines()
    # The columns people read first (translated action, the case's reference), then the
    # recorded event with its action's code.
    assert export[0].split(",")[3:5] == ["Действие", "Дело"]
    assert "action" in export[0].split(",")[6:]
    assert any(
        line.split(",")[3:5] == ["Создано", case.reference] and ",create," in line
        for line in export
    )
