"""Writes to cases, one module per use case; this module gathers them so that callers keep
``from qorgan.cases import services`` and ``services.X``:

- ``persons``: open a case, edit the person, possible matches;
- ``case_edits``: status, case details, consent;
- ``referrals``: send, answer, complete, withdraw;
- ``records``: notifications, rights explained, services, route, goals, protection, police;
- ``documents``: attachments;
- ``service_base``: the permission checks and helpers they share.

Every function checks the permission (``accounts.permissions``), runs in a transaction and
writes an audit event naming the fields it touched (never their values).
"""

from __future__ import annotations

from .case_edits import (
    change_status,
    record_consent,
    update_case_details,
    withdraw_consent,
)
from .documents import (
    ATTACHMENT_TYPES,
    add_attachment,
    read_attachment,
    sniff_type,
)
from .persons import (
    PersonFacts,
    _clean_person,
    open_case,
    person_indexes,
    possible_matches,
    update_person,
)
from .records import (
    add_objective,
    record_notification,
    record_rights_explained,
    record_route_event,
    record_service,
    set_objective_status,
    set_protection,
    share_with_police,
)
from .referrals import (
    _locked_referral,
    _referral_event,
    complete_referral,
    may_receive_referrals,
    respond_to_referral,
    send_referral,
    withdraw_referral,
)
from .service_base import (
    _ALPHABET,
    PERPETRATOR_ROLES,
    PERSON_TEXT_FIELDS,
    ConcurrentEditError,
    _bump_version,
    _date_of_birth_error,
    _date_or_error,
    _deny,
    _new_reference,
    _require,
    _status_label,
    _transition_message,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "PERPETRATOR_ROLES",
    "PERSON_TEXT_FIELDS",
    "_ALPHABET",
    "ConcurrentEditError",
    "PersonFacts",
    "_bump_version",
    "_clean_person",
    "_date_of_birth_error",
    "_date_or_error",
    "_deny",
    "_locked_referral",
    "_new_reference",
    "_referral_event",
    "_require",
    "_status_label",
    "_transition_message",
    "add_attachment",
    "add_objective",
    "change_status",
    "complete_referral",
    "may_receive_referrals",
    "open_case",
    "person_indexes",
    "possible_matches",
    "read_attachment",
    "record_consent",
    "record_notification",
    "record_rights_explained",
    "record_route_event",
    "record_service",
    "respond_to_referral",
    "send_referral",
    "set_objective_status",
    "set_protection",
    "share_with_police",
    "sniff_type",
    "update_case_details",
    "update_person",
    "withdraw_consent",
    "withdraw_referral",
]
