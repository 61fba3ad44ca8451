"""Open data (issue 14 §2): releases on the grid of ended calendar quarters, each built once and
served again identically; k-anonymity by generalisation hierarchies chosen over the whole
lattice; differencing two releases over time reveals no class below k; the synthetic release
spends ε against a budget, invents no category and publishes its fidelity."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role
from qorgan.cases.models import Case, Person
from qorgan.directory.models import Organisation, Region
from qorgan.monitoring import exports, opendata
from qorgan.monitoring.management.commands.generate_synthetic_cases import (
    AGES,
    CITIZENSHIP,
    FORMS,
    SEXES,
    STATUSES,
    pick,
)
from qorgan.monitoring.models import ExportJob, OpenDataRelease
from qorgan.monitoring.statistics import Period

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def quarter_back(n: int) -> str:
    """The quarter ``n`` quarters before the current one (1: the last ended quarter)."""
    index = TODAY.year * 4 + (TODAY.month - 1) // 3 - n
    return f"{index // 4}Q{index % 4 + 1}"


LAST, BEFORE = quarter_back(1), quarter_back(2)


def make_cases(
    count: int,
    quarter: str,
    *,
    seed: int = 1,
    regions: list[str] | None = None,
    without_unknowns: bool = False,
) -> list[Case]:
    """Made-up cases (no person data) with the synthetic generator's shares, opened in the
    quarter: bulk-created, then dated inside it."""
    rng = random.Random(seed)  # noqa: S311 (made-up cases)
    organisation = Organisation.objects.get(code="ORG01")
    creator = User.objects.filter(organisation=organisation).first()
    codes = regions or list(Region.objects.values_list("code", flat=True))
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}

    def draw(table: tuple[tuple[str, float], ...]) -> str:
        if without_unknowns:
            table = tuple((v, w) for v, w in table if v not in ("unknown", "[]", "stateless"))
        return pick(rng, table)

    persons, cases = [], []
    for _ in range(count):
        person = Person(
            id=uuid.uuid4(), sex=draw(SEXES), citizenship=draw(CITIZENSHIP), age_group=draw(AGES)
        )
        persons.append(person)
        cases.append(
            Case(
                id=uuid.uuid4(),
                reference=f"T{uuid.uuid4().hex[:12].upper()}",
                organisation=organisation,
                person=person,
                status=draw(STATUSES),
                created_by=creator,
                region=by_code[rng.choice(codes)],
                exploitation_forms=json.loads(draw(FORMS)),
                stat_sex=person.sex,
                stat_age_group=person.age_group,
                stat_citizenship=person.citizenship,
                detection_source="ngo",
            )
        )
    Person.objects.bulk_create(persons)
    Case.objects.bulk_create(cases)
    start, end = opendata.quarter_bounds(quarter)
    middle = start + (end - start) / 2
    stamp = datetime.combine(middle, time(12), tzinfo=timezone.get_current_timezone())
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(created_at=stamp)
    return cases


@pytest.fixture
def coordinator(client: Any, make_user: Any) -> Any:
    user = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    client.force_login(user)
    client.user = user
    return client


def ask(client: Any, fmt: str, start: date, end: date, capture: Any) -> bytes:
    """Ask for an open-data file of a period on the statistics page and download it."""
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(
            f"/en/monitoring/open-data/{fmt}.csv", {"start": str(start), "end": str(end)}
        )
    assert response.status_code == 302 and response["Location"].endswith("/monitoring/exports/")
    (job,) = ExportJob.objects.exclude(pk__in=before)
    assert job.status == ExportJob.Status.READY
    download = client.get(f"/en/monitoring/exports/{job.pk}/")
    assert download.status_code == 200
    return download.content


def rows_of(content: bytes) -> list[tuple[str, ...]]:
    rows = [tuple(r) for r in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    assert rows[0] == opendata.COLUMNS
    return rows[1:]


def classes_below_k(rows: list[tuple[str, ...]], k: int) -> list[int]:
    """Sizes of the combinations of attributes fewer than k records share (should be none)."""
    return sorted(n for n in Counter(rows).values() if n < k)


def multiset_difference(
    a: list[tuple[str, ...]], b: list[tuple[str, ...]]
) -> Counter[tuple[str, ...]]:
    return (Counter(a) - Counter(b)) + (Counter(b) - Counter(a))


def test_a_quarter_is_released_once_and_served_identically(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_cases(300, LAST)
    start, end = opendata.quarter_bounds(LAST)
    first = ask(coordinator, "k_anonymous", start, end, django_capture_on_commit_callbacks)
    # A case opened in that quarter afterwards, and a period a day longer or shorter: the
    # same quarter, the same file, byte for byte.
    make_cases(1, LAST, seed=99)
    again = ask(coordinator, "k_anonymous", start, end, django_capture_on_commit_callbacks)
    shifted = ask(
        coordinator,
        "k_anonymous",
        start + timedelta(days=1),
        end,
        django_capture_on_commit_callbacks,
    )
    assert first == again == shifted
    assert OpenDataRelease.objects.filter(period=LAST, kind="k_anonymous").count() == 1
    rows = rows_of(first)
    assert rows and {r[0] for r in rows} == {LAST}
    assert classes_below_k(rows, 10) == []


def test_differencing_releases_over_time_reveals_no_class_below_k(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Adjacent quarters, the half-year that spans them, and a release asked for again after a
    case was added: every difference between two of them is whole classes of k or more."""
    make_cases(400, BEFORE, seed=2)
    make_cases(400, LAST, seed=3)
    capture = django_capture_on_commit_callbacks
    q1 = rows_of(ask(coordinator, "k_anonymous", *opendata.quarter_bounds(BEFORE), capture))
    both_start = opendata.quarter_bounds(BEFORE)[0]
    both = rows_of(
        ask(coordinator, "k_anonymous", both_start, opendata.quarter_bounds(LAST)[1], capture)
    )
    make_cases(1, LAST, seed=4)  # a case added between two requests
    q2 = rows_of(ask(coordinator, "k_anonymous", *opendata.quarter_bounds(LAST), capture))
    # The period that spans both quarters is their two releases, no other.
    assert Counter(both) == Counter(q1) + Counter(q2)
    for a, b in ((q1, q2), (q1, both), (q2, both)):
        difference = multiset_difference(a, b)
        assert all(n >= 10 for n in difference.values()), difference
    for release in (q1, q2, both):
        assert release and classes_below_k(release, 10) == []


