"""The engine against the SOP: every rule and track, table-driven, and the combinations."""

from __future__ import annotations

from typing import Any

import pytest

from qorgan.knowledge.catalogue import default_catalogue, seed_line
from qorgan.screening import engine
from qorgan.screening.engine import ScreeningInputError
from qorgan.screening.rules import RULES, Track

SOP = "002_6818977b591e9dac.txt"


def screen(data: Any, language: str = "kk") -> dict[str, Any]:
    """The engine's answer as the JSON contract (what the CLI prints and the API returns)."""
    return engine.screen(data, language=language).as_dict()


def request(**overrides: Any) -> dict[str, Any]:
    """A potential victim screened by an NGO in Almaty: an adult Kazakh man who accepts help."""
    base: dict[str, Any] = {
        "screened_by": "ngo",
        "reported_to_102": False,
        "location": {"country": "KZ", "region": "KZ-75"},
        "person": {"age": 30, "minor": None, "sex": "male", "citizenship": "KZ"},
        "signs": ["S01"],
        "risk_groups": [],
        "places": [],
        "physical_injuries": False,
        "accepts_help": True,
    }
    for key, value in overrides.items():
        if key in ("age", "minor", "sex", "citizenship"):
            base["person"] = {**base["person"], key: value}
        elif key == "country":
            base["location"] = {"country": value, "region": None}
        else:
            base[key] = value
    return base


def codes(result: dict[str, Any]) -> list[str]:
    return [action["code"] for action in result["actions"]]


# --- Assessment (002 L404) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "risk_groups", "places", "expected"),
    [
        (["S05"], [], [], "potential_victim"),
        (["S05"], ["R01"], ["P01"], "potential_victim"),
        ([], ["R08"], [], "at_risk"),
        ([], [], ["P09"], "at_risk"),
        ([], [], [], "no_indication"),
    ],
)
def test_assessment_from_the_three_elements(
    signs: list[str], risk_groups: list[str], places: list[str], expected: str
) -> None:
    result = screen(request(signs=signs, risk_groups=risk_groups, places=places))
    assert result["assessment"] == expected


@pytest.mark.parametrize("signs", [[], None])
def test_no_sign_no_sop_steps_but_a_note(signs: Any) -> None:
    result = screen(request(signs=signs, risk_groups=["R08"]))
    assert result["actions"] == []
    assert [n["code"] for n in result["notes"]] == ["no_signs"]


def test_evidence_per_element_with_source_lines() -> None:
    result = screen(request(signs=["S28"], risk_groups=["R02"], places=["P02"]), language="ru")
    catalogue = default_catalogue().by_code()
    assert result["evidence"]["signs"] == [
        {
            "code": "S28",
            "group": "minors",
            "text": catalogue["S28"].text.ru,
            "source": {"document": SOP, "line": 530},
        }
    ]
    assert result["evidence"]["risk_groups"][0]["source"]["line"] == 411
    assert result["evidence"]["places"][0]["code"] == "P02"


def test_exploitation_forms_are_derived_from_the_evidence_that_names_them() -> None:
    result = screen(request(signs=["S01", "S28", "S31"], places=["P04"]))
    assert result["exploitation_forms"] == ["forced_labour", "sexual_exploitation"]
    basis = {item["form"]: item["evidence"] for item in result["exploitation_basis"]}
    assert basis == {"forced_labour": ["S28"], "sexual_exploitation": ["S31", "P04"]}


def test_no_form_is_suspected_without_evidence_naming_one() -> None:
    assert screen(request(signs=["S01", "S02"]))["exploitation_forms"] == []


# --- One row per rule: the rule fires exactly when its condition holds ------------------------

