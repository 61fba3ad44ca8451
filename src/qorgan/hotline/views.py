"""The hotline desk's pages. Thin: read with selectors, write with services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.core.i18n import active_language
from qorgan.directory.models import Organisation
from qorgan.directory.selectors import help_organisations_for_region
from qorgan.knowledge.models import CatalogueEntry
from qorgan.knowledge.selectors import hotlines as national_hotlines
from qorgan.monitoring.forms import PeriodForm
from qorgan.monitoring.services import statistics_region
from qorgan.monitoring.statistics import Period, published_period
from qorgan.screening.engine import ScreeningInputError, evaluate, parse_request
from qorgan.screening.views import _checklists, source_label

from . import selectors, services
from .forms import ContactForm, LinkForm, PoliceForm, ReferForm
from .models import Action, Contact, Hotline, entry_phones

URGENCY_ORDER = {"immediate": 0, "urgent": 1, "routine": 2}


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _sign_checklist(selected: list[str]) -> dict[str, Any]:
    """The signs as the screening form shows them (same groups, short labels, filter)."""
    return _checklists({"signs": selected})[0]


def _require_desk(request: HttpRequest) -> Any:
    user: Any = request.user
    if not allowed("hotline.desk", user):
        raise PermissionDenied
    return user


def desk(request: HttpRequest) -> HttpResponse:
    """The desk: crises waiting on top, the form for the contact now, the latest contacts."""
    user = _require_desk(request)
    lines = list(selectors.hotlines_of(user))
    hotline = lines[0]
    if len(lines) > 1:
        chosen = request.POST.get("hotline") or request.GET.get("hotline")
        hotline = next((h for h in lines if h.code == chosen), hotline)
    initial = {"language": active_language()}
    if hotline.organisation.region_id:
        initial["region"] = hotline.organisation.region.code
    form = ContactForm(request.POST or None, initial=initial)
    signs = request.POST.getlist("signs") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "signs": signs}
        try:
            contact = services.log_contact(user=user, hotline=hotline, data=data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact %(ref)s logged.") % {"ref": contact.reference})
            return redirect("hotline:contact", pk=contact.pk)
    contacts = selectors.desk(user)
    context = {
        "form": form,
        "hotline": hotline,
        "lines": lines,
        "signs": _sign_checklist(signs),
        "waiting": [c for c in contacts if c.waiting],
        "contacts": [c for c in contacts if not c.waiting][:30],
        "alerts": [
            a for a in selectors.alerts_for(user) if a.hotline_id not in {h.pk for h in lines}
        ],
    }
    return render(request, "hotline/desk.html", context)


def _plan(contact: Contact) -> Any:
    """The SOP's plan for the signs heard (the engine the screening form uses)."""
    data = {
        "screened_by": contact.organisation.kind.code,
        "reported_to_102": False,
        "location": {"country": "KZ", "region": contact.region.code if contact.region else None},
        "person": {"age": None, "minor": None, "sex": "unknown", "citizenship": "unknown"},
        "signs": list(contact.signs),
        "risk_groups": [],
        "places": [],
        "physical_injuries": False,
        "accepts_help": None,
    }
    try:
        result = evaluate(parse_request(data), language=active_language())
    except (ScreeningInputError, ValueError):
        return None
    return result


def contact_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user: Any = request.user
    contact = selectors.contact_for(user, pk)
    if contact is None:
        raise Http404
    operator = allowed("hotline.edit", user, contact)
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="hotline.Contact",
        object_id=contact.pk,
        detail={"reference": contact.reference},
    )
    region = contact.region.code if contact.region else None
    result = _plan(contact)
    actions = (
        sorted(result.actions, key=lambda a: URGENCY_ORDER.get(a.urgency, 3)) if result else []
    )
    police = services.police_of_region(contact.region) or list(
        Organisation.objects.filter(kind__code="police", active=True).order_by("code")
    )
    # The caller's region's help organisations; the hotline's own organisation is not referred to.
    helpers = [
        o
        for o in (help_organisations_for_region(region) if region else [])
        if o.pk != contact.organisation_id
    ]
    entries = {
        e.code: e
        for e in CatalogueEntry.objects.filter(
            code__in=["police_102", "victim_call_police_102", "hotline_11616"], retired=False
        )
    }
    screening_query = urlencode(
        [("signs", s) for s in contact.signs]
        + ([("region", region)] if region else [])
        + [("contact", str(contact.pk))],
    )
    context = {
        "contact": contact,
        "action_labels": [str(dict(Action.choices).get(a, a)) for a in contact.actions],
        "operator": operator,
        "may_see_account": operator or contact.police_may_see_account,
        "may_see_caller": operator or contact.police_may_see_caller,
        "result": result,
        "actions": actions,
        "entries": entries,
        # The leaflet's 102 line named by its title and number, never by its file name.
        "police_102_source": source_label(
            entries["police_102"].source_document, entries["police_102"].source_line or 0
        )
        if "police_102" in entries
        else "",
        "organisations": helpers,
        "region": region,
        "refer_form": ReferForm(
            organisations=helpers or [o for o in _all_help() if o.pk != contact.organisation_id]
        ),
        "police_form": PoliceForm(units=police, initial={"share_account": False}),
        "link_form": LinkForm(),
        "screening_url": reverse("screening:new") + "?" + screening_query,
        "sign_entries": list(
            CatalogueEntry.objects.filter(code__in=contact.signs).order_by(
                "group__position", "position"
            )
        ),
    }
    return render(request, "hotline/contact.html", context)


def _all_help() -> list[Organisation]:
    return list(
        Organisation.objects.filter(is_help_organisation=True, active=True).order_by(
            "region__position", "code"
        )
    )


