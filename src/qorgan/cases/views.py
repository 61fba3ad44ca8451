"""Case pages: the list, one case with its records, the referrals inbox. Thin: forms check types,
services check rules; every refusal is shown as a message, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qorgan.accounts.permissions import allowed
from qorgan.core.errors import form_errors, form_labels, validation_errors
from qorgan.directory.models import Organisation, Region

from . import conflicts, forms, selectors, services, views_work
from .models import Case, CaseStatus


def _user(request: HttpRequest) -> Any:
    return request.user


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not allowed("screening.create", user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    cases = selectors.list_cases(user, status=status)
    context = {"cases": cases, "statuses": CaseStatus.choices, "status": status}
    return _no_store(render(request, "cases/list.html", context))


def _visible_case(request: HttpRequest, case_id: str, audited: bool = False) -> Case:
    user = _user(request)
    case = (
        selectors.read_case(user, case_id)
        if audited
        else selectors.cases_for(user).filter(pk=selectors.as_uuid(case_id)).first()
    )
    if case is None:
        raise Http404
    return case


def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(request, case_id, audited=True)
    person = case.person
    consents = list(case.consents.select_related("recipient"))
    active_referral_consents = [c for c in consents if c.active and c.purpose == "referral"]
    police_consents = [c for c in consents if c.active and c.purpose == "share_with_police"]
    can_edit = allowed("case.edit", user, case)
    initial_person = {f: getattr(person, f) for f in forms.PersonForm.base_fields if f != "version"}
    context = {
        "case": case,
        "person": person,
        "can_edit": can_edit,
        "can_record": allowed("case.record_service", user, case),
        "consents": consents,
        "referrals": case.referrals.select_related(
            "from_organisation", "to_organisation"
        ).prefetch_related("events__by"),
        "status_changes": case.status_changes.select_related("changed_by"),
        "screenings": case.screenings.all(),
        "notifications": case.notifications.all(),
        "rights": case.rights_explained.select_related("explained_by"),
        "route": case.route.select_related("region"),
        "services": case.services.select_related("provider"),
        "objectives": case.objectives.all(),
        "protection": case.protection.all(),
        "disclosures": case.police_disclosures.all(),
        "attachments": case.attachments.all(),
        "today": timezone.localdate(),
        "forms": {
            "person": forms.PersonForm(
                initial={**initial_person, "version": case.version}, prefix="person"
            ),
            "status": forms.StatusForm(
                initial={"version": case.version},
                source=case.status,
                role=user.role,
                prefix="status",
            ),
            "details": forms.DetailsForm(
                initial={
                    "version": case.version,
                    "erdr_number": case.erdr_number,
                    "erdr_date": case.erdr_date,
                    "exploitation_forms": case.exploitation_forms,
                    "perpetrator_roles": case.perpetrator_roles,
                    "guardianship_body": case.guardianship_body,
                    "child_support_centre": case.child_support_centre.code
                    if case.child_support_centre
                    else "",
                },
                prefix="details",
            ),
            "consent": forms.ConsentRecordForm(prefix="consent"),
            "referral": forms.ReferralForm(consents=active_referral_consents, prefix="referral"),
            "notification": forms.NotificationForm(prefix="notification"),
            "rights": forms.RightsForm(prefix="rights"),
            "route": forms.RouteForm(prefix="route"),
            "service": forms.ServiceForm(prefix="service"),
            "objective": forms.ObjectiveForm(prefix="objective"),
            "protection": forms.ProtectionForm(prefix="protection"),
            "police": forms.PoliceDisclosureForm(consents=police_consents, prefix="police"),
            "attachment": forms.AttachmentForm(prefix="attachment"),
        },
    }
    # Working the case (issue 13 §1–§2): the moves of the user's organisation and role.
    status_field = context["forms"]["status"].fields["status"]
    status_field.choices = views_work.status_choices(user, case, list(status_field.choices))
    context["can_work"] = allowed("case.work", user, case)
    context.update(views_work.context(user, case))
    return _no_store(render(request, "cases/detail.html", context))


# The services name some fields otherwise than the forms do: their labels on the page.
SERVICE_FIELD_LABELS = {
    "to_organisation": gettext_lazy("Refer to"),
    "reason": gettext_lazy("Reason"),
    "outcome": gettext_lazy("Outcome"),
}


def _service_errors(exc: ValidationError, form: Any = None) -> str:
    """A service's refusal, each message after the label of its field on the page."""
    labels = dict(SERVICE_FIELD_LABELS) | (form_labels(form) if form is not None else {})
    return validation_errors(exc, labels)


