"""Record-level exports: a supervisor's cases (no names or identifiers), HTCDS 2.0 (supervisors:
their organisation's cases; coordinators: the cases of their scope, de-identified), and the
open-data releases on the fixed grid of calendar quarters."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils.crypto import salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role
from qorgan.cases.models import Case, CaseStatus, Referral, Sex, StatusChange
from qorgan.cases.selectors import cases_for
from qorgan.core.i18n import active_language, localized
from qorgan.directory.countries import country_name
from qorgan.directory.models import SubjectKind
from qorgan.knowledge.catalogue import default_catalogue

from . import htcds, opendata, services
from .models import OpenDataRelease
from .statistics import Period

# The supervisor's case file is read by people: every cell is a label in the language the
# file was asked in, never a code (issue 13 §5). HTCDS 2.0 and open data are standard formats
# whose cells are codes by design.
CASE_COLUMNS = [
    gettext_lazy("Reference"),
    gettext_lazy("Status"),
    gettext_lazy("Organisation"),
    gettext_lazy("Region"),
    gettext_lazy("Opened"),
    gettext_lazy("Sex"),
    gettext_lazy("Age group"),
    gettext_lazy("Citizenship"),
    gettext_lazy("Forms of exploitation"),
    gettext_lazy("Detected by"),
]


def case_labels() -> dict[str, dict[str, str]]:
    """The labels of the case file's coded columns, in the active language."""
    lang = active_language()
    unknown = str(_("Not known"))
    return {
        "status": {k: str(v) for k, v in CaseStatus.choices},
        "sex": {k: str(v) for k, v in Sex.choices},
        "age_group": {"unknown": unknown},
        "form": {
            e.code: str(e.text.get(lang)) for e in default_catalogue().of_kind("exploitation_form")
        },
        "source": {k.code: localized(k, "name") for k in SubjectKind.objects.all()}
        | {"anonymous_report": str(_("Anonymous report")), "": ""},
        "unknown": {"unknown": unknown, "": unknown},
    }


def case_rows(user: User, *, htcds: bool = False) -> tuple[list[str], list[list[Any]]]:
    if htcds:
        return htcds_cases(user)
    labels = case_labels()
    lang = active_language()

    def country(code: str) -> str:
        return labels["unknown"].get(code) or country_name(code, lang)

    rows = [
        [
            case.reference,
            labels["status"].get(case.status, case.status),
            localized(case.organisation, "name"),
            localized(case.region, "name") if case.region else "",
            case.created_at.date().isoformat(),
            labels["sex"].get(case.stat_sex, case.stat_sex),
            labels["age_group"].get(case.stat_age_group, case.stat_age_group),
            country(case.stat_citizenship),
            "; ".join(labels["form"].get(code, code) for code in case.exploitation_forms),
            labels["source"].get(case.detection_source, case.detection_source),
        ]
        for case in cases_for(user)
    ]
    return [str(column) for column in CASE_COLUMNS], rows


# --- HTCDS 2.0 --------------------------------------------------------------------------------


def coordinator_region(user: User) -> str | None:
    """A regional coordinator's region, as for the statistics (``statistics_region``: a
    coordinator of a local executive body with a region); None: the whole country."""
    return services.statistics_region(user) or None


def htcds_scope(user: User) -> QuerySet[Case]:
    """The cases a user's HTCDS export covers: a supervisor's are those of the organisation
    (``cases_for``); a coordinator's those of their region, or of the country for a national
    coordinator; nobody else's."""
    if user.role == Role.COORDINATOR and user.is_active:
        region = coordinator_region(user)
        cases = Case.objects.select_related("organisation", "region")
        return (cases.filter(region__code=region) if region else cases).order_by("-created_at")
    return cases_for(user)


def _pseudonym(kind: str, key: Any) -> str:
    """A keyed pseudonym: stable between exports, not computable without the server's key."""
    return kind + salted_hmac(f"qorgan.monitoring.htcds.{kind}", str(key)).hexdigest()[:16]


def _htcds_cases(user: User) -> list[tuple[str, Case]]:
    cases = (
        htcds_scope(user)
        .select_related("created_by")
        .prefetch_related(
            "route",
            "consents",
            "screenings",
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("changed_by__organisation__kind"),
            ),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related(
                    "to_organisation", "from_organisation"
                ).order_by("sent_at"),
            ),
        )
    )
    pseudonymous = user.role == Role.COORDINATOR
    return [(_pseudonym("C", case.pk) if pseudonymous else case.reference, case) for case in cases]