# (track, request overrides that make the condition true, action code, catalogue line)
RULE_CASES = [
    (Track.SUBJECT, {}, "notify_police", 959),
    (Track.SUBJECT, {"physical_injuries": True}, "call_ambulance", 967),
    (Track.SUBJECT, {"accepts_help": True}, "refer_special_social_services", 973),
    (Track.SUBJECT, {"age": 15}, "notify_guardianship_authority", 979),
    (Track.SUBJECT, {"accepts_help": False}, "issue_information_card", 983),
    (Track.SUBJECT, {"citizenship": "UZ"}, "assist_return_to_country_of_origin", 1048),
    (Track.POLICE, {"reported_to_102": True}, "dispatch_investigative_team", 1005),
    (Track.POLICE, {"physical_injuries": True}, "call_ambulance", 1009),
    (Track.POLICE, {}, "initial_interview", 1013),
    (Track.POLICE, {}, "register_statement_erdr", 1017),
    (Track.POLICE, {}, "victim_centred_interview", 1019),
    (Track.POLICE, {"sex": "female"}, "female_officer_interview", 1020),
    (Track.POLICE, {"minor": True}, "guardian_and_psychologist_present", 1020),
    (Track.POLICE, {"accepts_help": True}, "refer_special_social_services", 1026),
    (Track.POLICE, {"accepts_help": False}, "issue_information_card", 583),
    (Track.POLICE, {"age": 16}, "notify_guardianship_authority", 1030),
    (Track.POLICE, {"age": 16}, "refer_child_support_center", 1030),
    (Track.POLICE, {}, "explain_victim_rights", 1036),
    (Track.POLICE, {"citizenship": "TJ"}, "explain_migrant_rights", 1044),
    (Track.POLICE, {"citizenship": "stateless"}, "explain_migrant_rights", 1044),
    (Track.POLICE, {"citizenship": "KG"}, "assist_return_to_country_of_origin", 1048),
    (Track.MISSION, {"physical_injuries": True}, "call_ambulance", 967),
    (Track.MISSION, {}, "mission_notify_police", 995),
    (Track.MISSION, {"accepts_help": True}, "mission_arrange_referral_on_arrival", 995),
    (Track.MISSION, {"age": 12}, "mission_arrange_child_support_on_arrival", 989),
    (Track.MISSION, {"age": 12}, "refer_child_support_center", 989),
    (Track.MISSION, {"accepts_help": False}, "issue_information_card", 983),
    (Track.MISSION, {"citizenship": "KZ"}, "mission_document_and_return", 746),
]

# The opposite of each condition: the rule must not fire.
NEGATIONS = {
    "physical_injuries": False,
    "accepts_help": {True: False, False: True},
    "age": 40,
    "minor": False,
    "sex": "male",
    "citizenship": {"UZ": "KZ", "TJ": "KZ", "KG": "KZ", "stateless": "KZ", "KZ": "UZ"},
    "reported_to_102": False,
}
TRACK_REQUEST = {
    Track.SUBJECT: {"screened_by": "ngo"},
    Track.POLICE: {"screened_by": "police"},
    Track.MISSION: {"screened_by": "foreign_mission", "country": "TR"},
}


def test_every_rule_has_a_case() -> None:
    covered = {(track, action) for track, _, action, _ in RULE_CASES}
    assert covered == {(rule.track, rule.action) for rule in RULES}


@pytest.mark.parametrize(("track", "condition", "action", "line"), RULE_CASES, ids=lambda v: str(v))
def test_rule_fires_when_its_condition_holds(
    track: Track, condition: dict[str, Any], action: str, line: int
) -> None:
    result = screen(request(**TRACK_REQUEST[track], **condition))
    assert result["track"] == track.value
    matching = [a for a in result["actions"] if a["code"] == action]
    assert len(matching) == 1, codes(result)
    assert matching[0]["source"] == {"document": SOP, "line": line}
    assert matching[0]["urgency"] in {"immediate", "urgent", "routine"}
    assert matching[0]["text"]


@pytest.mark.parametrize(
    ("track", "condition", "action", "line"), [c for c in RULE_CASES if c[1]], ids=lambda v: str(v)
)
def test_rule_does_not_fire_when_its_condition_fails(
    track: Track, condition: dict[str, Any], action: str, line: int
) -> None:
    negated = {}
    for key, value in condition.items():
        opposite = NEGATIONS[key]
        negated[key] = opposite[value] if isinstance(opposite, dict) else opposite
    result = screen(request(**TRACK_REQUEST[track], **negated))
    assert action not in codes(result)


def test_action_text_is_the_catalogue_text_in_the_language() -> None:
    catalogue = default_catalogue().by_code()
    result = screen(request(), language="en")
    notify = next(a for a in result["actions"] if a["code"] == "notify_police")
    assert notify["text"] == catalogue["notify_police"].text.en
    assert notify["urgency"] == "immediate"


def test_kazakh_action_text_stands_on_its_source_line() -> None:
    for action in screen(
        request(screened_by="police", sex="female", minor=True, physical_injuries=True)
    )["actions"]:
        line = seed_line(action["source"]["document"], action["source"]["line"]).replace("**", "")
        first_words = " ".join(action["text"].split()[:3])
        assert (
            first_words.casefold() in line.casefold()
            or action["code"] == "victim_centred_interview"
        )


