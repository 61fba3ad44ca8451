"""The anonymous report: receiving it without keeping anything about the reporter, the receipt
channel, and the staff's triage."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgan.accounts.models import User
from qorgan.accounts.permissions import allowed
from qorgan.cases import incidents
from qorgan.cases.models import Incident, IncidentKind
from qorgan.cases.services import open_case
from qorgan.core import audit, clients, pow
from qorgan.core.crypto import blind_index
from qorgan.directory.models import Organisation, Region
from qorgan.notifications.models import NotificationKind
from qorgan.notifications.services import notify

from .models import Report, ReportMessage, ReportStatus

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O, 1/I
RECEIPT_GROUPS = 4  # 4 × 4 symbols: 80 bits
FORM_SALT = "qorgan.portal.report-form"
STATUS_SALT = "qorgan.portal.status-form"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 2 * 60 * 60
LIMITS = {
    "what": 5000,
    "place": 500,
    "when": 200,
    "who_at_risk": 1000,
    "contact": 200,
    "message": 5000,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReportRejected(Exception):
    """The submission is refused without storing anything; ``code`` says why (for the message)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def issue_form_token(*, written: bool = False) -> str:
    """A signed, single-use token carried by the form: when it was shown, and a nonce. It is
    also the challenge of the proof of work (``core.pow``). ``written``: the form comes back
    with what the person already wrote (after an error), so the minimum time is behind them."""
    shown = time.time() - (MIN_FILL_SECONDS if written else 0)
    return signing.dumps({"n": secrets.token_urlsafe(12), "t": int(shown)}, salt=FORM_SALT)


def issue_status_token() -> str:
    """The receipt-check form's single-use token (and proof-of-work challenge)."""
    return signing.dumps({"n": secrets.token_urlsafe(12)}, salt=STATUS_SALT)


def _read_token(token: str, salt: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = signing.loads(token, salt=salt, max_age=MAX_FORM_AGE)
    except signing.SignatureExpired:
        raise ReportRejected("expired") from None
    except signing.BadSignature:
        raise ReportRejected("invalid_form") from None
    return data


def _use_once(data: dict[str, Any]) -> None:
    if not cache.add(f"portal:form:{data['n']}", 1, timeout=MAX_FORM_AGE):
        raise ReportRejected("already_sent")


def _hold_back_floods(
    *, scope: str, client: str, per_client: int, busy_at: int, token: str, answer: str
) -> None:
    """One client may send ``per_client`` a minute whatever the others do; when the channel is
    busy (``busy_at`` a minute, all clients together) a proof of work is asked as well."""
    if client and not clients.within_client_limit(client, scope, per_client):
        raise ReportRejected("busy")
    if clients.load(scope) >= busy_at and not pow.is_solution(
        token, answer, settings.PORTAL_POW_BITS
    ):
        raise ReportRejected("proof_needed")


def _clean(value: Any, field: str, errors: dict[str, list[str]], required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [_("must be text")]
        return ""
    text = _CONTROL.sub("", value).strip()
    if required and not text:
        errors[field] = [_("please write something here")]
    if len(text) > LIMITS[field]:
        errors[field] = [_("at most %(limit)s characters") % {"limit": LIMITS[field]}]
    return text


def new_receipt() -> str:
    symbols = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4 * RECEIPT_GROUPS))
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def _receipt_index(receipt: str) -> str:
    normalized = re.sub(r"[^A-Z0-9]", "", receipt.upper())
    return blind_index("receipt", normalized)


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str