def _decision(case: Case) -> tuple[str, str]:
    """The deciding body's name and the kind of the organisation that recorded the decision."""
    decisions = [
        c for c in case.status_changes.all() if c.to_status in ("identified", "not_identified")
    ]
    if not decisions:
        return case.identification_body, ""
    latest = max(decisions, key=lambda c: c.changed_at)
    organisation = latest.changed_by.organisation
    return case.identification_body, organisation.kind.code if organisation else ""


def _signs(case: Case) -> list[str]:
    return [s for screening in case.screenings.all() for s in screening.request.get("signs", [])]


def _htcds_record(user: User, reference: str, case: Case) -> dict[str, Any]:
    # The export's point of view: the supervisor's organisation, or the case's own for a
    # coordinator. Incoming: the first referral to it; outgoing: the first referral from it.
    own = user.organisation_id if user.role != Role.COORDINATOR else case.organisation_id
    referrals = list(case.referrals.all())
    incoming = next((r for r in referrals if r.to_organisation_id == own), None)
    outgoing = next((r for r in referrals if r.from_organisation_id == own), None)
    body, recorder_kind = _decision(case)
    if user.role == Role.COORDINATOR:
        owner = _pseudonym("U", case.created_by_id)
    else:
        owner = case.created_by.username
    return htcds.record(
        reference=reference,
        status=case.status,
        history=[c.to_status for c in case.status_changes.all()],
        # Free text may name people: only the organisation's own supervisors get it.
        closure_reason="" if user.role == Role.COORDINATOR else case.closure_reason,
        owner=owner,
        decision_body=body,
        decision_recorder_kind=recorder_kind,
        signs=_signs(case),
        sex=case.stat_sex,
        citizenship=case.stat_citizenship,
        forms=case.exploitation_forms,
        roles=case.perpetrator_roles,
        referred_by=incoming.from_organisation.code if incoming else "",
        referred_in_on=incoming.sent_at.date().isoformat() if incoming else "",
        referred_to=outgoing.to_organisation.code if outgoing else "",
        referral_services=outgoing.services if outgoing else [],
        referred_on=outgoing.sent_at.date().isoformat() if outgoing else "",
        consent=any(c.active for c in case.consents.all()),
    )


def htcds_cases(user: User) -> tuple[list[str], list[list[Any]]]:
    """The HTCDS 2.0 case file: one record per case of the user's scope."""
    cases = _htcds_cases(user)
    rows = [list(_htcds_record(user, reference, case).values()) for reference, case in cases]
    return list(htcds.FIELDS), rows


def htcds_events(user: User) -> tuple[list[str], list[list[Any]]]:
    """The HTCDS 2.0 Historic Trafficking Events file: one record per route event."""
    rows = []
    for reference, case in _htcds_cases(user):
        for number, event in enumerate(case.route.all(), start=1):
            rows.append(
                list(
                    htcds.event(
                        reference=reference,
                        number=number,
                        stage=event.stage,
                        country=event.country,
                        on=event.occurred_on.isoformat() if event.occurred_on else "",
                    ).values()
                )
            )
    return list(htcds.EVENT_FIELDS), rows


# --- Open data --------------------------------------------------------------------------------


def release_quarters(period: Period, today: date) -> list[str]:
    """The grid's quarters a requested period stands for: those it touches that have ended."""
    quarters = [
        q
        for q in opendata.quarters_between(period.start, period.end)
        if opendata.quarter_bounds(q)[1] < today
    ]
    if not quarters:
        raise ValidationError(
            _(
                "Open data is released for whole calendar quarters once they have ended, and "
                "the period chosen has none yet: choose a period that includes an earlier quarter."
            )
        )
    return quarters


def epsilon_spent(quarter: str) -> float:
    spent = OpenDataRelease.objects.filter(
        period=quarter, kind=OpenDataRelease.Kind.SYNTHETIC
    ).aggregate(total=Sum("epsilon"))["total"]
    return float(spent or 0.0)


def epsilon_budget() -> float:
    return float(getattr(settings, "OPEN_DATA_EPSILON_BUDGET", 3.0))


def check_budget(quarter: str, *, again: bool = False) -> None:
    """Refuse a synthetic release that would take the quarter's ε past the total budget."""
    exists = OpenDataRelease.objects.filter(
        period=quarter, kind=OpenDataRelease.Kind.SYNTHETIC, current=True
    ).exists()
    if exists and not again:
        return  # the stored release is served again: no new ε
    epsilon, budget, spent = settings.OPEN_DATA_EPSILON, epsilon_budget(), epsilon_spent(quarter)
    if spent + epsilon > budget + 1e-9:
        raise ValidationError(
            _(
                "The privacy budget of %(quarter)s is spent: its synthetic releases have used "
                "ε = %(spent)s of the total %(budget)s, and another would use %(epsilon)s more."
            )
            % {
                "quarter": quarter,
                "spent": number_format(spent, 2),
                "budget": number_format(budget, 2),
                "epsilon": number_format(epsilon, 2),
            }
        )


