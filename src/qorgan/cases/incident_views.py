"""Pages for incidents, person links, duplicate alerts and register imports (issue 13 §3–4).
Thin, like ``cases/views.py``: services check the rules; refusals are shown as messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core.spreadsheet import SpreadsheetLimitError
from qorgan.directory.models import Region

from . import duplicates, imports, incidents, selectors
from .models import DuplicateStatus, ImportJob, IncidentKind, PersonRelation


def _user(request: HttpRequest) -> Any:
    return request.user


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _errors(exc: ValidationError) -> str:
    return " ".join(" ".join(messages_) for messages_ in exc.message_dict.values())


def _may_work(request: HttpRequest) -> Any:
    user = _user(request)
    if not allowed("screening.create", user):
        raise PermissionDenied
    return user


# --- Incidents ------------------------------------------------------------------------------


def incident_list(request: HttpRequest) -> HttpResponse:
    user = _may_work(request)
    if request.method == "POST":
        try:
            people = int(request.POST.get("people_reported") or 0)
        except ValueError:
            people = -1
        region = Region.objects.filter(code=request.POST.get("region", "")).first()
        try:
            incident = incidents.open_incident(
                user=user,
                kind=request.POST.get("kind", ""),
                summary=request.POST.get("summary", "")[:2000],
                people_reported=people,
                region=region,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("cases:incidents")
        messages.success(request, _("The incident was opened."))
        return redirect("cases:incident", incident_id=incident.pk)
    context = {
        "incidents": list(incidents.incidents_for(user)[:200]),
        "kinds": IncidentKind.choices,
        "regions": Region.objects.order_by("code"),
    }
    return _no_store(render(request, "cases/incidents.html", context))


def incident_detail(request: HttpRequest, incident_id: str) -> HttpResponse:
    user = _may_work(request)
    incident = incidents.incident_for(user, incident_id)
    if incident is None:
        raise Http404
    cases = incidents.visible_cases(user, incident)
    context = {
        "incident": incident,
        "cases": cases,
        "links": [(c, incidents.links_of(user, c)) for c in cases],
        "hidden": incident.links.count() - len(cases),
        "relations": PersonRelation.choices,
    }
    return _no_store(render(request, "cases/incident_detail.html", context))


@require_POST
def incident_action(request: HttpRequest, incident_id: str, action: str) -> HttpResponse:
    user = _may_work(request)
    incident = incidents.incident_for(user, incident_id)
    if incident is None:
        raise Http404
    visible = selectors.cases_for(user)
    try:
        if action == "person":
            case = incidents.add_person(user=user, incident=incident)
            messages.success(
                request,
                _("Case %(reference)s was opened for the person.") % {"reference": case.reference},
            )
        elif action == "case":
            reference = request.POST.get("reference", "").strip().upper()
            found = visible.filter(reference=reference).first()
            if found is None:
                raise ValidationError({"reference": [_("no case with this reference")]})
            incidents.add_person(user=user, incident=incident, case=found)
            messages.success(request, _("The case was linked to the incident."))
        elif action == "link":
            first = visible.filter(pk=selectors.as_uuid(request.POST.get("case", ""))).first()
            other = visible.filter(pk=selectors.as_uuid(request.POST.get("other", ""))).first()
            if first is None or other is None:
                raise ValidationError({"case": [_("choose two persons of the incident")]})
            incidents.link_persons(
                user=user, case=first, other=other, relation=request.POST.get("relation", "")
            )
            messages.success(request, _("The link between the persons was recorded."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("cases:incident", incident_id=incident.pk)


@require_POST
def case_incident(request: HttpRequest, case_id: str) -> HttpResponse:
    """A screening found the person with others: open an incident with this case in it."""
    user = _may_work(request)
    case = selectors.cases_for(user).filter(pk=selectors.as_uuid(case_id)).first()
    if case is None:
        raise Http404
    try:
        people = int(request.POST.get("people") or 0)
    except ValueError:
        people = -1
    try:
        incident = incidents.open_incident(
            user=user, kind="screening", people_reported=people, region=case.region
        )
        incidents.add_person(user=user, incident=incident, case=case)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("cases:detail", case_id=case.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, _("The incident was opened."))
    return redirect("cases:incident", incident_id=incident.pk)


# --- Duplicates -----------------------------------------------------------------------------


def matched_by_words(by: Any) -> str:
    words = {
        "iin": _("IIN"),
        "passport": _("passport number"),
        "name_dob": _("name and date of birth"),
    }
    return ", ".join(words.get(b, b) for b in by)


def case_matches(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case's possible matches (a full page, or the fragment for htmx)."""
    user = _user(request)
    case = selectors.cases_for(user).filter(pk=selectors.as_uuid(case_id)).first()
    if case is None:
        raise Http404
    holder = case.organisation_id == user.organisation_id
    found = duplicates.matches_for(user=user, case=case) if holder else []
    rows = [(m, matched_by_words(m.by)) for m in found]
    context = {"case": case, "rows": rows, "holder": holder, "Status": DuplicateStatus}
    template = (
        "cases/_matches.html" if request.headers.get("HX-Request") else "cases/duplicates_case.html"
    )
    return _no_store(render(request, template, context))


