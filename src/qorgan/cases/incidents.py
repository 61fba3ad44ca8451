"""Several people, one situation (issue 13 §3).

An incident (a workplace, a group transported together, a report about several people) links
the cases of the persons it concerns: it is opened from a report or a screening about a group,
and each person gets a case at the incident's organisation when identified. Family and group
links between persons (a mother and her children) are recorded between their cases.

Who sees what: an incident belongs to the organisation that opened it (its staff who work with
persons' data see and change it); a linked case is shown to a user only if they may see that
case, so an incident never opens a case to anyone.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgan.accounts.permissions import allowed
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.models import Region

from .models import Case, Incident, IncidentCase, IncidentKind, PersonLink, PersonRelation
from .selectors import as_uuid, cases_for
from .services import open_case

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_PEOPLE = 10_000


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        reference = f"I{year}-" + "".join(secrets.choice(_ALPHABET) for _position in range(6))
        if not Incident.objects.filter(reference=reference).exists():
            return reference


def _works_with_persons(user: Any) -> bool:
    return allowed("screening.create", user) and bool(getattr(user, "organisation_id", None))


def incidents_for(user: Any) -> QuerySet[Incident]:
    if not _works_with_persons(user):
        return Incident.objects.none()
    return Incident.objects.filter(organisation_id=user.organisation_id).select_related("region")


def incident_for(user: Any, incident_id: Any) -> Incident | None:
    pk = as_uuid(incident_id)
    return incidents_for(user).filter(pk=pk).first() if pk else None


def visible_cases(user: Any, incident: Incident) -> list[Case]:
    """The incident's cases that the user may see (others are counted, never shown)."""
    ids = incident.links.values_list("case_id", flat=True)
    return list(cases_for(user).filter(pk__in=ids).order_by("created_at"))


@transaction.atomic
def open_incident(
    *,
    user: Any,
    kind: str,
    summary: str = "",
    people_reported: int = 0,
    region: Region | None = None,
    source_report: int | None = None,
) -> Incident:
    if not _works_with_persons(user):
        raise PermissionDenied(_("your role does not open incidents"))
    errors: dict[str, list[str]] = {}
    if kind not in IncidentKind.values:
        errors["kind"] = [_("choose what kind of situation it is")]
    if not isinstance(people_reported, int) or not 0 <= people_reported <= MAX_PEOPLE:
        errors["people_reported"] = [_("a number from 0 to %(n)s") % {"n": MAX_PEOPLE}]
    if len(summary) > 2000:
        errors["summary"] = [_("at most 2000 characters")]
    if errors:
        raise ValidationError(errors)
    incident = Incident.objects.create(
        reference=_new_reference(),
        organisation=user.organisation,
        kind=kind,
        summary=summary.strip(),
        people_reported=people_reported,
        region=region,
        source_report=source_report,
        created_by=user,
    )
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="cases.Incident",
        object_id=incident.pk,
        fields=["kind", "summary", "people_reported"],
    )
    return incident


def _require_incident(user: Any, incident: Incident) -> None:
    if not (_works_with_persons(user) and incident.organisation_id == user.organisation_id):
        raise PermissionDenied(_("only the organisation that opened the incident changes it"))


@transaction.atomic
def add_person(*, user: Any, incident: Incident, case: Case | None = None) -> Case:
    """Link a case to the incident; without a case, open one for a newly identified person (at
    the incident's organisation, in its region)."""
    _require_incident(user, incident)
    if case is None:
        case = open_case(
            organisation=incident.organisation,
            by=user,
            region=incident.region,
            detection_source="anonymous_report" if incident.source_report else "",
        )
    elif not allowed("case.edit", user, case):
        raise PermissionDenied(_("only the organisation that opened the case links it"))
    if IncidentCase.objects.filter(incident=incident, case=case).exists():
        raise ValidationError({"case": [_("this case is already linked to the incident")]})
    IncidentCase.objects.create(incident=incident, case=case, added_by=user)
    audit.record(
        actor=user,
        action=AuditAction.LINK,
        object_type="cases.Incident",
        object_id=incident.pk,
        detail={"case": case.reference},
    )
    return case


def incidents_of_case(user: Any, case: Case) -> QuerySet[Incident]:
    return incidents_for(user).filter(links__case=case)


@transaction.atomic
def link_persons(*, user: Any, case: Case, other: Case, relation: str) -> PersonLink:
    """``case``'s person ``relation`` ``other``'s person (e.g. is the parent of)."""
    if not (allowed("case.edit", user, case) and allowed("case.view", user, other)):
        raise PermissionDenied(_("you cannot link these cases"))
    if case.pk == other.pk:
        raise ValidationError({"other": [_("a person cannot be linked to themselves")]})
    if relation not in PersonRelation.values:
        raise ValidationError({"relation": [_("choose how the persons are related")]})
    if PersonLink.objects.filter(Q(case=case, other=other) | Q(case=other, other=case)).exists():
        raise ValidationError({"other": [_("these persons are already linked")]})
    link = PersonLink.objects.create(case=case, other=other, relation=relation, recorded_by=user)
    audit.record(
        actor=user,
        action=AuditAction.LINK,
        object_type="cases.PersonLink",
        object_id=link.pk,
        detail={"case": case.reference, "other": other.reference, "relation": relation},
    )
    return link


def links_of(user: Any, case: Case) -> list[tuple[str, Case]]:
    """The case's family and group links to cases the user may see, as (words, other case)."""
    visible = set(cases_for(user).values_list("pk", flat=True))
    result: list[tuple[str, Case]] = []
    for link in PersonLink.objects.filter(Q(case=case) | Q(other=case)).select_related(
        "case", "other"
    ):
        if link.case_id == case.pk and link.other_id in visible:
            result.append((str(PersonRelation(link.relation).label), link.other))
        elif link.other_id == case.pk and link.case_id in visible:
            result.append((str(REVERSE[PersonRelation(link.relation)]), link.case))
    return result


REVERSE = {
    PersonRelation.PARENT: gettext_lazy("is the child of"),
    PersonRelation.SIBLING: PersonRelation.SIBLING.label,
    PersonRelation.SPOUSE: PersonRelation.SPOUSE.label,
    PersonRelation.RELATIVE: PersonRelation.RELATIVE.label,
    PersonRelation.GROUP: PersonRelation.GROUP.label,
}