def test_a_quarter_that_has_not_ended_is_refused_with_the_reason(coordinator: Any) -> None:
    make_cases(50, quarter_back(0))
    start = opendata.quarter_bounds(quarter_back(0))[0]
    response = coordinator.post(
        "/en/monitoring/open-data/k_anonymous.csv",
        {"start": str(start), "end": str(TODAY)},
        follow=True,
    )
    assert "whole calendar quarters once they have ended" in response.content.decode()
    assert not ExportJob.objects.exists() and not OpenDataRelease.objects.exists()


def test_share_kept_at_k_10_and_the_choice_is_the_finest_feasible(make_user: Any) -> None:
    user = make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    make_cases(3000, LAST, seed=5)
    release = exports.release(LAST, "k_anonymous", user)
    records = exports.source_records(LAST)
    rows = [tuple(r) for r in csv.reader(io.StringIO(release.content))][1:]
    assert len(records) == release.source_records == 3000
    share = len(rows) / len(records)
    assert share >= 0.9  # at most max_suppressed (10%) left out
    assert classes_below_k(rows, 10) == []
    # Released records are the source's, generalised by the recorded levels.
    node = tuple(release.parameters["levels"][h.name] for h in opendata.HIERARCHIES)
    assert Counter(r[1:] for r in rows) <= Counter(opendata.generalised(r, node) for r in records)
    # No other node of the lattice keeps 90% in a finer partition (more released classes).
    chosen_classes = len(set(rows))
    for other, classes in opendata.lattice(Counter(records)):
        big = [n for n in classes.values() if n >= 10]
        if sum(big) >= 0.9 * len(records):
            assert len(big) <= chosen_classes, other


def test_generalisation_hierarchies_nest() -> None:
    """A value's level l + 1 is the level l + 1 of its level l (the lattice rolls up on it)."""
    values = {
        "region": [*opendata.MACRO_REGIONS, "unknown"],
        "sex": ["female", "male", "unknown"],
        "age_group": [v for v, _ in AGES],
        "citizenship": [v for v, _ in CITIZENSHIP] + ["RU", "TM"],
        "exploitation_forms": ["forced_labour", "unknown"],
        "status": [v for v, _ in STATUSES],
    }
    for h in opendata.HIERARCHIES:
        for value in values[h.name]:
            for level in range(h.levels - 1):
                lower = h.generalise(level, value)
                assert h.generalise(level + 1, lower) == h.generalise(level + 1, value)