# --- The tracks in order, and the combinations the issue names -------------------------------


def test_subject_in_kazakhstan_full_order() -> None:
    result = screen(request(age=15, physical_injuries=True))
    assert codes(result) == [
        "notify_police",
        "call_ambulance",
        "refer_special_social_services",
        "notify_guardianship_authority",
    ]


def test_minor_found_abroad() -> None:
    result = screen(
        request(screened_by="foreign_mission", country="TR", age=14, sex="female", citizenship="KZ")
    )
    assert result["track"] == "mission"
    assert codes(result) == [
        "mission_notify_police",
        "mission_arrange_referral_on_arrival",
        "mission_arrange_child_support_on_arrival",
        "refer_child_support_center",
        "mission_document_and_return",
    ]
    assert "notify_police" not in codes(result)  # the mission's own step replaces it (L995)


def test_foreign_adult_who_refuses_help() -> None:
    result = screen(request(citizenship="UZ", accepts_help=False))
    assert codes(result) == ["notify_police", "issue_information_card"]
    assert "refer_special_social_services" not in codes(result)
    assert "assist_return_to_country_of_origin" not in codes(result)


def test_police_on_a_102_report_with_a_female_minor_with_injuries() -> None:
    result = screen(
        request(
            screened_by="police", reported_to_102=True, sex="female", age=16, physical_injuries=True
        )
    )
    assert codes(result) == [
        "dispatch_investigative_team",
        "call_ambulance",
        "initial_interview",
        "register_statement_erdr",
        "victim_centred_interview",
        "female_officer_interview",
        "guardian_and_psychologist_present",
        "refer_special_social_services",
        "notify_guardianship_authority",
        "refer_child_support_center",
        "explain_victim_rights",
    ]
    urgencies = {a["code"]: a["urgency"] for a in result["actions"]}
    assert urgencies["dispatch_investigative_team"] == "immediate"
    assert urgencies["call_ambulance"] == "immediate"


def test_foreign_victim_with_police_gets_migrant_rights_and_return() -> None:
    result = screen(request(screened_by="police", citizenship="KG"))
    assert codes(result)[-3:] == [
        "explain_victim_rights",
        "explain_migrant_rights",
        "assist_return_to_country_of_origin",
    ]


def test_stateless_victim_has_migrant_rights_but_no_country_to_return_to() -> None:
    result = screen(request(screened_by="police", citizenship="stateless"))
    assert "explain_migrant_rights" in codes(result)
    assert "assist_return_to_country_of_origin" not in codes(result)


def test_minor_flag_overrides_age() -> None:
    assert "notify_guardianship_authority" in codes(screen(request(age=25, minor=True)))
    assert "notify_guardianship_authority" not in codes(screen(request(age=15, minor=False)))


def test_eighteen_is_an_adult() -> None:
    assert "notify_guardianship_authority" not in codes(screen(request(age=18)))
    assert "notify_guardianship_authority" in codes(screen(request(age=17)))


def test_notify_police_only_for_subjects_other_than_police() -> None:
    assert "notify_police" not in codes(screen(request(screened_by="police")))
    for kind in (
        "labour_social",
        "health_organization",
        "education_organization",
        "border_service",
    ):
        assert codes(screen(request(screened_by=kind)))[0] == "notify_police"


def test_a_102_report_is_a_police_matter() -> None:
    result = screen(request(screened_by="ngo", reported_to_102=True))
    assert "dispatch_investigative_team" not in codes(result)
    assert "report_102_police_only" in [n["code"] for n in result["notes"]]


def test_police_without_a_102_report_sends_no_team() -> None:
    assert "dispatch_investigative_team" not in codes(screen(request(screened_by="police")))


# --- Where the SOP is silent, the result says so ---------------------------------------------


def test_unknown_age_is_noted_and_adds_no_minor_steps() -> None:
    result = screen(request(age=None))
    assert "notify_guardianship_authority" not in codes(result)
    assert "age_unknown" in [n["code"] for n in result["notes"]]


def test_unanswered_help_keeps_the_sop_default_and_says_so() -> None:
    result = screen(request(accepts_help=None))
    assert "refer_special_social_services" in codes(result)
    assert "issue_information_card" not in codes(result)
    assert "help_not_asked" in [n["code"] for n in result["notes"]]


