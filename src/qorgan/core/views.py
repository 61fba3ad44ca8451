"""Administrators search and export the audit trail. ``core`` views import no app."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import Any

import rules
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import record, verify_chain
from .audit_actions import AuditAction, action_label
from .i18n import localized
from .models import AuditEvent
from .spreadsheet import spreadsheet_safe
from .widgets import parse_date


def _filtered(request: HttpRequest) -> tuple[QuerySet[AuditEvent], dict[str, str]]:
    params = {
        key: request.GET.get(key, "").strip()[:100]
        for key in ("user", "action", "object", "since", "until")
    }
    events = AuditEvent.objects.all().order_by("-seq")
    if params["user"]:
        events = events.filter(actor_username__iexact=params["user"])
    if params["action"]:
        events = events.filter(action=params["action"])
    if params["object"]:
        events = events.filter(
            Q(object_id=params["object"]) | Q(detail__icontains=params["object"])
        )
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if params[key]:
            try:
                events = events.filter(**{lookup: parse_date(params[key])})
            except ValueError:
                params[key] = ""
    return events, params


def _case_id(event: AuditEvent) -> str:
    if event.object_type == "cases.Case":
        return event.object_id
    case = event.detail.get("case") if isinstance(event.detail, dict) else None
    return case if isinstance(case, str) else ""


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _organisation_names() -> dict[str, str]:
    """Organisations' names in the active language, by code (the audit event keeps the code).
    The model is looked up by name: ``core`` imports no app."""
    Organisation = apps.get_model("directory", "Organisation")
    return {o.code: localized(o, "name") for o in Organisation.objects.all()}


# The records whose model has no name of its own in the catalogues (``verbose_name``).
OBJECT_LABELS = {
    "cases.Referral": gettext_lazy("Referral"),
    "cases.DuplicateAlert": gettext_lazy("Possible duplicate"),
    "cases.ImportJob": gettext_lazy("Import of a case register"),
    "cases.ConsentRecord": gettext_lazy("Consent"),
    "cases.Attachment": gettext_lazy("Attached document"),
    "cases.PersonLink": gettext_lazy("Link between persons"),
    "monitoring.ExportJob": gettext_lazy("File for download"),
    "core.Keys": gettext_lazy("Audit signing keys"),
}


def _object_label(object_type: str) -> str:
    """What kind of record an event concerns, by its name in the active language."""
    if object_type in OBJECT_LABELS:
        return str(OBJECT_LABELS[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    if "verbose_name" not in model._meta.original_attrs:
        return object_type  # a record with no name yet: its code rather than English
    return str(model._meta.verbose_name).capitalize()


def _field_label(object_type: str, name: str) -> str:
    """A field's name in the active language: the record's own field, else a field of that
    name in the same app (a case's read lists its person's fields); its code if none is named."""
    app_label = object_type.split(".")[0]
    try:
        models = [apps.get_model(object_type)]
    except (LookupError, ValueError):
        models = []
    if app_label in {config.label for config in apps.get_app_configs()}:
        models += list(apps.get_app_config(app_label).get_models())
    for model in models:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "_verbose_name", None):
            return str(field.verbose_name)
    return name


def _label(events: list[AuditEvent], organisations: dict[str, str] | None = None) -> None:
    """Each event gets its translated action, its organisation's name, the kind of record it
    concerns and, where it concerns a case, the case's reference (looked up in one query for
    the page; the reference holds no personal data)."""
    Case = apps.get_model("cases", "Case")
    ids = {case_id for event in events if (case_id := _case_id(event))}
    valid = {case_id for case_id in ids if _is_uuid(case_id)}
    rows = Case.objects.filter(pk__in=valid).values_list("pk", "reference") if valid else []
    references = {str(pk): reference for pk, reference in rows}
    names = _organisation_names() if organisations is None else organisations
    for event in events:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.case_reference = references.get(_case_id(event), "")  # type: ignore[attr-defined]
        event.organisation_name = names.get(  # type: ignore[attr-defined]
            event.actor_organisation, event.actor_organisation
        )
        event.object_label = _object_label(event.object_type)  # type: ignore[attr-defined]
        event.field_labels = ", ".join(  # type: ignore[attr-defined]
            _field_label(event.object_type, name) for name in event.fields
        )


def _require_administrator(request: HttpRequest) -> None:
    if not rules.test_rule("audit.view", request.user):
        raise PermissionDenied


def audit_log(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    events, params = _filtered(request)
    # Recorded before the page is counted: otherwise the page, sliced lazily after its count,
    # would show this search and drop the oldest event of the page.
    record(
        actor=request.user,
        action=AuditAction.AUDIT_SEARCH,
        object_type="core.AuditEvent",
        detail={k: v for k, v in params.items() if v},
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    _label(list(page.object_list))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "params": params,
            "chain": verify_chain(),
            "actions": [
                (value, action_label(value))
                for value in AuditEvent.objects.values_list("action", flat=True)
                .distinct()
                .order_by("action")
            ],
        },
    )


def audit_export(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    events, params = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qorgan-audit.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # spreadsheets read UTF-8 with a BOM
    writer = csv.writer(response)
    # What people read first, in the user's language; then the recorded event verbatim under
    # its fields' names (codes included), over which the hash chain is verified.
    writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Organisation"),
            _("Action"),
            _("Case"),
            _("Kind of record"),
            _("Fields"),
            "seq",
            "at",
            "user",
            "organisation",
            "action",
            "object_type",
            "object_id",
            "fields",
            "detail",
            "from_address",
            "route",
            "hash",
        ]
    )
    organisations = _organisation_names()
    for chunk in _chunks(events.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        _label(chunk, organisations)
        for event in chunk:
            _write_event(writer, event)
    record(
        actor=request.user,
        action=AuditAction.AUDIT_EXPORT,
        object_type="core.AuditEvent",
        detail={k: v for k, v in params.items() if v},
    )
    return response


EXPORT_CHUNK = 500


def _chunks(events: Iterator[AuditEvent], size: int) -> Iterator[list[AuditEvent]]:
    chunk: list[AuditEvent] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_event(writer: Any, event: Any) -> None:
    writer.writerow(
        [
            spreadsheet_safe(v)
            for v in (
                formats.date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT"),
                event.actor_username,
                event.organisation_name,
                event.action_label,
                event.case_reference,
                event.object_label,
                event.field_labels,
                event.seq,
                event.at.isoformat(),
                event.actor_username,
                event.actor_organisation,
                event.action,
                event.object_type,
                event.object_id,
                ",".join(event.fields),
                event.detail,
                event.remote_addr,
                event.route,
                event.hash,
            )
        ]
    )
