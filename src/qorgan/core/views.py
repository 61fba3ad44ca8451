"""Administrators search and export the audit trail. ``core`` views import no app."""

from __future__ import annotations

import csv
import uuid

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .audit import record, verify_chain
from .audit_actions import AuditAction, action_label
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


def _label(events: list[AuditEvent]) -> None:
    """Each event gets its translated action and, where it concerns a case, the case's
    reference (looked up in one query for the page; the reference holds no personal data).
    The model is looked up by name: ``core`` imports no app."""
    from django.apps import apps

    Case = apps.get_model("cases", "Case")
    ids = {case_id for event in events if (case_id := _case_id(event))}
    valid = {case_id for case_id in ids if _is_uuid(case_id)}
    rows = Case.objects.filter(pk__in=valid).values_list("pk", "reference") if valid else []
    references = {str(pk): reference for pk, reference in rows}
    for event in events:
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.case_reference = references.get(_case_id(event), "")  # type: ignore[attr-defined]


def _require_administrator(request: HttpRequest) -> None:
    import rules

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
    writer.writerow(
        [
            "seq",
            "at",
            "user",
            "organisation",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "fields",
            "detail",
            "from_address",
            "route",
            "hash",
        ]
    )
    for event in events.iterator():
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    event.seq,
                    event.at.isoformat(),
                    event.actor_username,
                    event.actor_organisation,
                    event.action,
                    action_label(event.action),
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
    record(
        actor=request.user,
        action=AuditAction.AUDIT_EXPORT,
        object_type="core.AuditEvent",
        detail={k: v for k, v in params.items() if v},
    )
    return response
