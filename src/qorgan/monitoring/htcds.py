"""Export of cases in the Human Trafficking Case Data Standard 2.0 (IOM, UNMigration/HTCDS).

Field names are those of ``docs/standards/htcds-2.0-fields.csv`` ("Field Name including Prefix"),
plus ``Id``, the standard Salesforce record identifier the standard builds on (the pseudonymous
case reference);
values are mapped from Qorgan's codes as the tables below say (docs/htcds.md). The export is
pseudonymous: the case reference stands for the person; names, dates of birth, identifiers
and contacts are never exported.
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
    "prs_Gender",
    "prs_Citizenship",
    "vic_TypeOfExploitation",
    "per_RoleInProcess",
    "hte_Country",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
    "con_Consent",
)

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
ACTUAL = {"identified", "assisted", "returned", "reintegrated"}
NOT_A_VICTIM = {"not_identified"}


def trafficking_status(status: str, history: Iterable[str]) -> str:
    """HTCDS vic_TraffickingStatus from the case's status and the statuses it went through."""
    seen = set(history) | {status}
    if seen & ACTUAL:
        return "ActualVictimOfTrafficking"
    if seen & NOT_A_VICTIM:
        return "NotAVictimOfTrafficking"
    return "PossibleVictimOfTrafficking"


def record(
    *,
    reference: str,
    status: str,
    history: Iterable[str],
    closure_reason: str,
    owner: str,
    decision_body: str,
    sex: str,
    citizenship: str,
    forms: Iterable[str],
    roles: Iterable[str],
    countries: Iterable[str],
    referred_to: str,
    referred_on: str,
    consent: bool,
) -> dict[str, Any]:
    return {
        "Id": reference,
        "cas_Status": "Closed" if status == "closed" else "Active",
        "cas_ReasonForCaseClosure": closure_reason,
        "cas_CaseOwner": owner,
        "vic_TraffickingStatus": trafficking_status(status, history),
        "vic_TraffickingStatusDecisionMakingOrg": "Other" if decision_body else "",
        "prs_Gender": GENDER.get(sex, "NonSpecifiedUnknown"),
        "prs_Citizenship": citizenship if len(citizenship) == 2 else "",
        "vic_TypeOfExploitation": ";".join(
            sorted({EXPLOITATION[f] for f in forms if f in EXPLOITATION})
        ),
        "per_RoleInProcess": ";".join(sorted({ROLES[r] for r in roles if r in ROLES})),
        "hte_Country": ";".join(sorted(set(countries))),
        "cas_ReferredOrganisation": referred_to,
        "cas_OutgoingReferralDate": referred_on,
        "con_Consent": "true" if consent else "false",
    }
