"""The SOP's rules for the action plan, in one table a reviewer can read against the SOP.

Each row: the public action code (SPEC §4), the track it belongs to, the condition under which
the SOP requires it, the catalogue entry whose text is shown (and whose line is cited), and
the urgency. Rows are in the order the SOP gives the steps. Nothing here that the SOP does
not say: where it is silent, the engine adds a note instead (see ``notes.yaml``).

Tracks (002 L951–1051):
- ``subject``: staff of any subject other than the police, in Kazakhstan (L951–983);
- ``police``: police officers (L997–1030) and the rights they explain (L1036–1051);
- ``mission``: a potential victim found abroad, for Kazakhstan's missions abroad
  (L985–995 and the Foreign Ministry's duty at L746).

Urgency: ``immediate`` where the SOP says ДЕРЕУ (immediately) or "as soon as possible", or
the step answers an incoming 102 report; ``urgent`` for the steps of the first contact;
``routine`` for the steps that follow it (on arrival, return).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Track(StrEnum):
    SUBJECT = "subject"
    POLICE = "police"
    MISSION = "mission"


class Urgency(StrEnum):
    IMMEDIATE = "immediate"
    URGENT = "urgent"
    ROUTINE = "routine"


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one screening, derived from the request."""

    minor: bool | None  # None: age not known
    female: bool
    injuries: bool
    accepts_help: bool | None  # None: not asked or not answered
    reported_to_102: bool
    kz_citizen: bool
    foreign_citizen: bool  # a citizen of another country
    stateless: bool


Condition = Callable[[Facts], bool]


def always(facts: Facts) -> bool:
    return True


def reported_to_102(facts: Facts) -> bool:
    return facts.reported_to_102


def injuries(facts: Facts) -> bool:
    return facts.injuries


def minor(facts: Facts) -> bool:
    return facts.minor is True


def female(facts: Facts) -> bool:
    return facts.female


def not_refused(facts: Facts) -> bool:
    """The referral steps are the SOP's default (L973, L1026); only a refusal replaces them (L983)."""
    return facts.accepts_help is not False


def refuses_help(facts: Facts) -> bool:
    return facts.accepts_help is False


def migrant(facts: Facts) -> bool:
    """A foreign citizen or a stateless person (L1044: "егер жәбірленуші көшіп-қонушы болса")."""
    return facts.foreign_citizen or facts.stateless


def foreign_citizen_not_refused(facts: Facts) -> bool:
    """Return to the country of citizenship (L886, L1048) for a foreign citizen who accepts help."""
    return facts.foreign_citizen and not_refused(facts)


def kz_citizen(facts: Facts) -> bool:
    return facts.kz_citizen


@dataclass(frozen=True)
class Rule:
    action: str
    track: Track
    when: Condition
    entry: str | tuple[str, ...]  # catalogue entry (or entries, joined) giving text and source line
    urgency: Urgency
    sop: str  # the lines, for the reader


