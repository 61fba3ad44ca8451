"""Export of cases in the Human Trafficking Case Data Standard 2.0 (IOM, UNMigration/HTCDS)
(pure, no Django).

Field names are those of ``docs/standards/htcds-2.0-fields.csv`` ("Field Name including
Prefix"), plus ``Id``, the standard Salesforce record identifier the standard builds on, and, in
the Historic Trafficking Events file, ``ParentId``, the Salesforce name of the lookup to the
record an event belongs to. Two files: one record per case (``FIELDS``), and one record per
route event (``EVENT_FIELDS``: country, type and date of each recruitment, transit or
exploitation event), since the standard makes Historic Trafficking Events one object per event.
The export is de-identified: names, dates of birth, identifiers and contacts are never
exported; ``Id`` is the case reference for the organisation's supervisors and a keyed
pseudonym for coordinators (docs/monitoring.md, "HTCDS 2.0").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FIELDS: tuple[str, ...] = (
    "Id",
    "cas_Status",
    "cas_ReasonForCaseClosure",
    "cas_CaseOwner",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodsOfControl",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TypeOfExploitation",
    "per_RoleInProcess",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferredOrganisation",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "con_Consent",
)
EVENT_FIELDS: tuple[str, ...] = ("Id", "ParentId", "hte_Type", "hte_Country", "hte_Date")
EXTRA_FIELDS = frozenset({"Id", "ParentId"})  # Salesforce's own, not in the field list

GENDER = {"female": "Feminine", "male": "Masculine", "unknown": "NonSpecifiedUnknown"}
EXPLOITATION = {
    "forced_labour": "ForcedLabour",
    "sexual_exploitation": "SexualExploitation",
    "forced_begging": "ForcedBegging",
    "forced_criminal_activity": "Other",  # HTCDS has no value for forced unlawful activity
    "other_ownership_powers": "Servitude",  # "other powers attaching to the right of ownership"
}
ROLES = {
    "recruiter_or_intermediary": "RecruiterOrIntermediary",
    "transporter": "Transporter",
    "harbourer": "HarbouredIndividual",
    "exploiter": "Exploiter",
    "controller": "ControlledIndividual",
    "broker_travel_agent": "BrokerTravelAgent",
    "kidnapper": "Kidnapper",
    "abuser": "Abuser",
    "other": "Other",
}
EVENT_TYPES = {"recruitment": "Recruitment", "transit": "Transit", "exploitation": "Exploitation"}
ACTUAL = {"identified", "assisted", "returned", "reintegrated"}
NOT_A_VICTIM = {"not_identified"}

# The organisation that took the identification decision (vic_TraffickingStatusDecisionMakingOrg):
# first what the deciding body's name says, then the kind of the organisation that recorded it.
DECISION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CourtOrProsecution", ("court", "prosecut", "суд", "прокур", "сот")),
    ("Police", ("police", "полиц", "мвд", "ішкі істер", "іім", "ovd", "овд")),
    ("NGO", ("ngo", "нпо", "үеұ", "non-governmental", "неправительств", "үкіметтік емес")),
)
DECISION_BY_KIND = {
    "police": "Police",
    "ngo": "NGO",
    "labour_social": "NonPoliceGovernmentalOrganization",
    "border_service": "NonPoliceGovernmentalOrganization",
    "health_ministry": "NonPoliceGovernmentalOrganization",
    "education_ministry": "NonPoliceGovernmentalOrganization",
    "foreign_mission": "NonPoliceGovernmentalOrganization",
    "tourism_ministry": "NonPoliceGovernmentalOrganization",
    "culture_information_ministry": "NonPoliceGovernmentalOrganization",
    "local_executive_body": "NonPoliceGovernmentalOrganization",
}

# vic_MethodsOfControl from the screening's signs. The knowledge catalogue
# (knowledge/data/control_means.yaml, card 004 L63–126) lists for each means of control the SOP
# signs (002) it shows (``maps_to``); each HTCDS value below is reached only through a sign its
# means lists (checked by a test), and only from the signs that show that value itself. Means
# the standard has no value for (isolation, shame) give "Other".
METHODS_OF_CONTROL: dict[str, dict[str, tuple[str, ...]]] = {
    "isolation_and_document_confiscation": {
        "WithholdsDocuments": ("S12", "S43"),  # documents held by others / not in own control
        "Other": ("S04", "S07"),  # isolation
    },
    "illegal_stay_shame_isolation": {"Other": ("S04", "S07", "S08")},
    "threats_to_relatives": {"ThreatensChildrenFamily": ("S21",)},
    "violence_and_fear": {
        "PhysicalAbuse": ("S19", "S40"),  # injuries; scars and bruises
        "SexualAbuse": ("S20",),
        "WithholdsNecessities": ("S15",),  # too little food
        "ThreatsLawEnforcement": ("S08",),  # "hand them over to the police as illegal migrants"
        "Other": ("S01", "S04", "S18"),
    },
    "debt_bondage": {"DebtBondage": ("S17", "S18")},
}


def methods_of_control(signs: Iterable[str]) -> list[str]:
    seen = set(signs)
    return sorted(
        {
            value
            for values in METHODS_OF_CONTROL.values()
            for value, shown_by in values.items()
            if seen.intersection(shown_by)
        }
    )


def trafficking_status(status: str, history: Iterable[str]) -> str:
    """HTCDS vic_TraffickingStatus from the case's status and the statuses it went through."""
    seen = set(history) | {status}
    if seen & ACTUAL:
        return "ActualVictimOfTrafficking"
    if seen & NOT_A_VICTIM:
        return "NotAVictimOfTrafficking"
    return "PossibleVictimOfTrafficking"