def test_unknown_citizenship_is_noted() -> None:
    result = screen(request(screened_by="police", citizenship="unknown"))
    assert "explain_migrant_rights" not in codes(result)
    assert "citizenship_unknown" in [n["code"] for n in result["notes"]]


def test_stateless_person_abroad_gets_the_condition_of_l746() -> None:
    result = screen(request(screened_by="foreign_mission", country="RU", citizenship="stateless"))
    assert "mission_document_and_return" not in codes(result)
    assert "stateless_abroad" in [n["code"] for n in result["notes"]]


def test_others_who_find_a_person_abroad_get_the_missions_steps_and_a_note() -> None:
    result = screen(request(screened_by="ngo", country="AE"))
    assert result["track"] == "mission"
    assert "mission_steps_for_others" in [n["code"] for n in result["notes"]]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_notes_are_localized(language: str) -> None:
    result = screen(request(age=None), language=language)
    assert all(note["text"] for note in result["notes"])


# --- Bad input: a clear error naming the field ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ([], "request", "JSON object"),
        ({}, "screened_by", "is required"),
        ({"screened_by": "army"}, "screened_by", "unknown subject kind 'army'"),
        ({"screened_by": "ngo", "signs": ["S01", "S99"]}, "signs[1]", "unknown sign code 'S99'"),
        ({"screened_by": "ngo", "signs": "S01"}, "signs", "must be a list"),
        (
            {"screened_by": "ngo", "risk_groups": ["S01"]},
            "risk_groups[0]",
            "unknown risk group code",
        ),
        ({"screened_by": "ngo", "places": [7]}, "places[0]", "must be a code"),
        ({"screened_by": "ngo", "person": {"age": -1}}, "person.age", "whole number"),
        ({"screened_by": "ngo", "person": {"age": "15"}}, "person.age", "whole number"),
        ({"screened_by": "ngo", "person": {"age": True}}, "person.age", "whole number"),
        ({"screened_by": "ngo", "person": {"minor": "yes"}}, "person.minor", "true, false or null"),
        ({"screened_by": "ngo", "person": {"sex": "f"}}, "person.sex", "female, male, unknown"),
        (
            {"screened_by": "ngo", "person": {"citizenship": "Kazakhstan"}},
            "person.citizenship",
            "alpha-2",
        ),
        ({"screened_by": "ngo", "person": {"name": "A"}}, "person.name", "unknown field"),
        ({"screened_by": "ngo", "location": {"country": "XX"}}, "location.country", "alpha-2"),
        (
            {"screened_by": "ngo", "location": {"country": "KZ", "region": "KZ-99"}},
            "location.region",
            "unknown",
        ),
        (
            {"screened_by": "ngo", "location": {"country": "TR", "region": "KZ-75"}},
            "location.region",
            "only when",
        ),
        ({"screened_by": "ngo", "physical_injuries": "no"}, "physical_injuries", "true or false"),
        ({"screened_by": "ngo", "accepts_help": "maybe"}, "accepts_help", "true, false or null"),
        ({"screened_by": "ngo", "reported_to_102": 1}, "reported_to_102", "true or false"),
        ({"screened_by": "ngo", "sings": []}, "sings", "unknown field"),
    ],
)
def test_invalid_input_names_the_field(data: Any, field: str, fragment: str) -> None:
    with pytest.raises(ScreeningInputError) as caught:
        screen(data)
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith(f"{field}: ") and fragment in m for m in messages), messages


def test_all_errors_are_reported_together() -> None:
    with pytest.raises(ScreeningInputError) as caught:
        screen({"screened_by": "x", "signs": ["nope"], "person": {"age": 500}})
    assert {e.field for e in caught.value.errors} == {"screened_by", "signs[0]", "person.age"}
    assert caught.value.as_field_dict()["person"] == {
        "age": ["must be a whole number from 0 to 130, or null"]
    }


def test_former_region_codes_and_lower_case_are_accepted() -> None:
    assert (
        screen(request(location={"country": "kz", "region": "KZ-ALA"}))["assessment"]
        == "potential_victim"
    )


def test_defaults_for_omitted_fields() -> None:
    result = screen({"screened_by": "ngo", "signs": ["S01"]})
    assert result["track"] == "subject"
    assert codes(result) == ["notify_police", "refer_special_social_services"]


def test_duplicate_codes_count_once() -> None:
    result = screen(request(signs=["S01", "S01"]))
    assert [e["code"] for e in result["evidence"]["signs"]] == ["S01"]
