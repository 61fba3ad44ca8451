"""Error messages as people read them (issue 13 §5): each after its field's label in the user's
language ("Region: …"), never after the field's name in code ("region: …"). An error of no
field, or of a field the page does not label, is shown alone. The API answers with the names
in code on purpose (a program reads them); pages use these helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def labelled(
    errors: Mapping[str, Iterable[Any]], labels: Mapping[str, Any], sep: str = "; "
) -> str:
    """``{field: [message, …]}`` as one line: "Label: message message; message"."""
    parts = []
    for field, messages in errors.items():
        text = " ".join(str(message) for message in messages)
        label = labels.get(field) if field != NON_FIELD_ERRORS else None
        parts.append(f"{label}: {text}" if label else text)
    return sep.join(part for part in parts if part)


def form_labels(form: Any) -> dict[str, Any]:
    """A form's fields' labels, by field name."""
    return {name: field.label for name, field in form.fields.items() if field.label}


def form_errors(form: Any, sep: str = "; ") -> str:
    """A bound form's errors as one line, each after its field's label."""
    return labelled(form.errors, form_labels(form), sep)


def validation_errors(
    exc: ValidationError, labels: Mapping[str, Any] | None = None, sep: str = "; "
) -> str:
    """A service's ``ValidationError`` as one line, each message after the label its field has
    in ``labels`` (a form's, usually: ``form_labels``)."""
    if hasattr(exc, "error_dict"):
        return labelled(exc.message_dict, labels or {}, sep)
    return " ".join(exc.messages)