def duplicate_requests(request: HttpRequest) -> HttpResponse:
    user = _may_work(request)
    rows = [(a, matched_by_words(a.matched_by)) for a in duplicates.requests_for(user)[:200]]
    context = {"rows": rows, "Status": DuplicateStatus, "supervisor": user.role == "supervisor"}
    return _no_store(render(request, "cases/duplicates.html", context))


@require_POST
def duplicate_action(request: HttpRequest, alert_id: str, action: str) -> HttpResponse:
    user = _may_work(request)
    alert = duplicates.alert_for(user, alert_id)
    if alert is None:
        raise Http404
    try:
        if action == "ask":
            duplicates.request_coordination(user=user, alert=alert)
            messages.success(
                request,
                _(
                    "Your request was sent. The other organisation is named here once its supervisor agrees."
                ),
            )
        elif action in ("agree", "decline"):
            duplicates.answer_coordination(user=user, alert=alert, agree=action == "agree")
            messages.success(request, _("Your answer was recorded."))
        elif action in ("same", "different"):
            duplicates.resolve(user=user, alert=alert, same_person=action == "same")
            messages.success(
                request,
                _("The two cases are linked as the same person; nothing was merged.")
                if action == "same"
                else _("Recorded: not the same person."),
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    if alert.case.organisation_id == user.organisation_id:
        return redirect("cases:matches", case_id=alert.case_id)
    return redirect("cases:duplicates")


# --- Imports --------------------------------------------------------------------------------


def import_start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not imports.may_import(user):
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
            return redirect("cases:import")
        if upload.size is not None and upload.size > imports.max_bytes():
            messages.error(
                request,
                _("the file is too large: at most %(mb)s MB")
                % {"mb": imports.max_bytes() // (1024 * 1024)},
            )
            return redirect("cases:import")
        try:
            job = imports.dry_run(
                user=user,
                fmt=request.POST.get("fmt", ""),
                name=upload.name or "",
                content=upload.read(),
            )
        except SpreadsheetLimitError as exc:
            messages.error(request, str(exc))
            return redirect("cases:import")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("cases:import")
        return redirect("cases:import_job", job_id=job.pk)
    columns = [
        (
            labels[{"ru": 1, "kk": 2}.get(translation.get_language() or "", 0)],
            imports.COLUMN_HELP.get(field, ""),
        )
        for field, labels in imports.REGISTER_COLUMNS.items()
    ]
    context = {
        "formats": ImportJob.Format.choices,
        "columns": columns,
        "max_rows": imports.max_rows(),
        "max_mb": imports.max_bytes() // (1024 * 1024),
        "jobs": ImportJob.objects.filter(organisation_id=user.organisation_id)[:20],
    }
    return _no_store(render(request, "cases/import.html", context))


def import_template(request: HttpRequest) -> HttpResponse:
    if not imports.may_import(_user(request)):
        raise PermissionDenied
    language = translation.get_language() or "kk"
    response = HttpResponse(imports.template_csv(language), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qorgan-register-{language}.csv"'
    return response


def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    user = _user(request)
    job = imports.job_for(user, job_id)
    if job is None:
        raise Http404
    if request.method == "POST":
        try:
            imports.confirm(user=user, job=job)
            messages.success(request, _("The import was started."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("cases:import_job", job_id=job.pk)
    return _no_store(render(request, "cases/import_job.html", {"job": job}))