def _contact_or_404(request: HttpRequest, pk: str) -> Contact:
    contact = selectors.contact_for(request.user, pk)
    if contact is None:
        raise Http404
    return contact


def _done(request: HttpRequest, contact: Contact, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("hotline:contact", pk=contact.pk)


def _failed(request: HttpRequest, contact: Contact, exc: ValidationError) -> HttpResponse:
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)
    return redirect("hotline:contact", pk=contact.pk)


def edit(request: HttpRequest, pk: str) -> HttpResponse:
    """Correct or complete a contact after the call (the desk's form, filled in)."""
    user: Any = request.user
    contact = _contact_or_404(request, pk)
    if not allowed("hotline.edit", user, contact):
        raise PermissionDenied
    initial = {
        field: getattr(contact, field)
        for field in ContactForm.base_fields
        if field not in ("region",)
    }
    initial["region"] = contact.region.code if contact.region else ""
    form = ContactForm(request.POST or None, initial=initial)
    signs = request.POST.getlist("signs") if request.method == "POST" else list(contact.signs)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(
                user=user, contact=contact, data={**form.cleaned_data, "signs": signs}
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _done(request, contact, _("Saved."))
    return render(
        request,
        "hotline/edit.html",
        {"form": form, "contact": contact, "signs": _sign_checklist(signs)},
    )


@require_POST
def take(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    services.take_contact(user=request.user, contact=contact)  # type: ignore[arg-type]
    return _done(request, contact, _("You took contact %(ref)s.") % {"ref": contact.reference})


@require_POST
def refer(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    form = ReferForm(request.POST, organisations=_all_help())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("hotline:contact", pk=contact.pk)
    organisation = Organisation.objects.get(pk=form.cleaned_data["to_organisation"])
    try:
        referral = services.refer(
            user=request.user,  # type: ignore[arg-type]
            contact=contact,
            to_organisation=organisation,
            services=form.cleaned_data["services"],
            consent_given=form.cleaned_data["consent_given"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except ValidationError as exc:
        return _failed(request, contact, exc)
    return _done(
        request,
        contact,
        _("Referral sent to %(org)s (case %(case)s).")
        % {"org": organisation.name, "case": referral.case.reference},
    )


@require_POST
def police(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    units = list(Organisation.objects.filter(kind__code="police", active=True))
    form = PoliceForm(request.POST, units=units)
    if not form.is_valid():
        return redirect("hotline:contact", pk=contact.pk)
    unit = Organisation.objects.get(pk=form.cleaned_data["police"])
    try:
        services.report_to_police(
            user=request.user,  # type: ignore[arg-type]
            contact=contact,
            police=unit,
            share_account=form.cleaned_data["share_account"],
            share_caller=form.cleaned_data["share_caller"],
        )
    except ValidationError as exc:
        return _failed(request, contact, exc)
    return _done(request, contact, _("Reported to %(org)s.") % {"org": unit.name})


@require_POST
def open_case(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    case = services.open_case(user=request.user, contact=contact)  # type: ignore[arg-type]
    messages.success(request, _("Case %(reference)s is open.") % {"reference": case.reference})
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def link(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    form = LinkForm(request.POST)
    form.is_valid()
    try:
        services.link(
            user=request.user,  # type: ignore[arg-type]
            contact=contact,
            case_reference=form.cleaned_data.get("case_reference", ""),
            report_number=form.cleaned_data.get("report_number", ""),
        )
    except ValidationError as exc:
        return _failed(request, contact, exc)
    return _done(request, contact, _("Linked."))


@require_POST
def follow_up_done(request: HttpRequest, pk: str) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    try:
        services.close_follow_up(
            user=request.user,  # type: ignore[arg-type]
            contact=contact,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        return _failed(request, contact, exc)
    return _done(request, contact, _("Follow-up done."))


def handover(request: HttpRequest) -> HttpResponse:
    user = _require_desk(request)
    return render(request, "hotline/handover.html", {"lines": selectors.handover(user)})


def directory(request: HttpRequest) -> HttpResponse:
    _require_desk(request)
    return render(
        request,
        "hotline/directory.html",
        {
            "regions": selectors.regions_with_help(),
            "hotlines": [(entry, entry_phones(entry)) for entry in national_hotlines()],
            "lines": Hotline.objects.filter(active=True).select_related("organisation"),
        },
    )


READOUT_NAMES = {
    "kk": "Қазақша",
    "ru": "Русский",
    "en": "English",
    "uz": "Oʻzbekcha",
    "ky": "Кыргызча",
    "tg": "Тоҷикӣ",
}


def readout(request: HttpRequest) -> HttpResponse:
    _require_desk(request)
    language = request.GET.get("lang", active_language())
    if language not in selectors.READOUT_LANGUAGES:
        language = active_language()
    return render(
        request,
        "hotline/readout.html",
        {
            "language": language,
            "languages": READOUT_NAMES,
            "sections": selectors.readout(language),
        },
    )


def statistics(request: HttpRequest) -> HttpResponse:
    """The contact statistics with the period and region of the monitoring pages: the same
    form, the same publication grid (whole ended months, quarters, years) and a regional
    coordinator fixed to their region, so the figures are those of the commission report."""
    user: Any = request.user
    if not allowed("hotline.stats", user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None, fixed_region=statistics_region(user))
    start, end, region = form.period(timezone.localdate())
    period = published_period(Period(start, end))
    return render(
        request,
        "hotline/statistics.html",
        {
            "form": form,
            "period": period,
            "asked": Period(start, end),
            "region": region,
            "breakdowns": selectors.contact_statistics(period.start, period.end, region or None),
            "can_see_statistics": allowed("stats.view", user),
            "threshold": settings.STATISTICS_MIN_CELL,
        },
    )