def test_synthetic_release_spends_epsilon_within_the_budget(
    coordinator: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OPEN_DATA_EPSILON = 1.0
    settings.OPEN_DATA_EPSILON_BUDGET = 1.5
    make_cases(1200, LAST, seed=6)
    start, end = opendata.quarter_bounds(LAST)
    capture = django_capture_on_commit_callbacks
    first = ask(coordinator, "synthetic", start, end, capture)
    assert rows_of(first)
    assert exports.epsilon_spent(LAST) == pytest.approx(1.0)
    # Asked for again: the stored release, no new ε.
    assert ask(coordinator, "synthetic", start, end, capture) == first
    assert exports.epsilon_spent(LAST) == pytest.approx(1.0)
    # A new synthetic release of the quarter would take it to 2.0 > 1.5: refused, with why.
    with pytest.raises(ValidationError) as refused:
        exports.release(LAST, "synthetic", coordinator.user, again=True)
    assert "privacy budget of " + LAST + " is spent" in " ".join(refused.value.messages)
    assert OpenDataRelease.objects.filter(period=LAST, kind="synthetic").count() == 1
    # Below the budget of a single release, the page refuses before anything is built.
    settings.OPEN_DATA_EPSILON_BUDGET = 0.5
    before = opendata.quarter_bounds(BEFORE)
    make_cases(10, BEFORE)
    response = coordinator.post(
        "/en/monitoring/open-data/synthetic.csv",
        {"start": str(before[0]), "end": str(before[1])},
        follow=True,
    )
    assert "privacy budget of " + BEFORE + " is spent" in response.content.decode()
    assert not OpenDataRelease.objects.filter(period=BEFORE).exists()


def test_synthetic_records_invent_no_category_and_carry_their_fidelity(
    coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_cases(1500, LAST, seed=7, regions=["KZ-75", "KZ-71", "KZ-19"], without_unknowns=True)
    start, end = opendata.quarter_bounds(LAST)
    capture = django_capture_on_commit_callbacks
    rows = rows_of(ask(coordinator, "synthetic", start, end, capture))
    source = exports.source_records(LAST)
    assert rows and {r[0] for r in rows} == {LAST}
    for i, name in enumerate(opendata.ATTRIBUTES):
        released = {r[i + 1] for r in rows}
        assert released <= {r[i] for r in source}, name
        assert "" not in released and "unknown" not in released, name
    assert {r[1] for r in rows} <= {"KZ-75", "KZ-71", "KZ-19"}  # real regions only
    fidelity = list(
        csv.reader(
            io.StringIO(
                ask(coordinator, "synthetic_fidelity", start, end, capture).decode("utf-8-sig")
            )
        )
    )
    assert fidelity[0] == ["quarter", "columns", "total_variation_distance"]
    measured = {r[1]: float(r[2]) for r in fidelity[1:]}
    assert len(measured) == 6 + 15  # every attribute and every pair
    assert all(0 <= v <= 1 for v in measured.values())
    assert measured["sex"] < 0.2  # a real fit, not noise
    assert exports.epsilon_spent(LAST) == pytest.approx(1.0)  # the fidelity file spends none


def test_fill_empty_uses_only_synthetic_values() -> None:
    rows = [["a", "x"], ["a", ""], ["b", "y"], ["zzz", "y"], ["b", "x"]]
    filled = opendata.fill_empty(rows, [{"a", "b"}, {"x", "y"}], seed="2026Q1")
    assert len(filled) == 5
    assert all(r[0] in {"a", "b"} and r[1] in {"x", "y"} for r in filled)
    assert filled[1] == ("a", "x")  # the only record with an x or y that agrees on "a"
    assert filled[3][1] == "y"  # known values stay
    # No complete record at all: each gap from the column's synthetic values.
    sparse = opendata.fill_empty([["a", ""], ["", "x"]], [{"a"}, {"x"}], seed="q")
    assert sparse == [("a", "x"), ("a", "x")]
    assert opendata.fill_empty([["a", ""]], [{"a"}, {"x"}], seed="q") == []
    assert filled == opendata.fill_empty(
        [["a", "x"], ["a", ""], ["b", "y"], ["zzz", "y"], ["b", "x"]],
        [{"a", "b"}, {"x", "y"}],
        seed="2026Q1",
    )


def test_release_quarters_of_a_period() -> None:
    today = date(2026, 11, 29)
    assert exports.release_quarters(Period(date(2026, 1, 1), today), today) == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    assert exports.release_quarters(Period(date(2025, 12, 31), date(2026, 1, 1)), today) == [
        "2025Q4",
        "2026Q1",
    ]
    assert opendata.quarter_bounds("2024Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert opendata.quarter_bounds("2024Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    with pytest.raises(ValidationError):
        exports.release_quarters(Period(date(2026, 10, 1), today), today)


def test_the_command_replaces_a_release_within_the_budget_only(
    make_user: Any, settings: Any
) -> None:
    from django.core.management import CommandError, call_command

    settings.OPEN_DATA_EPSILON = 1.0
    settings.OPEN_DATA_EPSILON_BUDGET = 2.0
    make_user(username="coord", role=Role.COORDINATOR, organisation="ORG01")
    make_cases(1100, LAST, seed=8)
    out = io.StringIO()
    call_command("release_open_data", LAST, kind="synthetic", by="coord", stdout=out)
    assert f"ε spent on {LAST}: 1 of 2" in out.getvalue()
    call_command("release_open_data", LAST, kind="synthetic", by="coord", again=True, stdout=out)
    assert f"ε spent on {LAST}: 2 of 2" in out.getvalue()
    with translation.override("ru"), pytest.raises(CommandError) as refused:
        call_command("release_open_data", LAST, kind="synthetic", by="coord", again=True)
    assert str(refused.value) == (
        f"Бюджет приватности за {LAST} исчерпан: его синтетические выпуски израсходовали "
        "ε = 2,00 из общего 2,00, а ещё один израсходовал бы ещё 1,00."
    )
    assert OpenDataRelease.objects.filter(period=LAST, current=True).count() == 1
    assert OpenDataRelease.objects.filter(period=LAST).count() == 2
    with pytest.raises(CommandError, match="not ended"):
        call_command("release_open_data", quarter_back(0), by="coord")
    listing = io.StringIO()
    call_command("release_open_data", stdout=listing)
    assert "(replaced)" in listing.getvalue()
