"""The frontline screen, the plan as a checklist, its printable PDF and the list of screenings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core.i18n import active_language, localized
from qorgan.directory.models import Region
from qorgan.directory.selectors import help_organisations_for_region
from qorgan.hotline.services import link_contact_screening
from qorgan.knowledge.catalogue import default_catalogue
from qorgan.knowledge.models import CatalogueEntry
from qorgan.knowledge.selectors import hotlines

from . import selectors, services
from .engine import ScreeningInputError, ScreeningResult, action_for, evaluate, parse_request
from .forms import ScreeningForm

ELEMENT_KINDS = (("signs", "sign"), ("risk_groups", "risk_group"), ("places", "place"))


def _legends() -> dict[str, str]:
    return {"signs": _("Signs"), "risk_groups": _("Risk groups"), "places": _("Places")}


def _checklists(selected: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The three elements as the SOP groups them, with what is ticked (per group, a count)."""
    entries = CatalogueEntry.objects.filter(
        retired=False, kind__code__in=[k for _, k in ELEMENT_KINDS]
    ).select_related("kind", "group")
    by_kind: dict[str, list[CatalogueEntry]] = {}
    for entry in entries.order_by("kind__position", "group__position", "position"):
        by_kind.setdefault(entry.kind.code, []).append(entry)
    legends = _legends()
    lists = []
    for field, kind in ELEMENT_KINDS:
        chosen = set(selected.get(field, []))
        groups: list[dict[str, Any]] = []
        for entry in by_kind.get(kind, []):
            if not groups or groups[-1]["group"].pk != entry.group_id:
                groups.append({"group": entry.group, "entries": [], "ticked": 0})
            groups[-1]["entries"].append(entry)
            groups[-1]["ticked"] += entry.code in chosen
        lists.append(
            {
                "field": field,
                "legend": legends[field],
                "groups": groups,
                "selected": chosen,
                "ticked": sum(g["ticked"] for g in groups),
            }
        )
    return lists


def _plan_context(result: ScreeningResult | None, region: str | None) -> dict[str, Any]:
    return {
        "result": result,
        "hotlines": hotlines(),
        "organisations": help_organisations_for_region(region) if region else [],
        "region": region,
    }


def _selected(request: HttpRequest) -> dict[str, list[str]]:
    if request.method != "POST":
        return {"signs": request.GET.getlist("signs")} if _prefill(request) else {}
    return {field: request.POST.getlist(field) for field, _kind in ELEMENT_KINDS}


def _prefill(request: HttpRequest) -> Any:
    """The hotline desk's hand-off (docs/hotline.md): ``?signs=…&region=…&contact=…`` opens the
    form filled with the signs heard and shows their plan at once."""
    if request.method != "GET" or not request.GET.getlist("signs"):
        return None

    data = QueryDict(mutable=True)
    data.setlist("signs", request.GET.getlist("signs"))
    data.update({"region": request.GET.get("region", ""), "country": "KZ"})
    data.update({"citizenship": "unknown", "sex": "unknown", "action": "evaluate"})
    return data


def _screening_form(request: HttpRequest, selected: dict[str, list[str]]) -> ScreeningForm:
    user: Any = request.user
    organisation = user.organisation
    initial = {}
    if organisation is not None and organisation.region_id:
        # The officer screens where their organisation works: its region is the likely one.
        initial["region"] = organisation.region.code
    return ScreeningForm(
        request.POST or _prefill(request),
        initial=initial,
        signs=selected.get("signs", []),
        risk_groups=selected.get("risk_groups", []),
        places=selected.get("places", []),
    )


def _evaluate_form(form: ScreeningForm, kind: str) -> tuple[Any, Any]:
    """The parsed request and its result, or (None, None) with the errors put on the form."""
    if not form.is_valid():
        return None, None
    data = form.to_request(kind)
    try:
        parsed = parse_request(data)
    except ScreeningInputError as exc:
        for error in exc.errors:
            field = error.field.split(".")[-1].split("[")[0]
            form.add_error(field if field in form.fields else None, error.message)
        return None, None
    return data, parsed


