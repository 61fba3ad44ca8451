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

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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


# --- Conditions: data, not code ----------------------------------------------------------------
#
# A condition is an expression tree over the fields of ``Facts`` (and, for the notes, of the
# wider ``NoteFacts``). The same tree is evaluated here (``holds``) and, exported as JSON by
# ``conditions_json``, by the offline app's engine in the browser (static/qorgan/offline/
# engine.js), so the two engines read one table. The forms (JSON in brackets):
#
# - ``fact("minor")``: the fact is true (``"minor"``); None and False are not true;
# - ``is_("accepts_help", False)``: the fact equals the value (``{"is": ["accepts_help", false]}``);
# - ``not_(c)``, ``all_(c, ...)``, ``any_(c, ...)`` (``{"not": c}``, ``{"all": [...]}``,
#   ``{"any": [...]}``); ``ALWAYS`` is ``all_()`` (``{"all": []}``).

Value = bool | str | None


@dataclass(frozen=True)
class Condition:
    op: str  # "fact", "is", "not", "all", "any"
    args: tuple[Any, ...]

    def __call__(self, facts: Any) -> bool:
        return holds(self, facts)

    def as_json(self) -> Any:
        if self.op == "fact":
            return self.args[0]
        if self.op == "is":
            return {"is": [self.args[0], self.args[1]]}
        if self.op == "not":
            return {"not": self.args[0].as_json()}
        return {self.op: [arg.as_json() for arg in self.args]}


def fact(name: str) -> Condition:
    return Condition("fact", (name,))


def is_(name: str, value: Value) -> Condition:
    return Condition("is", (name, value))


def not_(condition: Condition) -> Condition:
    return Condition("not", (condition,))


def all_(*conditions: Condition) -> Condition:
    return Condition("all", conditions)


def any_(*conditions: Condition) -> Condition:
    return Condition("any", conditions)


def _value(facts: Any, name: str) -> Any:
    if isinstance(facts, Mapping):
        return facts[name]
    return getattr(facts, name)


def holds(condition: Condition, facts: Any) -> bool:
    """Whether ``condition`` holds for ``facts`` (a ``Facts``, ``NoteFacts`` or a mapping)."""
    op, args = condition.op, condition.args
    if op == "fact":
        return _value(facts, args[0]) is True
    if op == "is":
        value, wanted = _value(facts, args[0]), args[1]
        if wanted is None or isinstance(wanted, bool):
            return value is wanted
        return isinstance(value, str) and value == wanted
    if op == "not":
        return not holds(args[0], facts)
    if op == "all":
        return all(holds(arg, facts) for arg in args)
    if op == "any":
        return any(holds(arg, facts) for arg in args)
    raise ValueError(f"unknown condition {op!r}")


ALWAYS = all_()
reported_to_102 = fact("reported_to_102")
injuries = fact("injuries")
minor = fact("minor")
female = fact("female")
# The referral steps are the SOP's default (L973, L1026); only a refusal replaces them (L983).
refuses_help = is_("accepts_help", False)
not_refused = not_(refuses_help)
# A foreign citizen or a stateless person (L1044: "егер жәбірленуші көшіп-қонушы болса").
migrant = any_(fact("foreign_citizen"), fact("stateless"))
# Return to the country of citizenship (L886, L1048) for a foreign citizen who accepts help.
foreign_citizen_not_refused = all_(fact("foreign_citizen"), not_refused)
kz_citizen = fact("kz_citizen")
always = ALWAYS


@dataclass(frozen=True)
class Rule:
    action: str
    track: Track
    when: Condition  # data: see ``holds``
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


# --- Notes: where the SOP is silent or a step depends on what the request does not say ------


@dataclass(frozen=True)
class NoteFacts:
    """What the notes' conditions read: the assessment, the track and the request's gaps."""

    assessment: str  # potential_victim, at_risk, no_indication
    track: str
    screened_by: str
    minor: bool | None
    citizenship: str  # KZ, an alpha-2 code, stateless or unknown
    accepts_help: bool | None
    stateless: bool
    reported_to_102: bool  # as the request says, whoever screened
    # Signs or places were recorded but the SOP's text of none of them names a form of
    # exploitation (exploitation_forms is empty although signs or places were recorded).
    no_form_named: bool = False


_SIGNS_FOUND = is_("assessment", "potential_victim")
_ABROAD = all_(_SIGNS_FOUND, is_("track", Track.MISSION.value))

# (note code in notes.yaml, condition over NoteFacts), in the order the plan shows them.
NOTES: tuple[tuple[str, Condition], ...] = (
    ("age_unknown", all_(_SIGNS_FOUND, is_("minor", None))),
    ("citizenship_unknown", all_(_SIGNS_FOUND, is_("citizenship", "unknown"))),
    ("help_not_asked", all_(_SIGNS_FOUND, is_("accepts_help", None))),
    ("stateless_abroad", all_(_ABROAD, fact("stateless"))),
    ("mission_steps_for_others", all_(_ABROAD, not_(is_("screened_by", "foreign_mission")))),
    ("no_signs", is_("assessment", "at_risk")),
    ("no_indication", is_("assessment", "no_indication")),
    ("no_form_named", fact("no_form_named")),
    (
        "report_102_police_only",
        all_(fact("reported_to_102"), not_(is_("screened_by", "police"))),
    ),
)


def notes_for(facts: NoteFacts) -> list[str]:
    return [code for code, condition in NOTES if condition(facts)]


def conditions_json() -> dict[str, Any]:
    """The rules' and notes' conditions as JSON, for the engine in the browser."""
    return {
        "rules": [
            {"track": rule.track.value, "action": rule.action, "when": rule.when.as_json()}
            for rule in RULES
        ],
        "notes": [{"code": code, "when": condition.as_json()} for code, condition in NOTES],
    }
