"""The frontline screen, the plan as a checklist, its printable PDF and the list of screenings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core.i18n import active_language
from qorgan.directory.selectors import help_organisations_for_region
from qorgan.knowledge.models import CatalogueEntry
from qorgan.knowledge.selectors import hotlines

from . import selectors, services
from .engine import ScreeningInputError, action_for, evaluate, parse_request
from .forms import ScreeningForm

ELEMENT_KINDS = (("signs", "sign"), ("risk_groups", "risk_group"), ("places", "place"))


def _checklists(selected: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The three elements as the SOP groups them, with what is ticked."""
    entries = CatalogueEntry.objects.filter(
        retired=False, kind__code__in=[k for _, k in ELEMENT_KINDS]
    ).select_related("kind", "group")
    by_kind: dict[str, list[CatalogueEntry]] = {}
    for entry in entries.order_by("kind__position", "group__position", "position"):
        by_kind.setdefault(entry.kind.code, []).append(entry)
    lists = []
    for field, kind in ELEMENT_KINDS:
        groups: list[dict[str, Any]] = []
        for entry in by_kind.get(kind, []):
            if not groups or groups[-1]["group"].pk != entry.group_id:
                groups.append({"group": entry.group, "entries": []})
            groups[-1]["entries"].append(entry)
        lists.append(
            {
                "field": field,
                "kind": by_kind[kind][0].kind if by_kind.get(kind) else None,
                "groups": groups,
                "selected": set(selected.get(field, [])),
            }
        )
    return lists


def _plan_context(result: dict[str, Any], region: str | None) -> dict[str, Any]:
    return {
        "result": result,
        "hotlines": hotlines(),
        "organisations": help_organisations_for_region(region) if region else [],
        "region": region,
    }


def new_screening(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed("screening.create", user):
        raise PermissionDenied
    kind = user.organisation.kind.code
    selected = (
        {field: request.POST.getlist(field) for field, _kind in ELEMENT_KINDS}
        if request.method == "POST"
        else {}
    )
    form = ScreeningForm(
        request.POST or None,
        signs=selected.get("signs", []),
        risk_groups=selected.get("risk_groups", []),
        places=selected.get("places", []),
    )
    context: dict[str, Any] = {"form": form, "is_police": kind == "police"}
    if request.method == "POST" and form.is_valid():
        data = form.to_request(kind)
        try:
            parsed = parse_request(data)
        except ScreeningInputError as exc:
            for error in exc.errors:
                field = error.field.split(".")[-1].split("[")[0]
                form.add_error(field if field in form.fields else None, error.message)
        else:
            if request.POST.get("action") == "save":
                screening = services.store_screening(
                    user=user,
                    data=data,
                    language=active_language(),
                    consent_to_referral=form.cleaned_data["consent_to_referral"],
                )
                if screening.case:
                    messages.success(
                        request,
                        _("Screening saved. Case %(reference)s is open.")
                        % {"reference": screening.case.reference},
                    )
                else:
                    messages.success(request, _("Screening saved."))
                return redirect("screening:detail", pk=screening.pk)
            context.update(
                _plan_context(evaluate(parsed, language=active_language()), parsed.region)
            )
    context["checklists"] = _checklists(selected)
    return render(request, "screening/new.html", context)


def screening_detail(request: HttpRequest, pk: str) -> HttpResponse:
    screening = selectors.screening_for(request.user, pk)  # type: ignore[arg-type]
    if screening is None:
        raise Http404
    result = evaluate(parse_request(screening.request), language=active_language())
    steps = list(screening.steps.all())
    # Texts in the language of the page; the stored result (language of saving) if a rule changed since.
    actions = {action["code"]: action for action in screening.result["actions"]}
    actions.update({action.code: action for action in result.actions})
    context = {
        "screening": screening,
        "steps": [{"step": step, "action": actions.get(step.action)} for step in steps],
        **_plan_context(result, screening.request["location"]["region"]),
    }
    return render(request, "screening/detail.html", context)


@require_POST
def tick_step(request: HttpRequest, pk: str, position: int) -> HttpResponse:
    screening = selectors.screening_for(request.user, pk, audited=False)  # type: ignore[arg-type]
    step = screening.steps.filter(position=position).first() if screening else None
    if step is None:
        raise Http404
    step = services.tick_plan_step(
        user=request.user, step=step, done=request.POST.get("done") == "1"
    )  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        action = action_for(step.screening.track, step.action, active_language())
        return render(
            request,
            "screening/_step.html",
            {"item": {"step": step, "action": action}, "screening": step.screening},
        )
    return redirect("screening:detail", pk=pk)


def plan_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    from weasyprint import HTML

    screening = selectors.screening_for(request.user, pk)  # type: ignore[arg-type]
    if screening is None:
        raise Http404
    result = evaluate(parse_request(screening.request), language=active_language())
    html = render_to_string(
        "screening/plan_pdf.html",
        {"screening": screening, **_plan_context(result, screening.request["location"]["region"])},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="qorgan-plan-{screening.created_at:%Y%m%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def screening_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed("screening.create", user):
        raise PermissionDenied
    return render(
        request, "screening/list.html", {"screenings": selectors.screenings_for(user)[:200]}
    )
