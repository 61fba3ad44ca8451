"""Reads of the hotline desk: the desk's list, the shift handover, the directory for referrals,
the texts to read out, and the contact statistics (small cells withheld by
``monitoring.suppression``, like every other statistic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qorgan.accounts.permissions import PERSON_WORK_ROLES, allowed
from qorgan.core.i18n import localized, portal_language_codes
from qorgan.directory.models import Region
from qorgan.directory.selectors import organisations
from qorgan.knowledge.translations import attach
from qorgan.monitoring.suppression import Cell, suppress, suppress_total
from qorgan.portal import selectors as portal_selectors
from qorgan.portal.templatetags.portal import lead_in

from .models import LANGUAGES, CallerRelation, Channel, Contact, ContactType, Hotline, Outcome


def hotlines_of(user: Any) -> QuerySet[Hotline]:
    """The active hotlines the user answers or supervises."""
    if not getattr(user, "pk", None):
        return Hotline.objects.none()
    return (
        Hotline.objects.filter(active=True, organisation_id=user.organisation_id)
        .filter(Q(operators=user) | Q(supervisor=user))
        .distinct()
        .select_related("organisation")
    )


def desk(user: Any, hotline: Hotline | None = None, limit: int = 50) -> list[Contact]:
    """The desk: crises nobody has taken on top (oldest first), then the latest contacts."""
    contacts = Contact.objects.filter(hotline__in=hotlines_of(user)).select_related(
        "hotline", "region", "taken_by"
    )
    if hotline is not None:
        contacts = contacts.filter(hotline=hotline)
    waiting = list(
        contacts.filter(contact_type=ContactType.CRISIS, taken_at__isnull=True).order_by(
            "received_at"
        )
    )
    rest = list(contacts.exclude(pk__in=[c.pk for c in waiting]).order_by("-received_at")[:limit])
    return waiting + rest


def alerts_for(user: Any) -> list[Contact]:
    """Crises not yet taken that the user's organisation was alerted about (supervisors,
    the region's police): shown on the desk and on the work page."""
    if not getattr(user, "organisation_id", None) or user.role not in PERSON_WORK_ROLES:
        return []
    return list(
        Contact.objects.filter(
            alerted=user.organisation_id,
            contact_type=ContactType.CRISIS,
            taken_at__isnull=True,
        )
        .select_related("hotline", "region")
        .order_by("received_at")[:50]
    )


def handover(user: Any) -> list[tuple[Hotline, list[Contact]]]:
    """Open follow-ups, per hotline, for the next shift: the oldest first."""
    result = []
    for hotline in hotlines_of(user).order_by("code"):
        open_ = list(
            hotline.contacts.filter(follow_up=True, follow_up_done_at__isnull=True)
            .select_related("region")
            .order_by("received_at")
        )
        result.append((hotline, open_))
    return result


def contact_for(user: Any, pk: Any) -> Contact | None:
    contact = (
        Contact.objects.select_related(
            "hotline__organisation",
            "region",
            "case",
            "report",
            "referral__to_organisation",
            "police_organisation",
            "taken_by",
            "screening",
        )
        .filter(pk=pk)
        .first()
    )
    if contact is None or not allowed("hotline.view_contact", user, contact):
        return None
    return contact


def regions_with_help() -> list[dict[str, Any]]:
    """Every region with its help organisations and police units (for referrals during a call)."""
    orgs = organisations()
    result = []
    for region in Region.objects.order_by("position"):
        serving = [
            o
            for o in orgs
            if o.region_id == region.pk or any(r.pk == region.pk for r in o.serves_regions.all())
        ]
        result.append(
            {
                "region": region,
                "help": [o for o in serving if o.is_help_organisation],
                "police": [o for o in serving if o.kind.code == "police"],
            }
        )
    return result


# --- Texts to read out, in six languages --------------------------------------------------

READOUT_LANGUAGES = portal_language_codes()  # settings.LANGUAGES: the portal's six
# What an operator reads out: what a victim should do, the rights, the safety advice.
READOUT_KINDS = (
    ("action_step", ["victim"]),
    ("victim_right", None),
    ("migrant_victim_right", None),
    ("migrant_right", None),
    ("safety_advice", None),
)


def _read_out(entry: Any, language: str) -> str:
    """An entry's text as the portal shows it: with the words its seed puts on lines of their
    own before it (the Kazakh step "ДЕРЕУ 102 нөміріне …"), in the language read out."""
    with translation.override(language):
        return lead_in(entry, localized(entry, "text", language))


def readout(language: str) -> list[tuple[str, list[str], str]]:
    """Rights and safety advice of the catalogue in ``language``, one section per catalogue
    group: (title, texts, review state). Kazakh, Russian and English are the catalogue's own
    columns; Uzbek, Kyrgyz and Tajik its translations (knowledge.Translation: machine-assisted
    until reviewed, the Russian text where one is missing)."""
    sections = []
    for kind, groups in READOUT_KINDS:
        entries = portal_selectors.entries(kind, groups)
        attach([*entries, *{e.group_id: e.group for e in entries}.values()], language)
        by_group: dict[int, list[Any]] = {}
        for entry in entries:
            by_group.setdefault(entry.group_id, []).append(entry)
        for members in by_group.values():
            group = members[0].group
            states = {getattr(e, "review_state", "reviewed") for e in members}
            state = "machine" if states & {"machine", "missing"} else "reviewed"
            sections.append(
                (
                    localized(group, "title", language),
                    [_read_out(e, language) for e in members],
                    state,
                )
            )
    return sections


# --- Statistics ----------------------------------------------------------------------------


