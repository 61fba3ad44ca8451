"""Writes of screenings: store one (and open its case), tick a step of its plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.cases.models import ConsentForm, ConsentPurpose
from qorgan.cases.services import PersonFacts, open_case, record_consent
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.models import Region

from .engine import FieldError, ScreeningInputError, evaluate, parse_request
from .models import PlanStep, Screening


@transaction.atomic
def store_screening(
    *,
    user: User,
    data: Any,
    language: str = "kk",
    consent_to_referral: bool = False,
    client_uuid: Any = None,
) -> Screening:
    """Evaluate and store a screening for the user's organisation.

    The screening subject is the user's organisation: ``screened_by`` may be left out and, if
    given, must be its kind. A screening with at least one sign opens a case (002 L951).
    """
    if not allowed("screening.create", user):
        raise PermissionDenied(_("your role does not record screenings"))
    organisation = user.organisation
    if organisation is None:  # excluded by the rule; kept for the type checker
        raise PermissionDenied(_("you belong to no organisation"))
    kind = organisation.kind.code
    if isinstance(data, dict):
        data = dict(data)
        given = data.setdefault("screened_by", kind)
        if given != kind:
            raise ScreeningInputError(
                [
                    FieldError(
                        "screened_by",
                        _("must be “%(kind)s”, the kind of your organisation, not “%(given)s”")
                        % {"kind": kind, "given": given},
                    )
                ]
            )
    request = parse_request(data)
    result = evaluate(request, language=language)
    case = None
    if result.assessment == "potential_victim":
        case = open_case(
            organisation=organisation,
            by=user,
            facts=PersonFacts(
                sex=request.person.sex,
                citizenship=request.person.citizenship,
                age=request.person.age,
                minor=request.person.minor,
            ),
            region=Region.objects.filter(code=request.region).first() if request.region else None,
            exploitation_forms=list(result.exploitation_forms),
        )
    screening = Screening.objects.create(
        organisation=organisation,
        screened_by_user=user,
        subject_kind=kind,
        assessment=result.assessment,
        track=result.track,
        language=language,
        catalogue_version=result.catalogue_version,
        consent_to_referral=consent_to_referral,
        client_uuid=client_uuid,  # the offline app's own identifier: stored once (unique)
        request=request.as_dict(),
        result=result.as_dict(),
        case=case,
    )
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="screening.Screening",
        object_id=screening.pk,
        fields=("request", "result"),
        detail={"case": str(case.pk) if case else ""},
    )
    if case is not None and consent_to_referral:
        # Consent is asked once: what the person agreed to at screening (referral, with their
        # data shared with the receiving organisation) is recorded on the case it opens, by
        # whom and when, so that the referral form can use it.
        record_consent(
            user=user,
            case=case,
            purpose=ConsentPurpose.REFERRAL,
            form=ConsentForm.ORAL,
            given_on=timezone.localdate(),
        )
    PlanStep.objects.bulk_create(
        PlanStep(
            screening=screening,
            position=position,
            action=action.code,
            urgency=action.urgency,
            source_document=action.source.document,
            source_line=action.source.line,
        )
        for position, action in enumerate(result.actions, start=1)
    )
    return screening


@transaction.atomic
def tick_plan_step(*, user: User, step: PlanStep, done: bool) -> PlanStep:
    """Mark a step of the plan done (who, when) or not done again."""
    step = PlanStep.objects.select_for_update().select_related("screening").get(pk=step.pk)
    if not allowed("screening.tick_step", user, step):
        raise PermissionDenied(_("this plan belongs to another organisation"))
    step.done = done
    step.done_by = user if done else None
    step.done_at = timezone.now() if done else None
    step.save(update_fields=["done", "done_by", "done_at"])
    audit.record(
        actor=user,
        action=AuditAction.PLAN_STEP,
        object_type="screening.Screening",
        object_id=step.screening_id,
        detail={"position": step.position, "done": done},
    )
    return step