RULES: tuple[Rule, ...] = (
    # --- Subjects' staff in Kazakhstan: 002 L951–983 --------------------------------------
    Rule("notify_police", Track.SUBJECT, always, "notify_police", Urgency.IMMEDIATE, "L959"),
    Rule(
        "call_ambulance", Track.SUBJECT, injuries, "call_ambulance", Urgency.IMMEDIATE, "L965–967"
    ),
    Rule(
        "refer_special_social_services",
        Track.SUBJECT,
        not_refused,
        "refer_special_social_services",
        Urgency.URGENT,
        "L971–973",
    ),
    Rule(
        "notify_guardianship_authority",
        Track.SUBJECT,
        minor,
        "notify_guardianship_authority",
        Urgency.URGENT,
        "L977–979",
    ),
    Rule(
        "issue_information_card",
        Track.SUBJECT,
        refuses_help,
        "issue_information_card",
        Urgency.URGENT,
        "L983",
    ),
    Rule(
        "assist_return_to_country_of_origin",
        Track.SUBJECT,
        foreign_citizen_not_refused,
        "assist_return_to_country_of_origin",
        Urgency.ROUTINE,
        "L886, L1048",
    ),
    # --- Police officers: 002 L997–1030, rights L1036–1051 ----------------------------------
    Rule(
        "dispatch_investigative_team",
        Track.POLICE,
        reported_to_102,
        "dispatch_investigative_team",
        Urgency.IMMEDIATE,
        "L1005",
    ),
    Rule(
        "call_ambulance",
        Track.POLICE,
        injuries,
        "police_call_ambulance",
        Urgency.IMMEDIATE,
        "L1009",
    ),
    Rule("initial_interview", Track.POLICE, always, "initial_interview", Urgency.URGENT, "L1013"),
    Rule(
        "register_statement_erdr",
        Track.POLICE,
        always,
        "register_statement_erdr",
        Urgency.URGENT,
        "L1017",
    ),
    Rule(
        "victim_centred_interview",
        Track.POLICE,
        always,
        (
            "police_safe_conditions",
            "victim_centred_interview",
            "police_no_pressure",
            "police_safe_contact",
        ),
        Urgency.URGENT,
        "L1019–1022",
    ),
    Rule(
        "female_officer_interview",
        Track.POLICE,
        female,
        "female_officer_interview",
        Urgency.URGENT,
        "L1020",
    ),
    Rule(
        "guardian_and_psychologist_present",
        Track.POLICE,
        minor,
        "guardian_and_psychologist_present",
        Urgency.URGENT,
        "L1020",
    ),
    Rule(
        "refer_special_social_services",
        Track.POLICE,
        not_refused,
        "police_refer_special_social_services",
        Urgency.URGENT,
        "L1026",
    ),
    Rule(
        "issue_information_card",
        Track.POLICE,
        refuses_help,
        "refused_help_information_card",
        Urgency.URGENT,
        "L583",
    ),
    Rule(
        "notify_guardianship_authority",
        Track.POLICE,
        minor,
        "police_notify_guardianship_authority",
        Urgency.URGENT,
        "L1030",
    ),
    Rule(
        "refer_child_support_center",
        Track.POLICE,
        minor,
        "police_refer_child_support_center",
        Urgency.URGENT,
        "L1030",
    ),
    Rule(
        "explain_victim_rights",
        Track.POLICE,
        always,
        "explain_victim_rights",
        Urgency.URGENT,
        "L1036–1042",
    ),
    Rule(
        "explain_migrant_rights",
        Track.POLICE,
        migrant,
        "explain_migrant_rights",
        Urgency.URGENT,
        "L1044–1051",
    ),
    Rule(
        "assist_return_to_country_of_origin",
        Track.POLICE,
        foreign_citizen_not_refused,
        "assist_return_to_country_of_origin",
        Urgency.ROUTINE,
        "L1048",
    ),
    # --- Found abroad: Kazakhstan's missions, 002 L985–995 and L746 -----------------------
    Rule(
        "call_ambulance", Track.MISSION, injuries, "call_ambulance", Urgency.IMMEDIATE, "L965–967"
    ),
    Rule(
        "mission_notify_police",
        Track.MISSION,
        always,
        "mission_notify_police",
        Urgency.URGENT,
        "L993–995",
    ),
    Rule(
        "mission_arrange_referral_on_arrival",
        Track.MISSION,
        not_refused,
        "mission_arrange_referral_on_arrival",
        Urgency.ROUTINE,
        "L993–995",
    ),
    Rule(
        "mission_arrange_child_support_on_arrival",
        Track.MISSION,
        minor,
        "mission_arrange_child_support_on_arrival",
        Urgency.ROUTINE,
        "L987–989",
    ),
    Rule(
        "refer_child_support_center",
        Track.MISSION,
        minor,
        "mission_refer_child_support_center",
        Urgency.ROUTINE,
        "L989",
    ),
    Rule(
        "issue_information_card",
        Track.MISSION,
        refuses_help,
        "issue_information_card",
        Urgency.URGENT,
        "L983",
    ),
    Rule(
        "mission_document_and_return",
        Track.MISSION,
        kz_citizen,
        "mission_document_and_return",
        Urgency.ROUTINE,
        "L746",
    ),
)


def rules_for(track: Track) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.track is track)
