"""Every status pair: allowed exactly when the workflow table says so, for the roles it names."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from qorgan.cases import workflow

ROLES = ("frontline_worker", "case_manager", "supervisor", "coordinator", "administrator")
GIVEN = {
    "identification_date": date(2026, 1, 5),
    "identification_body": "Police department of Almaty",
    "information_card_issued_on": date(2026, 1, 6),
    "closure_reason": "returned home, reintegrated",
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(workflow.STATUSES, repeat=2)))
def test_every_pair(source: str, target: str) -> None:
    transition = {(t.source, t.target): t for t in workflow.TRANSITIONS}.get((source, target))
    for role in ROLES:
        if transition is not None and role in transition.roles:
            assert workflow.check(source, target, role, GIVEN) is transition
        else:
            with pytest.raises(workflow.TransitionError):
                workflow.check(source, target, role, GIVEN)


def test_the_main_path_of_the_issue() -> None:
    path = ["detected", "referred", "identified", "assisted", "returned", "reintegrated", "closed"]
    for source, target in itertools.pairwise(path):
        role = "supervisor"
        workflow.check(source, target, role, GIVEN)


def test_refusal_path() -> None:
    workflow.check("detected", "refused_help", "frontline_worker", GIVEN)
    workflow.check("refused_help", "information_card_issued", "frontline_worker", GIVEN)
    workflow.check("not_identified", "information_card_issued", "case_manager", GIVEN)


@pytest.mark.parametrize(
    ("source", "target", "missing"),
    [
        ("referred", "identified", "identification_date, identification_body"),
        ("detected", "not_identified", "identification_date, identification_body"),
        ("refused_help", "information_card_issued", "information_card_issued_on"),
        ("assisted", "closed", "closure_reason"),
    ],
)
def test_required_data_is_named(source: str, target: str, missing: str) -> None:
    with pytest.raises(workflow.TransitionError, match=f"needs: {missing}"):
        workflow.check(source, target, "supervisor", {})


def test_invalid_transition_says_where_the_case_can_go() -> None:
    with pytest.raises(
        workflow.TransitionError,
        match="cannot go from detected to reintegrated; from detected it can go to: referred",
    ):
        workflow.check("detected", "reintegrated", "supervisor", GIVEN)


def test_closed_is_final() -> None:
    assert workflow.targets_from("closed", "supervisor") == ()


def test_only_supervisors_close() -> None:
    with pytest.raises(workflow.TransitionError, match="may not move a case"):
        workflow.check("assisted", "closed", "case_manager", GIVEN)
