"""Public pages (no account, no cookie unless a form needs one) and the triage pages for staff."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core import audit, clients
from qorgan.core.audit_actions import AuditAction
from qorgan.core.errors import validation_errors
from qorgan.core.i18n import portal_language, portal_only_language_codes
from qorgan.directory import selectors as directory
from qorgan.directory.models import Organisation, Region
from qorgan.knowledge.models import CatalogueEntry
from qorgan.knowledge.selectors import hotlines
from qorgan.knowledge.translations import attach, codes_matching

from . import selectors, services
from .models import ReportStatus

FIELD_LABELS = {
    "what": gettext_lazy("What did you see or learn?"),
    "region": gettext_lazy("Region"),
    "place": gettext_lazy("Where? (place, address, website)"),
    "when": gettext_lazy("When?"),
    "who_at_risk": gettext_lazy(
        "Who is at risk? (for example: a woman of about 20, three workers)"
    ),
    "contact": gettext_lazy("How can we reach you? (optional: leave empty to stay anonymous)"),
}
REJECTIONS = {
    "expired": gettext_lazy("The form was open too long. Please write your report again."),
    "invalid_form": gettext_lazy(
        "The form could not be checked. Please reload the page and send it again."
    ),
    "too_fast": gettext_lazy("The form was sent too quickly. Please check it and send it again."),
    "already_sent": gettext_lazy(
        "This form was already sent. To add something, use your receipt code."
    ),
    "busy": gettext_lazy(
        "Too many reports are arriving right now. Please try again in a minute, or call 11616."
    ),
    "proof_needed": gettext_lazy(
        "Many reports are arriving right now. Your browser is solving a small puzzle to show "
        "that a person is writing: send again in a moment. Without JavaScript, please try again "
        "in a few minutes, or call 11616. What you wrote is kept below."
    ),
}


def _public(
    template: str,
    request: HttpRequest,
    context: dict[str, Any] | None = None,
    *,
    no_store: bool = False,
) -> HttpResponse:
    context = {"hotlines": hotlines(), **(context or {})}
    language = portal_language()
    context["portal_only"] = language in portal_only_language_codes()
    if context["portal_only"]:
        attach(_catalogue_objects(context), language)
    response = render(request, template, context)
    if no_store:
        response["Cache-Control"] = "no-store"
    return response


def _catalogue_objects(context: dict[str, Any]) -> list[Any]:
    """The catalogue entries and groups, regions and organisations (with their regions) a
    page's context holds (lists, grouped lists, query sets, a region)."""
    found: list[Any] = []
    for key, value in list(context.items()):
        if isinstance(value, QuerySet):
            # The page shows these very objects, with their translations attached.
            value = context[key] = list(value)
        if isinstance(value, Region):
            found.append(value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, CatalogueEntry | Region):
                    found.append(item)
                elif isinstance(item, Organisation):
                    found.extend((item, item.region))
                elif isinstance(item, dict) and "entries" in item:
                    found.append(item["group"])
                    found.extend(item["entries"])
    return found


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    return _public("portal/home.html", request, {"signs": selectors.entries("leaflet_sign")})


@login_not_required
def signs(request: HttpRequest) -> HttpResponse:
    return _public(
        "portal/signs.html",
        request,
        {"leaflet": selectors.entries("leaflet_sign"), "sop": selectors.grouped("sign")},
    )


@login_not_required
def control(request: HttpRequest) -> HttpResponse:
    return _public("portal/control.html", request, {"means": selectors.entries("control_means")})


@login_not_required
def safety(request: HttpRequest) -> HttpResponse:
    return _public("portal/safety.html", request, {"groups": selectors.grouped("safety_advice")})


@login_not_required
def migrants(request: HttpRequest) -> HttpResponse:
    return _public(
        "portal/migrants.html",
        request,
        {"rights": selectors.entries("migrant_right"), "duties": selectors.entries("migrant_duty")},
    )


@login_not_required
def what_to_do(request: HttpRequest) -> HttpResponse:
    return _public(
        "portal/what_to_do.html", request, {"steps": selectors.entries("action_step", ["victim"])}
    )


@login_not_required
def rights(request: HttpRequest) -> HttpResponse:
    return _public(
        "portal/rights.html",
        request,
        {
            "victim": selectors.entries("victim_right"),
            "migrant": selectors.entries("migrant_victim_right"),
        },
    )