def decision_org(body: str, recorder_kind: str) -> str:
    """vic_TraffickingStatusDecisionMakingOrg: empty while no decision is recorded."""
    if not body and not recorder_kind:
        return ""
    text = body.lower()
    for value, words in DECISION_WORDS:
        if any(word in text for word in words):
            return value
    return DECISION_BY_KIND.get(recorder_kind, "Other")


def referral_reason(services: Iterable[str]) -> str:
    """cas_ReasonForOutgoingReferral from the services the referral asks for."""
    asked = set(services)
    if "return" in asked:
        return "MigrationOrChangeOfLocation"
    return "AdditionalServicesRequired" if asked else "Other"


def record(
    *,
    reference: str,
    status: str,
    history: Iterable[str],
    closure_reason: str,
    owner: str,
    decision_body: str,
    decision_recorder_kind: str,
    signs: Iterable[str],
    sex: str,
    citizenship: str,
    forms: Iterable[str],
    roles: Iterable[str],
    referred_by: str,
    referred_in_on: str,
    referred_to: str,
    referral_services: Iterable[str],
    referred_on: str,
    consent: bool,
) -> dict[str, Any]:
    return {
        "Id": reference,
        "cas_Status": "Closed" if status == "closed" else "Active",
        "cas_ReasonForCaseClosure": closure_reason,
        "cas_CaseOwner": owner,
        "vic_TraffickingStatus": trafficking_status(status, history),
        "vic_TraffickingStatusDecisionMakingOrg": decision_org(
            decision_body, decision_recorder_kind
        ),
        "vic_MethodsOfControl": ";".join(methods_of_control(signs)),
        "prs_Gender": GENDER.get(sex, "NonSpecifiedUnknown"),
        "prs_Citizenship": citizenship if len(citizenship) == 2 else "",
        "vic_TypeOfExploitation": ";".join(
            sorted({EXPLOITATION[f] for f in forms if f in EXPLOITATION})
        ),
        "per_RoleInProcess": ";".join(sorted({ROLES[r] for r in roles if r in ROLES})),
        "cas_ReferringOrganisation": referred_by,
        "cas_IncomingReferralDate": referred_in_on,
        "cas_ReferredOrganisation": referred_to,
        "cas_ReasonForOutgoingReferral": referral_reason(referral_services) if referred_to else "",
        "cas_OutgoingReferralDate": referred_on,
        "con_Consent": "true" if consent else "false",
    }


def event(*, reference: str, number: int, stage: str, country: str, on: str) -> dict[str, str]:
    """One Historic Trafficking Event: a recruitment, transit or exploitation of the case."""
    return {
        "Id": f"{reference}-E{number}",
        "ParentId": reference,
        "hte_Type": EVENT_TYPES.get(stage, ""),
        "hte_Country": country,
        "hte_Date": on,
    }
