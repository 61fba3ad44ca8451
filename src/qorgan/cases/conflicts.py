"""An edit to a case that changed meanwhile is never silently overwritten (docs/offline.md).

When the person's data or the case details are saved with a version that is no longer the
case's (someone else saved in between: ``services.ConcurrentEditError``), the page shows, per
field that differs, what the user entered ("yours") and what the case holds now ("current on
the server"); the user chooses per field, and the choice is saved against the current version.

The resolution form carries both sides of every field (``mine-<name>`` and ``theirs-<name>``)
and a choice for each field that differs (``choose-<name>``: ``mine`` or ``theirs``);
``resolved_post`` turns it back into the edit form's own data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from . import forms
from .models import Case

ACTIONS: dict[str, type[forms.VersionedForm]] = {
    "person": forms.PersonForm,
    "details": forms.DetailsForm,
}


def details_initial(case: Case) -> dict[str, Any]:
    """The case details as the details form shows them."""
    return {
        "erdr_number": case.erdr_number,
        "erdr_date": case.erdr_date,
        "exploitation_forms": case.exploitation_forms,
        "perpetrator_roles": case.perpetrator_roles,
        "guardianship_body": case.guardianship_body,
        "child_support_centre": case.child_support_centre.code if case.child_support_centre else "",
    }


def current_values(case: Case, action: str) -> dict[str, Any]:
    """What the case holds now, field by field, read again from the database."""
    fresh = Case.objects.select_related("person", "child_support_centre").get(pk=case.pk)
    if action == "person":
        person = fresh.person
        return {f: getattr(person, f) for f in forms.PersonForm.base_fields if f != "version"}
    return details_initial(fresh)


def _submitted(value: Any) -> list[str]:
    """A value as the form would submit it."""
    if isinstance(value, bool):
        return ["on"] if value else []
    if value is None:
        return [""]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    return [str(value)]


def _normal(values: list[str]) -> list[str]:
    return [] if values in ([""], []) else values


def _shown(field: Any, values: list[str]) -> str:
    values = _normal(values)
    if field.widget.input_type == "checkbox" and not getattr(field, "choices", None):
        return _("Yes") if values else _("No")
    if not values:
        return "—"
    choices = dict(getattr(field, "choices", None) or [])
    return ", ".join(str(choices.get(value, value)) for value in values)


def rows(
    case: Case, action: str, form: forms.VersionedForm, data: QueryDict
) -> list[dict[str, Any]]:
    """Each field of the edit form: yours, the server's, and whether they differ."""
    current = current_values(case, action)
    made = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        key = f"{action}-{name}"
        mine = data.getlist(key)
        if field.widget.input_type == "checkbox" and not getattr(field, "choices", None):
            mine = ["on"] if mine and mine[-1] not in ("", "false", "0") else []
        theirs = _submitted(current[name])
        made.append(
            {
                "name": key,
                "label": field.label,
                "mine": mine,
                "theirs": theirs,
                "mine_shown": _shown(field, mine),
                "theirs_shown": _shown(field, theirs),
                "differs": _normal(mine) != _normal(theirs),
            }
        )
    return made


def resolved_post(data: QueryDict, action: str, form: forms.VersionedForm) -> QueryDict | None:
    """The edit form's data from the resolution form: per field, the side the user chose;
    None when a field that differs has no choice (nothing is taken for granted)."""
    resolved = QueryDict(mutable=True)
    for name in form.fields:
        key = f"{action}-{name}"
        if name == "version":
            resolved.setlist(key, data.getlist(key))
            continue
        mine, theirs = data.getlist(f"mine-{key}"), data.getlist(f"theirs-{key}")
        choice = data.get(f"choose-{key}")
        if _normal(mine) != _normal(theirs) and choice not in ("mine", "theirs"):
            return None
        resolved.setlist(key, theirs if choice == "theirs" else mine)
    return resolved