@dataclass
class ContactBreakdown:
    """One breakdown of contacts, suppressed: the same shape as the monitoring breakdowns."""

    name: str
    title: str
    cells: dict[str, Cell]
    total: Cell
    threshold: int
    labels: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, Cell]]:
        return [(key, self.labels.get(key, key), cell) for key, cell in self.cells.items()]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _months(start: date, end: date) -> list[str]:
    months, (year, month) = [], (start.year, start.month)
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def contacts_in(start: date, end: date, region: str | None = None) -> QuerySet[Contact]:
    lo, hi = _bounds(start, end)
    contacts = Contact.objects.filter(received_at__gte=lo, received_at__lt=hi)
    if region:
        contacts = contacts.filter(region__code=region)
    return contacts


def contact_statistics(
    start: date, end: date, region: str | None = None, threshold: int | None = None
) -> list[ContactBreakdown]:
    """Contacts by channel, type, caller, language, region, month and outcome; every cell and
    total passed through ``monitoring.suppression`` like the cases' figures: a count under the
    threshold is withheld (a second cell too where one alone could be recovered from the
    total), the others perturbed by cell key (each contact's permanent ``record_key``), so
    the same contacts always give the same published number."""
    threshold = threshold or settings.STATISTICS_MIN_CELL
    contacts = contacts_in(start, end, region)
    # A region's statistics list that region only, as the cases' figures of a regional report.
    regions = list(
        Region.objects.filter(code=region) if region else Region.objects.order_by("position")
    )
    months = _months(start, end)
    tz = timezone.get_current_timezone()
    dimensions: dict[str, tuple[str, dict[str, Q], dict[str, str]]] = {
        "channel": (
            _("Contacts by channel"),
            {k: Q(channel=k) for k in Channel.values},
            dict(Channel.choices),
        ),
        "contact_type": (
            _("Contacts by type"),
            {k: Q(contact_type=k) for k in ContactType.values},
            dict(ContactType.choices),
        ),
        "caller_relation": (
            _("Contacts by caller"),
            {k: Q(caller_relation=k) for k in CallerRelation.values},
            dict(CallerRelation.choices),
        ),
        "language": (
            _("Contacts by language"),
            {code: Q(language=code) for code, _label in LANGUAGES},
            {code: str(label) for code, label in LANGUAGES},
        ),
        "region": (
            _("Contacts by region"),
            {r.code: Q(region_id=r.pk) for r in regions}
            | ({} if region else {"unknown": Q(region__isnull=True)}),
            {r.code: localized(r, "name") for r in regions}
            | ({} if region else {"unknown": _("Not known")}),
        ),
        "month": (
            _("Contacts by month"),
            {
                m: Q(
                    received_at__gte=datetime(int(m[:4]), int(m[5:]), 1, tzinfo=tz),
                    received_at__lt=datetime(
                        int(m[:4]) + (m[5:] == "12"), int(m[5:]) % 12 + 1, 1, tzinfo=tz
                    ),
                )
                for m in months
            },
            {m: f"{m[5:]}.{m[:4]}" for m in months},  # 05.2026, as the cases' trend
        ),
        "outcome": (
            _("Contacts by outcome"),
            {k: Q(outcome=k) for k in Outcome.values},
            dict(Outcome.choices),
        ),
    }
    aggregates: dict[str, Any] = {"total": Count("pk"), "total_key": Sum("record_key")}
    for name, (_title, categories, _labels) in dimensions.items():
        for key, condition in categories.items():
            aggregates[f"{name}__{key}"] = Count("pk", filter=condition)
            aggregates[f"{name}__{key}__key"] = Sum("record_key", filter=condition)
    counts = contacts.aggregate(**aggregates)
    result = []
    for name, (title, categories, labels) in dimensions.items():
        values = {key: counts[f"{name}__{key}"] for key in categories}
        keys = {key: counts[f"{name}__{key}__key"] or 0 for key in categories}
        result.append(
            ContactBreakdown(
                name=f"hotline_{name}",
                title=str(title),
                cells=suppress(values, threshold, keys=keys),
                total=suppress_total(counts["total"], threshold, counts["total_key"] or 0),
                threshold=threshold,
                labels={k: str(v) for k, v in labels.items()},
            )
        )
    return result


def add_to_report(stats: dict[str, Any]) -> None:
    """The hook of the commission report (``monitoring.reports.render``): the contact
    statistics of the report's period, region and threshold, beside the cases' figures."""
    period = stats["period"]
    # national_statistics puts the region's breakdown under "region": a regional report's
    # breakdown has the one region it was asked for as its only cell.
    region = stats.get("region")
    if not isinstance(region, str):
        cells = list(getattr(region, "cells", {}))
        region = cells[0] if len(cells) == 1 else None
    stats["hotline"] = contact_statistics(period.start, period.end, region, stats.get("threshold"))


def report_rows(stats: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(breakdown, category, number) rows for the CSV and XLSX reports: the breakdown's title
    and the category's label in the active language, each breakdown ending with its total,
    every number as the PDF prints it."""
    return [
        row
        for b in stats.get("hotline", [])
        for row in [
            *((b.title, text, cell.display()) for _key, text, cell in b.rows()),
            (b.title, str(_("Total")), b.total.display()),
        ]
    ]


def appeals_by_region(start: date, end: date) -> dict[str, int]:
    """Contacts about a potential victim (crisis, tip, referral request) per region: the SOP's
    'appeals to hotlines' (002 L476), for a risk index that wants them (docs/hotline.md)."""
    rows = (
        contacts_in(start, end)
        .filter(
            contact_type__in=[ContactType.CRISIS, ContactType.TIP, ContactType.REFERRAL_REQUEST],
            region__isnull=False,
        )
        .values_list("region__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