@login_not_required
def hotline_page(request: HttpRequest) -> HttpResponse:
    return _public("portal/hotlines.html", request)


@login_not_required
def help_organisations(request: HttpRequest) -> HttpResponse:
    region_code = request.GET.get("region", "").strip()[:8]
    city = request.GET.get("city", "").strip()[:100]
    region = directory.resolve_region(region_code) if region_code else None
    orgs = directory.organisations(region=region.code if region else None, query=city)
    language = portal_language()
    if city and language in portal_only_language_codes():
        # A city or a name typed in the page's language (Olmaota, Алмаато) finds the
        # organisations whose translated name or city holds it.
        codes = codes_matching("organisation", language, city) - {o.code for o in orgs}
        if codes:
            orgs += [
                o
                for o in directory.organisations(region=region.code if region else None)
                if o.code in codes
            ]
            orgs.sort(key=lambda o: (o.region.position, o.code))
    orgs = [o for o in orgs if o.is_help_organisation]
    return _public(
        "portal/help.html",
        request,
        {
            "organisations": orgs,
            "regions": directory.regions(),
            "selected": region.code if region else "",
            "city": city,
        },
    )


def _card_context(request: HttpRequest) -> dict[str, Any]:
    region_code = request.GET.get("region", "").strip()[:8]
    region = directory.resolve_region(region_code) if region_code else None
    return {
        "regions": directory.regions(),
        "region": region,
        "organisations": directory.help_organisations_for_region(region.code) if region else [],
        "steps": selectors.entries("action_step", ["victim"]),
        "rights": selectors.entries("victim_right"),
        "hotlines": hotlines(),
    }


@login_not_required
def information_card(request: HttpRequest) -> HttpResponse:
    return _public("portal/card.html", request, _card_context(request))


@login_not_required
def information_card_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML  # noqa: PLC0415 - heavy: WeasyPrint (Pango, ~1.5 s) loads only for the card PDF

    context = _card_context(request)
    if portal_language() in portal_only_language_codes():
        context["portal_only"] = True
        attach(_catalogue_objects(context), portal_language())
    html = render_to_string("portal/card_pdf.html", context, request=request)
    # Tagged (PDF/UA-1) with the page's language, for screen readers (issue 15 §3).
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="qorgan-information-card.pdf"'
    return response