@transaction.atomic
def submit_report(
    *,
    data: dict[str, Any],
    language: str,
    form_token: str,
    honeypot: str = "",
    client: str = "",
    pow_answer: str = "",
) -> Submitted | None:
    """Store a report. Returns None (storing nothing) for a filled honeypot, so that a bot learns
    nothing; raises ReportRejected for a bad or reused form, ValidationError for bad content."""
    data_of_token = _read_token(form_token, FORM_SALT)
    if time.time() - float(data_of_token["t"]) < MIN_FILL_SECONDS:
        raise ReportRejected("too_fast")
    _hold_back_floods(
        scope="report",
        client=client,
        per_client=settings.PORTAL_REPORTS_PER_CLIENT_PER_MINUTE,
        busy_at=settings.PORTAL_REPORTS_PER_MINUTE,
        token=form_token,
        answer=pow_answer,
    )
    _use_once(data_of_token)
    if honeypot:
        return None
    errors: dict[str, list[str]] = {}
    what = _clean(data.get("what"), "what", errors, required=True)
    place = _clean(data.get("place"), "place", errors)
    when = _clean(data.get("when"), "when", errors)
    who = _clean(data.get("who_at_risk"), "who_at_risk", errors)
    contact = _clean(data.get("contact"), "contact", errors)
    region = None
    if data.get("region"):
        region = Region.objects.filter(code=str(data["region"])).first()
        if region is None:
            errors["region"] = [_("unknown region")]
    if errors:
        raise ValidationError(errors)
    receipt = new_receipt()
    number = (Report.objects.select_for_update().aggregate(m=Max("number"))["m"] or 0) + 1
    report = Report.objects.create(
        number=number,
        receipt_index=_receipt_index(receipt),
        received_on=timezone.localdate(),
        language=language[:5],
        what=what,
        region=region,
        place=place,
        when=when,
        who_at_risk=who,
        contact=contact,
    )
    clients.count_load("report")
    # No audit event and no notification now: the daily digest writes them on a later day.
    return Submitted(report=report, receipt=receipt)


def triaging_organisations() -> Any:
    return Organisation.objects.filter(active=True).filter(
        Q(triages_reports=True) | Q(kind__code="police")
    )


@transaction.atomic
def publish_daily_digest(today: date | None = None) -> int:
    """Audit and announce the anonymous reports (and reporters' additions) of the days before
    ``today``: one audit event each, in random order, with the day only; one notification per
    triaging organisation and day, naming the day and how many. Nothing of today is touched, so
    the time this runs says nothing finer than the day about any report. Returns the number of
    reports announced. Safe to run again (the beat schedule, ``qorgan portal_digest``, and the
    triage list when it is opened)."""

    today = today or timezone.localdate()
    reports = list(
        Report.objects.select_for_update()
        .filter(digested=False, received_on__lt=today)
        .only("id", "received_on")
    )
    additions = list(
        ReportMessage.objects.select_for_update()
        .filter(digested=False, from_reporter=True, sent_on__lt=today)
        .only("id", "report_id", "sent_on")
    )
    events = [("report_received", r.pk, r.received_on) for r in reports] + [
        ("report_addition", m.report_id, m.sent_on) for m in additions
    ]
    secrets.SystemRandom().shuffle(events)  # the chain's order says nothing of arrival
    with audit.audit_context():  # no address, no path
        for action, report_id, day in events:
            audit.record(
                actor=None,
                action=action,
                object_type="portal.Report",
                object_id=report_id,
                detail={"day": day.isoformat()},
            )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(digested=True)
    ReportMessage.objects.filter(pk__in=[m.pk for m in additions]).update(digested=True)
    per_day: dict[date, int] = {}
    for report in reports:
        per_day[report.received_on] = per_day.get(report.received_on, 0) + 1
    organisations = list(triaging_organisations())
    for day, count in sorted(per_day.items()):
        notify(
            organisations=organisations,
            kind=NotificationKind.REPORT_RECEIVED,
            reference=f"{day:%d.%m.%Y}: {count}",
            link="/kk/reports/",
        )
    return len(reports)


def find_by_receipt(
    receipt: str, *, status_token: str, client: str = "", pow_answer: str = ""
) -> Report | None:
    """The report of a receipt code, through the status form's single-use token; per-client
    limits and, when busy, a proof of work hold back guessing (80-bit codes) and floods."""
    token_data = _read_token(status_token, STATUS_SALT)
    _hold_back_floods(
        scope="receipt",
        client=client,
        per_client=settings.PORTAL_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE,
        busy_at=settings.PORTAL_RECEIPT_CHECKS_PER_MINUTE,
        token=status_token,
        answer=pow_answer,
    )
    _use_once(token_data)
    clients.count_load("receipt")
    if not receipt or len(receipt) > 40:
        return None
    return Report.objects.filter(receipt_index=_receipt_index(receipt)).first()