def check_release(period: Period, kind: str, today: date) -> list[str]:
    """What a request for open data would release; refuses it now with the reason if it cannot."""
    quarters = release_quarters(period, today)
    if kind != OpenDataRelease.Kind.K_ANONYMOUS:
        for quarter in quarters:
            check_budget(quarter)
    return quarters


def source_records(quarter: str) -> list[tuple[str, ...]]:
    """The quarter's cases as source records, counted by the database (one row per combination)."""
    start, end = opendata.quarter_bounds(quarter)
    cases = (
        Case.objects.filter(created_at__gte=Period(start, end).bounds()[0])
        .filter(created_at__lt=Period(start, end).bounds()[1])
        .order_by()
        .values(
            "region__code",
            "stat_sex",
            "stat_age_group",
            "stat_citizenship",
            "exploitation_forms",
            "status",
        )
        .annotate(n=Count("id"))
    )
    records = []
    for row in cases:
        record = opendata.source_record(
            region=row["region__code"],
            sex=row["stat_sex"],
            age_group=row["stat_age_group"],
            citizenship=row["stat_citizenship"],
            forms=row["exploitation_forms"] or [],
            status=row["status"],
        )
        records.extend([record] * row["n"])
    records.sort()
    return records


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


@transaction.atomic
def release(quarter: str, kind: str, user: User, *, again: bool = False) -> OpenDataRelease:
    """The quarter's release of a kind: the stored one, or built and stored now (once).
    ``again`` replaces it (a synthetic one spends ε again, within the budget)."""
    if user.role != Role.COORDINATOR or not user.is_active:
        raise PermissionDenied(_("only coordinators release open data"))
    # One release at a time per quarter and kind: the second asker waits and gets the first's.
    current = (
        OpenDataRelease.objects.select_for_update()
        .filter(period=quarter, kind=kind, current=True)
        .first()
    )
    if current is not None and not again:
        return current
    records = source_records(quarter)
    if kind == OpenDataRelease.Kind.SYNTHETIC:
        check_budget(quarter, again=again)
        epsilon = settings.OPEN_DATA_EPSILON
        rows = opendata.synthetic(quarter, records, epsilon=epsilon)
        fidelity = opendata.total_variation(records, [r[1:] for r in rows]) if rows else []
        parameters: dict[str, Any] = {"epsilon": epsilon, "reporting_length": 2}
        spent = epsilon if rows or len(records) >= opendata.MIN_SYNTHETIC_RECORDS else 0.0
        fidelity_text = _csv_text(("columns", "total_variation_distance"), fidelity)
    else:
        k = settings.OPEN_DATA_K
        made = opendata.k_anonymous(quarter, records, k)
        rows, spent, fidelity_text = made.rows, 0.0, ""
        parameters = {
            "k": k,
            "levels": dict(zip([h.name for h in opendata.HIERARCHIES], made.node, strict=True)),
        }
    if current is not None:
        current.current = False
        current.save(update_fields=["current"])
    return OpenDataRelease.objects.create(
        period=quarter,
        kind=kind,
        content=_csv_text(opendata.COLUMNS, rows),
        fidelity=fidelity_text,
        parameters=parameters,
        epsilon=spent,
        source_records=len(records),
        released_records=len(rows),
        released_by=user,
    )


def open_data_file(
    user: User, period: Period, fmt: str, today: date
) -> tuple[list[str], list[list[str]]]:
    """An open-data file for a period: its quarters' stored releases, one after another.
    ``fmt`` is ``k_anonymous``, ``synthetic`` or ``synthetic_fidelity`` (the total variation
    distances of the synthetic releases, per quarter)."""
    quarters = check_release(period, "k_anonymous" if fmt == "k_anonymous" else "synthetic", today)
    kind = "k_anonymous" if fmt == "k_anonymous" else "synthetic"
    releases = [release(q, kind, user) for q in quarters]
    if fmt == "synthetic_fidelity":
        return ["quarter", "columns", "total_variation_distance"], [
            [r.period, *row] for r in releases for row in _rows(r.fidelity)
        ]
    return list(opendata.COLUMNS), [row for r in releases for row in _rows(r.content)]