@login_not_required
def report(request: HttpRequest) -> HttpResponse:
    """The anonymous report form. Nothing about the sender is read or kept."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = {
            field: request.POST.get(field, "")
            for field in ("what", "region", "place", "when", "who_at_risk", "contact")
        }
        try:
            submitted = services.submit_report(
                data=data,
                language=portal_language(),
                form_token=request.POST.get("form_token", ""),
                honeypot=request.POST.get("website", ""),
                client=clients.client_key(request, "report"),
                pow_answer=request.POST.get("pow", "")[:12],
            )
        except services.ReportRejected as exc:
            errors = {"__all__": [str(REJECTIONS[exc.code])]}
        except ValidationError as exc:
            # Each message under its field's label; one of no labelled field, alone.
            errors = {}
            for field, messages_ in exc.message_dict.items():
                label = str(FIELD_LABELS.get(field, "__all__"))
                errors[label] = errors.get(label, []) + list(messages_)
        else:
            receipt = (
                submitted.receipt if submitted else services.new_receipt()
            )  # a bot gets a code that opens nothing
            return _public("portal/report_sent.html", request, {"receipt": receipt}, no_store=True)
    return _public(
        "portal/report.html",
        request,
        {
            "form_token": services.issue_form_token(written=bool(errors)),
            "errors": errors,
            "data": data,
            "regions": directory.regions(),
            "limits": services.LIMITS,
            "pow_bits": settings.PORTAL_POW_BITS,
        },
        no_store=True,
    )


@login_not_required
def report_status(request: HttpRequest) -> HttpResponse:
    """Check a report with its receipt code (sent in the form, never in the address), and add to it."""
    context: dict[str, Any] = {"errors": {}}
    if request.method == "POST":
        receipt = request.POST.get("receipt", "").strip()[:40]
        try:
            found = services.find_by_receipt(
                receipt,
                status_token=request.POST.get("form_token", ""),
                client=clients.client_key(request, "receipt"),
                pow_answer=request.POST.get("pow", "")[:12],
            )
            if found is not None and request.POST.get("message"):
                services.add_from_reporter(report=found, text=request.POST["message"])
                context["added"] = True
        except services.ReportRejected as exc:
            context["errors"] = {"__all__": [str(REJECTIONS[exc.code])]}
            found = None
        except ValidationError as exc:
            context["errors"] = exc.message_dict
            found = None
        if found is None and not context["errors"]:
            context["errors"] = {
                "receipt": [_("No report has this receipt code. Check it and try again.")]
            }
        context.update(
            {
                "report": found,
                "receipt": receipt if found else "",
                "statuses": dict(ReportStatus.choices),
            }
        )
        if found:
            context["questions"] = list(found.messages.all())
    context["form_token"] = services.issue_status_token()
    context["pow_bits"] = settings.PORTAL_POW_BITS
    return _public("portal/report_status.html", request, context, no_store=True)


@login_not_required
def migrant_page(request: HttpRequest, language: str) -> HttpResponse:
    """The old single page for migrants (/m/uz/): the whole portal is now under /uz/."""
    if language not in portal_only_language_codes():
        raise Http404
    return HttpResponsePermanentRedirect(f"/{language}/")


# --- Triage (staff) -------------------------------------------------------------------------

# The triage page's fields, by the names the services give them.
TRIAGE_FIELD_LABELS = {
    "organisation": gettext_lazy("Assign to"),
    "question": gettext_lazy("Ask the reporter for more information"),
    "message": gettext_lazy("Ask the reporter for more information"),
    "duplicate_of": gettext_lazy("Duplicate of report number"),
    "note": gettext_lazy("Closing note"),
    "people": gettext_lazy("The report is about several people: how many?"),
}


def triage_list(request: HttpRequest) -> HttpResponse:

    if not allowed("report.triage", request.user):
        raise PermissionDenied
    services.publish_daily_digest()  # also without a beat schedule (the embedded default)
    response = render(
        request, "portal/triage_list.html", {"reports": selectors.reports_for(request.user)[:200]}
    )  # type: ignore[arg-type]
    response["Cache-Control"] = "no-store"
    return response


def triage_detail(request: HttpRequest, number: int) -> HttpResponse:

    report_ = selectors.reports_for(request.user).filter(number=number).first()  # type: ignore[arg-type]
    if report_ is None:
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.READ,
        object_type="portal.Report",
        object_id=report_.pk,
        fields=("what", "place", "when", "who_at_risk", "contact"),
    )
    organisations = Organisation.objects.filter(active=True).filter(
        triages_reports=True
    ) | Organisation.objects.filter(active=True, kind__code="police")
    response = render(
        request,
        "portal/triage_detail.html",
        {
            "report": report_,
            "questions": report_.messages.all(),
            "organisations": organisations.distinct().order_by("code"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def triage_action(request: HttpRequest, number: int, action: str) -> HttpResponse:
    user: Any = request.user
    report_ = selectors.reports_for(user).filter(number=number).first()
    if report_ is None:
        raise Http404
    try:
        if action == "assign":
            organisation = Organisation.objects.filter(
                code=request.POST.get("organisation", "")
            ).first()
            if organisation is None:
                raise ValidationError({"organisation": [_("Choose an organisation.")]})
            services.assign_report(user=user, report=report_, organisation=organisation)
        elif action == "duplicate":
            try:
                of_number = int(request.POST.get("of", ""))
            except ValueError:
                raise ValidationError(
                    {"duplicate_of": [_("Give the number of the earlier report.")]}
                ) from None
            services.mark_duplicate(user=user, report=report_, of_number=of_number)
        elif action == "ask":
            services.request_information(
                user=user, report=report_, question=request.POST.get("question", "")
            )
        elif action == "close":
            services.close_report(user=user, report=report_, note=request.POST.get("note", ""))
        elif action == "incident":
            try:
                people = int(request.POST.get("people", ""))
            except ValueError:
                people = -1
            incident = services.open_incident_from_report(user=user, report=report_, people=people)
            messages.success(request, _("An incident was opened from the report."))
            return redirect("cases:incident", incident_id=incident.pk)
        elif action == "case":
            services.open_case_from_report(user=user, report=report_)
            messages.success(request, _("A case was opened from the report."))
            return redirect("cases:detail", case_id=report_.case_id)
        else:
            raise Http404
        messages.success(request, _("The report was updated."))
    except ValidationError as exc:
        messages.error(request, validation_errors(exc, TRIAGE_FIELD_LABELS))
    return redirect("portal:triage_detail", number=number)
