"""The case status workflow: which transitions exist and which roles may make them.

detected → referred → identified (decision date, deciding body) or not identified →
assisted → returned / reintegrated → closed (reason); refused help → information card issued.
Pure data and functions, no Django: the services apply it, the tests walk every pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

DETECTED = "detected"
REFERRED = "referred"
IDENTIFIED = "identified"
NOT_IDENTIFIED = "not_identified"
ASSISTED = "assisted"
RETURNED = "returned"
REINTEGRATED = "reintegrated"
REFUSED_HELP = "refused_help"
INFORMATION_CARD_ISSUED = "information_card_issued"
CLOSED = "closed"

STATUSES: tuple[str, ...] = (
    DETECTED,
    REFERRED,
    IDENTIFIED,
    NOT_IDENTIFIED,
    ASSISTED,
    RETURNED,
    REINTEGRATED,
    REFUSED_HELP,
    INFORMATION_CARD_ISSUED,
    CLOSED,
)

CASE_WORKERS = frozenset({"frontline_worker", "case_manager", "supervisor"})
MANAGERS = frozenset({"case_manager", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    requires: tuple[str, ...] = ()  # fields the transition must be given


TRANSITIONS: tuple[Transition, ...] = (
    # A referral sent moves a detected case to referred by itself; it can also be recorded.
    Transition(DETECTED, REFERRED, CASE_WORKERS),
    Transition(DETECTED, REFUSED_HELP, CASE_WORKERS),
    Transition(REFERRED, REFUSED_HELP, CASE_WORKERS),
    # Identification (002 L575–577) or not (L583): a decision with its date and deciding body.
    Transition(DETECTED, IDENTIFIED, MANAGERS, ("identification_date", "identification_body")),
    Transition(REFERRED, IDENTIFIED, MANAGERS, ("identification_date", "identification_body")),
    Transition(DETECTED, NOT_IDENTIFIED, MANAGERS, ("identification_date", "identification_body")),
    Transition(REFERRED, NOT_IDENTIFIED, MANAGERS, ("identification_date", "identification_body")),
    # Refusal or non-identification: rights explained and the information card given (L583, L983).
    Transition(
        REFUSED_HELP, INFORMATION_CARD_ISSUED, CASE_WORKERS, ("information_card_issued_on",)
    ),
    Transition(
        NOT_IDENTIFIED, INFORMATION_CARD_ISSUED, CASE_WORKERS, ("information_card_issued_on",)
    ),
    Transition(REFUSED_HELP, REFERRED, CASE_WORKERS),  # the person changed their mind
    Transition(IDENTIFIED, ASSISTED, MANAGERS),
    Transition(ASSISTED, RETURNED, MANAGERS),
    Transition(ASSISTED, REINTEGRATED, MANAGERS),
    Transition(RETURNED, REINTEGRATED, MANAGERS),
    *(
        Transition(source, CLOSED, SUPERVISORS, ("closure_reason",))
        for source in STATUSES
        if source != CLOSED
    ),
)

_BY_PAIR: Mapping[tuple[str, str], Transition] = {(t.source, t.target): t for t in TRANSITIONS}


class TransitionError(ValueError):
    """The transition does not exist, the role may not make it, or data it needs is missing.

    Carries structured data so that callers with i18n (the services) can build the message in
    the user's language; ``str()`` stays an English sentence for logs and the pure tests.
    ``kind`` is one of ``unknown_status``, ``no_such_transition``, ``role_not_allowed``,
    ``missing_data``.
    """

    UNKNOWN_STATUS = "unknown_status"
    NO_SUCH_TRANSITION = "no_such_transition"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    MISSING_DATA = "missing_data"

    def __init__(
        self,
        kind: str,
        *,
        source: str,
        target: str,
        role: str = "",
        allowed: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.source = source
        self.target = target
        self.role = role
        self.allowed = allowed
        self.missing = missing
        super().__init__(self._english())

    def __reduce__(self) -> tuple[Any, ...]:  # keyword-only arguments: pickle by the fields
        return (
            partial(
                TransitionError,
                self.kind,
                source=self.source,
                target=self.target,
                role=self.role,
                allowed=self.allowed,
                missing=self.missing,
            ),
            (),
        )

    def _english(self) -> str:
        if self.kind == self.UNKNOWN_STATUS:
            return f"unknown status {self.target!r}"
        if self.kind == self.NO_SUCH_TRANSITION:
            allowed = ", ".join(self.allowed) or "none"
            return (
                f"a case cannot go from {self.source} to {self.target}; "
                f"from {self.source} it can go to: {allowed}"
            )
        if self.kind == self.ROLE_NOT_ALLOWED:
            return (
                f"your role ({self.role}) may not move a case from {self.source} to {self.target}"
            )
        return f"moving a case to {self.target} needs: {', '.join(self.missing)}"


def transition_for(source: str, target: str) -> Transition:
    if target not in STATUSES:
        raise TransitionError(TransitionError.UNKNOWN_STATUS, source=source, target=target)
    transition = _BY_PAIR.get((source, target))
    if transition is None:
        raise TransitionError(
            TransitionError.NO_SUCH_TRANSITION,
            source=source,
            target=target,
            allowed=tuple(t.target for t in TRANSITIONS if t.source == source),
        )
    return transition


def check(source: str, target: str, role: str, given: Mapping[str, object]) -> Transition:
    transition = transition_for(source, target)
    if role not in transition.roles:
        raise TransitionError(
            TransitionError.ROLE_NOT_ALLOWED, source=source, target=target, role=role
        )
    missing = tuple(field for field in transition.requires if not given.get(field))
    if missing:
        raise TransitionError(
            TransitionError.MISSING_DATA, source=source, target=target, role=role, missing=missing
        )
    return transition


def targets_from(source: str, role: str) -> tuple[str, ...]:
    return tuple(t.target for t in TRANSITIONS if t.source == source and role in t.roles)