@transaction.atomic
def add_from_reporter(*, report: Report, text: str) -> Report:
    """An addition from the reporter to the report their receipt code opened."""
    errors: dict[str, list[str]] = {}
    cleaned = _clean(text, "message", errors, required=True)
    if errors:
        raise ValidationError({"message": errors["message"]})
    ReportMessage.objects.create(
        report=report, from_reporter=True, text=cleaned, sent_on=timezone.localdate()
    )
    if report.status == ReportStatus.INFO_REQUESTED:
        report.status = (
            ReportStatus.ASSIGNED if report.assigned_organisation_id else ReportStatus.NEW
        )
        report.save(update_fields=["status"])
    # Audited by the daily digest on a later day, not now (no time of day is kept).
    return report


# --- Triage by staff ------------------------------------------------------------------------


def _triage(user: User, report: Report) -> None:
    if not allowed("report.triage", user):
        raise PermissionDenied("your organisation does not triage reports")


def _log(user: User, report: Report, action: str, detail: dict[str, Any] | None = None) -> None:
    audit.record(
        actor=user,
        action=f"report_{action}",
        object_type="portal.Report",
        object_id=report.pk,
        detail=detail or {},
    )


@transaction.atomic
def assign_report(*, user: User, report: Report, organisation: Organisation) -> Report:
    _triage(user, report)
    if not (organisation.triages_reports or organisation.kind.code == "police"):
        raise ValidationError({"organisation": [_("this organisation does not triage reports")]})
    report.assigned_organisation = organisation
    if report.status in (ReportStatus.NEW, ReportStatus.INFO_REQUESTED):
        report.status = ReportStatus.ASSIGNED
    report.save(update_fields=["assigned_organisation", "status"])
    _log(user, report, "assign", {"to": organisation.code})
    return report


@transaction.atomic
def mark_duplicate(*, user: User, report: Report, of_number: int) -> Report:
    _triage(user, report)
    original = Report.objects.filter(number=of_number).exclude(pk=report.pk).first()
    if original is None:
        raise ValidationError({"duplicate_of": [_("no other report has this number")]})
    report.duplicate_of = original
    report.status = ReportStatus.DUPLICATE
    report.save(update_fields=["duplicate_of", "status"])
    _log(user, report, "duplicate", {"of": original.number})
    return report


@transaction.atomic
def request_information(*, user: User, report: Report, question: str) -> ReportMessage:
    _triage(user, report)
    errors: dict[str, list[str]] = {}
    text = _clean(question, "message", errors, required=True)
    if errors:
        raise ValidationError({"question": errors["message"]})
    message = ReportMessage.objects.create(
        report=report, from_reporter=False, text=text, sent_on=timezone.localdate(), by=user
    )
    report.status = ReportStatus.INFO_REQUESTED
    report.save(update_fields=["status"])
    _log(user, report, "request_info")
    return message


@transaction.atomic
def close_report(*, user: User, report: Report, note: str) -> Report:
    _triage(user, report)
    if not note.strip():
        raise ValidationError({"note": [_("say why the report is closed")]})
    report.status = ReportStatus.CLOSED
    report.closing_note = note.strip()[:300]
    report.save(update_fields=["status", "closing_note"])
    _log(user, report, "close")
    return report


@transaction.atomic
def open_case_from_report(*, user: User, report: Report) -> Report:
    """A case at the user's organisation, detected from the report (status detected)."""

    _triage(user, report)
    if report.case_id:
        raise ValidationError({"case": [_("a case was already opened from this report")]})
    if not allowed("screening.create", user) or user.organisation is None:
        raise PermissionDenied("your role does not open cases")
    report.case = open_case(
        organisation=user.organisation,
        by=user,
        region=report.region,
        detection_source="anonymous_report",
    )
    report.status = ReportStatus.CASE_OPENED
    report.save(update_fields=["case", "status"])
    _log(user, report, "open_case", {"case": str(report.case.pk)})
    return report


@transaction.atomic
def open_incident_from_report(*, user: User, report: Report, people: int) -> Any:
    """A report about several people: an incident at the user's organisation (issue 13 §3);
    each person gets a case from the incident's page when identified."""
    _triage(user, report)
    if report.case_id or Incident.objects.filter(source_report=report.number).exists():
        raise ValidationError(
            {"case": [_("a case or incident was already opened from this report")]}
        )
    incident = incidents.open_incident(
        user=user,
        kind=IncidentKind.REPORT,
        people_reported=people,
        region=report.region,
        source_report=report.number,
    )
    report.status = ReportStatus.CASE_OPENED
    report.save(update_fields=["status"])
    _log(user, report, "open_incident", {"incident": str(incident.pk)})
    return incident