def new_screening(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed("screening.create", user):
        raise PermissionDenied
    kind = user.organisation.kind.code
    selected = _selected(request)
    form = _screening_form(request, selected)
    context: dict[str, Any] = {"form": form, "is_police": kind == "police"}
    context["hotline_contact"] = request.GET.get("contact") or request.POST.get("contact", "")
    if request.method == "POST" or form.is_bound:
        data, parsed = _evaluate_form(form, kind)
        if parsed is not None and request.POST.get("action") == "save":
            screening = services.store_screening(
                user=user,
                data=data,
                language=active_language(),
                consent_to_referral=form.cleaned_data["consent_to_referral"],
            )
            if context["hotline_contact"]:
                link_contact_screening(user, context["hotline_contact"], screening)
            if screening.case:
                messages.success(
                    request,
                    _("Screening saved. Case %(reference)s is open.")
                    % {"reference": screening.case.reference},
                )
            else:
                messages.success(request, _("Screening saved."))
            return redirect("screening:detail", pk=screening.pk)
        if parsed is not None:
            context.update(
                _plan_context(evaluate(parsed, language=active_language()), parsed.region)
            )
    context["checklists"] = _checklists(selected)
    return render(request, "screening/new.html", context)


@require_POST
def plan_preview(request: HttpRequest) -> HttpResponse:
    """The plan for the form as it stands (htmx swaps it in as signs are ticked); stores nothing."""
    user: Any = request.user
    if not allowed("screening.create", user):
        raise PermissionDenied
    form = _screening_form(request, _selected(request))
    _data, parsed = _evaluate_form(form, user.organisation.kind.code)
    if parsed is None:
        return render(request, "screening/_plan.html", {"result": None, "invalid": True})
    return render(
        request,
        "screening/_plan.html",
        _plan_context(evaluate(parsed, language=active_language()), parsed.region),
    )


def _stored_or_evaluated(screening: Any) -> ScreeningResult:
    """The screening's result in the page's language: the stored one when it was saved in this
    language with the live catalogue, else evaluated once from the stored request."""
    language = active_language()
    if (
        screening.language == language
        and screening.catalogue_version == default_catalogue().version
    ):
        try:
            return ScreeningResult.from_dict(screening.result)
        except (KeyError, TypeError):  # a result stored before a field was added
            pass
    return evaluate(parse_request(screening.request), language=language)


def _steps(screening: Any, result: ScreeningResult) -> list[dict[str, Any]]:
    # Texts in the language of the page; a step whose rule changed since keeps its stored text.
    stored = {action["code"]: action for action in screening.result.get("actions", [])}
    return [
        {"step": step, "action": result.action(step.action) or stored.get(step.action)}
        for step in screening.steps.all()
    ]


def _person_facts(screening: Any) -> dict[str, Any]:
    request = screening.request
    location = request.get("location") or {}
    region = location.get("region")
    return {
        "person": request.get("person") or {},
        "country": location.get("country"),
        "region_name": localized(Region.objects.filter(code=region).first(), "name")
        if region
        else "",
    }


def screening_detail(request: HttpRequest, pk: str) -> HttpResponse:
    screening = selectors.screening_for(request.user, pk)  # type: ignore[arg-type]
    if screening is None:
        raise Http404
    result = _stored_or_evaluated(screening)
    context = {
        "screening": screening,
        "steps": _steps(screening, result),
        **_person_facts(screening),
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
        # The step's text is looked up, not evaluated again: the plan is the stored one.
        action = action_for(step.screening.track, step.action, active_language())
        return render(
            request,
            "screening/_step.html",
            {"item": {"step": step, "action": action}, "screening": step.screening},
        )
    return redirect("screening:detail", pk=pk)


def source_label(document_file: str, line: int, language: str | None = None) -> str:
    """A source named by its document's title and number and the line, not by its file name."""
    document = default_catalogue().document(document_file)
    if document is None:
        return _("line %(line)s") % {"line": line}
    return _("%(title)s (%(number)s), line %(line)s") % {
        "title": document.title.get(language or active_language()),
        "number": document.number,
        "line": line,
    }


def plan_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    from weasyprint import HTML  # noqa: PLC0415 - heavy: WeasyPrint (Pango, ~1.5 s) loads only for the PDF

    screening = selectors.screening_for(request.user, pk)  # type: ignore[arg-type]
    if screening is None:
        raise Http404
    result = _stored_or_evaluated(screening)
    steps = [
        {**item, "source": source_label(item["step"].source_document, item["step"].source_line)}
        for item in _steps(screening, result)
    ]
    html = render_to_string(
        "screening/plan_pdf.html",
        {
            "screening": screening,
            "steps": steps,
            **_person_facts(screening),
            **_plan_context(result, screening.request["location"]["region"]),
        },
        request=request,
    )
    # A tagged PDF (PDF/UA-1): screen readers read its structure; the language is the page's.
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
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
    screenings = list(selectors.screenings_for(user)[:200])
    for screening in screenings:
        steps = list(screening.steps.all())  # prefetched
        screening.steps_done = sum(step.done for step in steps)  # type: ignore[attr-defined]
        screening.steps_total = len(steps)  # type: ignore[attr-defined]
    return render(request, "screening/list.html", {"screenings": screenings})