Action = Callable[[Any, Case, Any, HttpRequest], str]


def _org(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first() if code else None


def _person(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    version = d.pop("version")
    case = services.update_person(user=user, case=case, expected_version=version, data=d)
    saved = _("The person's data was saved.")
    check = getattr(case, "duplicate_check", None)  # issue 13 §3: told at once, nothing named
    if check is not None and check.limited:
        return (
            saved
            + " "
            + _(
                "The check for the same person at other organisations was not run: too many look-ups in the last hour."
            )
        )
    if check is not None and check.alerts:
        return (
            saved
            + " "
            + _("A possible match: another organisation may have a case about this person.")
        )
    return saved


def _status(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.change_status(
        user=user,
        case=case,
        expected_version=d["version"],
        target=d["status"],
        reason=d["reason"],
        identification_date=d["identification_date"],
        identification_body=d["identification_body"],
        information_card_issued_on=d["information_card_issued_on"],
        closure_reason=d["closure_reason"],
    )
    return _("The status was changed.")


def _details(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    version = d.pop("version")
    d["erdr_date"] = d["erdr_date"].isoformat() if d["erdr_date"] else None
    services.update_case_details(user=user, case=case, expected_version=version, data=d)
    return _("The case was saved.")


def _consent(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.record_consent(
        user=user,
        case=case,
        purpose=d["purpose"],
        form=d["form"],
        given_on=d["given_on"],
        recipient=_org(d["recipient"]),
    )
    return _("The consent was recorded.")


def _referral(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    consent = case.consents.filter(pk=d["consent"]).first() if d["consent"] else None
    to = _org(d["to"])
    if to is None:
        raise ValidationError({"to": [_("Choose the receiving organisation.")]})
    services.send_referral(
        user=user,
        case=case,
        to_organisation=to,
        services=d["services"],
        due_on=d["due_on"],
        note=d["note"],
        consent=consent,
        override_reason=d["override_reason"],
    )
    return _("The referral was sent.")


def _notification(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.record_notification(
        user=user, case=case, kind=d["kind"], sent_on=d["sent_on"], reference=d["reference"]
    )
    return _("The notification was recorded.")


def _rights(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.record_rights_explained(
        user=user,
        case=case,
        rights=d["rights"],
        explained_on=d["explained_on"],
        language=d["language"],
        language_other=d.get("language_other") or "",
    )
    return _("The explanation of rights was recorded.")


def _route(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    region = Region.objects.filter(code=d["region"].upper()).first() if d["region"] else None
    if d["region"] and region is None:
        raise ValidationError({"region": [_("Unknown region code.")]})
    services.record_route_event(
        user=user,
        case=case,
        stage=d["stage"],
        country=d["country"],
        region=region,
        occurred_on=d["occurred_on"],
        place=d["place"],
    )
    return _("The route was recorded.")


def _service(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    provider = _org(d["provider"])
    if provider is None:
        raise ValidationError({"provider": [_("Choose the provider.")]})
    services.record_service(
        user=user,
        case=case,
        service=d["service"],
        provider=provider,
        started_on=d["started_on"],
        ended_on=d["ended_on"],
        outcome=d["outcome"],
    )
    return _("The service was recorded.")


def _objective(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.add_objective(user=user, case=case, objective=d["objective"], due_on=d["due_on"])
    return _("The objective was added to the support plan.")


def _protection(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    services.set_protection(user=user, case=case, **d)
    return _("The protection record was saved.")


def _police(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    consent = case.consents.filter(pk=d["consent"]).first()
    if consent is None:
        raise ValidationError({"consent": [_("Record the person's consent first.")]})
    services.share_with_police(
        user=user, case=case, consent=consent, shared_on=d["shared_on"], summary=d["summary"]
    )
    return _("The disclosure to the police was recorded.")


def _attachment(user: Any, case: Case, d: dict[str, Any], request: HttpRequest) -> str:
    upload = d["file"]
    services.add_attachment(user=user, case=case, name=upload.name, content=upload.read())
    return _("The document was stored, encrypted.")


ACTIONS: dict[str, tuple[type[Any], Action]] = {
    "person": (forms.PersonForm, _person),
    "status": (forms.StatusForm, _status),
    "details": (forms.DetailsForm, _details),
    "consent": (forms.ConsentRecordForm, _consent),
    "referral": (forms.ReferralForm, _referral),
    "notification": (forms.NotificationForm, _notification),
    "rights": (forms.RightsForm, _rights),
    "route": (forms.RouteForm, _route),
    "service": (forms.ServiceForm, _service),
    "objective": (forms.ObjectiveForm, _objective),
    "protection": (forms.ProtectionForm, _protection),
    "police": (forms.PoliceDisclosureForm, _police),
    "attachment": (forms.AttachmentForm, _attachment),
}


@require_POST
def case_action(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(request, case_id)
    if action not in ACTIONS:
        raise Http404
    form_class, handler = ACTIONS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if form_class is forms.StatusForm:
        kwargs.update(source=case.status, role=user.role)
    if form_class in (forms.ReferralForm, forms.PoliceDisclosureForm):
        kwargs["consents"] = list(case.consents.all())
    data: Any = request.POST
    if action in conflicts.ACTIONS and request.POST.get("resolve") == "1":
        # The user's choices on the conflict page, made into the edit form's own data.
        data = conflicts.resolved_post(request.POST, action, form_class(**kwargs))
        if data is None:
            messages.error(request, _("Choose, for each field that differs, which value to keep."))
            return _conflict(request, case, action, form_class(**kwargs), _mine(request.POST))
    form = form_class(data, request.FILES, **kwargs)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            messages.success(request, handler(user, case, dict(form.cleaned_data), request))
        except ValidationError as exc:
            messages.error(request, _service_errors(exc, form))
        except services.ConcurrentEditError:
            if action in conflicts.ACTIONS:
                # Never overwrite what someone else saved: show both and let the user choose.
                return _conflict(request, case, action, form, data)
            messages.error(
                request,
                _(
                    "Someone else changed this case since you opened it. Nothing was saved: check the case and make your change again."
                ),
            )
    return redirect("cases:detail", case_id=case.pk)


def _mine(post: Any) -> Any:
    """The user's own values from a resolution form (``mine-<name>``), as the edit form's data."""
    mine = QueryDict(mutable=True)
    for key in post:
        if key.startswith("mine-"):
            mine.setlist(key.removeprefix("mine-"), post.getlist(key))
    return mine


def _conflict(request: HttpRequest, case: Case, action: str, form: Any, data: Any) -> HttpResponse:
    case.refresh_from_db(fields=["version"])
    rows = conflicts.rows(case, action, form, data)
    if not any(row["differs"] for row in rows):
        messages.info(
            request, _("The case changed meanwhile, but what you entered is what it holds now.")
        )
        return redirect("cases:detail", case_id=case.pk)
    context = {"case": case, "action": action, "rows": rows}
    return _no_store(render(request, "cases/conflict.html", context, status=409))


def attachment_download(request: HttpRequest, case_id: str, attachment_id: str) -> HttpResponse:
    case = _visible_case(request, case_id)
    attachment = case.attachments.filter(pk=selectors.as_uuid(attachment_id)).first()
    if attachment is None:
        raise Http404
    content = services.read_attachment(user=_user(request), attachment=attachment)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


def referral_inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not allowed("screening.create", user):
        raise PermissionDenied
    referrals = selectors.referral_inbox(user)
    today = timezone.localdate()
    context = {
        "incoming": [r for r in referrals if r.to_organisation_id == user.organisation_id],
        "outgoing": [r for r in referrals if r.from_organisation_id == user.organisation_id],
        "overdue": list(selectors.overdue_referrals(user, today)),
        "today": today,
        "answer_form": forms.AnswerForm(),
    }
    return _no_store(render(request, "cases/referrals.html", context))


@require_POST
def referral_action(request: HttpRequest, referral_id: str, action: str) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_for(user, referral_id)
    if referral is None:
        raise Http404
    form = forms.AnswerForm(request.POST)
    reason = form.data.get("reason", "")[:500]
    try:
        if action == "accept":
            services.respond_to_referral(user=user, referral=referral, accept=True)
            messages.success(
                request, _("The referral was accepted: the case is now open to your organisation.")
            )
        elif action == "decline":
            services.respond_to_referral(user=user, referral=referral, accept=False, reason=reason)
            messages.success(request, _("The referral was declined."))
        elif action == "complete":
            services.complete_referral(user=user, referral=referral, outcome=reason)
            messages.success(request, _("The referral was completed."))
        elif action == "withdraw":
            services.withdraw_referral(user=user, referral=referral, reason=reason)
            messages.success(request, _("The referral was withdrawn."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _service_errors(exc))
    return redirect("cases:referrals")
