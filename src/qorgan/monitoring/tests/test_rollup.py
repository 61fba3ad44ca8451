"""The statistics rollup equals a direct count of the cases after random inserts, edits,
status moves, retention, erasure and deletion (issue 14 §4). Runs on SQLite and, with
DATABASE_URL=postgres://…, on PostgreSQL (where ``rebuild`` is SQL of its own)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from qorgan.accounts.roles import Role
from qorgan.cases import services as cases
from qorgan.cases.models import Case, CaseStatus
from qorgan.cases.retention import anonymise_case, apply_retention
from qorgan.directory.models import Region
from qorgan.monitoring import rollup
from qorgan.monitoring.models import RollupMember, StatCell

pytestmark = pytest.mark.django_db

SEXES = ("female", "male", "unknown")
CITIZENSHIPS = ("KZ", "UZ", "KG", "TJ", "RU", "unknown")
FORMS = ("forced_labour", "sexual_exploitation", "forced_begging", "forced_criminal_activity")


def direct_count() -> Counter[tuple[Any, ...]]:
    """Every cell counted from the cases themselves, without the rollup."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for case in Case.objects.select_related("region").prefetch_related("status_changes"):
        local = timezone.localtime(case.created_at)
        month = local.date().replace(day=1)
        region = case.region.code if case.region else ""
        went = {s.to_status for s in case.status_changes.all()}
        cells = [
            ("total", ""),
            ("sex", case.stat_sex),
            ("age_group", case.stat_age_group),
            ("citizenship", case.stat_citizenship),
            ("detection_source", case.detection_source or "unknown"),
            ("status", case.status),
        ]
        cells += [("exploitation_form", f) for f in set(case.exploitation_forms)]
        cells += [("identification", s) for s in ("identified", "not_identified") if s in went]
        for dimension, category in cells:
            counts[(month, region, dimension, category)] += 1
    return counts


def rolled_up() -> Counter[tuple[Any, ...]]:
    return Counter(
        {(c.month, c.region, c.dimension, c.category): c.n for c in StatCell.objects.all() if c.n}
    )


def keysums_agree() -> bool:
    """Every cell's key is the sum of its members' record keys (mod the modulus)."""
    expected: Counter[tuple[Any, ...]] = Counter()
    for member in RollupMember.objects.all():
        for dimension, category in rollup.cells(member):
            expected[(member.month, member.region, dimension, category)] += member.record_key
    return all(
        (c.keysum - expected[(c.month, c.region, c.dimension, c.category)]) % rollup.KEY_MODULUS
        == 0
        for c in StatCell.objects.all()
    )


def test_rollup_equals_a_direct_count_through_every_kind_of_change(make_user: Any) -> None:
    rng = random.Random(14)  # noqa: S311 (test data)
    worker = make_user(username="w", role=Role.CASE_MANAGER, organisation="ORG01")
    regions = list(Region.objects.order_by("position")[:6])
    made: list[Case] = []
    # Random inserts, some opened in earlier months (a bulk update: refresh told).
    for _ in range(40):
        made.append(
            cases.open_case(
                organisation=worker.organisation,
                by=worker,
                facts=cases.PersonFacts(
                    sex=rng.choice(SEXES),
                    citizenship=rng.choice(CITIZENSHIPS),
                    age=rng.choice([None, 9, 15, 22, 30, 41, 60]),
                ),
                region=rng.choice([*regions, None]),
                exploitation_forms=rng.sample(FORMS, rng.randint(0, 2)),
            )
        )
    tz = timezone.get_current_timezone()
    for case in rng.sample(made, 15):
        day = timezone.localdate() - timedelta(days=rng.randint(20, 200))
        Case.objects.filter(pk=case.pk).update(created_at=datetime.combine(day, time(10), tz))
    rollup.refresh([c.pk for c in made])
    assert rolled_up() == direct_count()

    # Edits: region and forms, through the cases service.
    for case in rng.sample(made, 12):
        current = Case.objects.get(pk=case.pk)
        cases.update_case_details(
            user=worker,
            case=current,
            expected_version=current.version,
            data={
                "region": rng.choice(regions).code,
                "exploitation_forms": rng.sample(FORMS, rng.randint(1, 3)),
            },
        )
    assert rolled_up() == direct_count()

    # Status moves, identification outcomes among them (a supervisor's own decisions).
    supervisor = make_user(username="s", role=Role.SUPERVISOR, organisation="ORG01")
    for case in rng.sample(made, 20):
        current = Case.objects.get(pk=case.pk)
        target = rng.choice(["identified", "not_identified", "refused_help"])
        cases.change_status(
            user=supervisor,
            case=current,
            expected_version=current.version,
            target=target,
            identification_date=timezone.localdate(),
            identification_body="police",
            reason="test",
        )
    assert rolled_up() == direct_count()

    # Closing, retention (anonymising closed cases) and an erasure request.
    closable = list(
        Case.objects.filter(status__in=[CaseStatus.NOT_IDENTIFIED, CaseStatus.REFUSED_HELP])
    )
    for case in closable[:5]:
        cases.update_person(
            user=worker, case=case, expected_version=case.version, data={"surname": "Testova"}
        )
        case = Case.objects.get(pk=case.pk)
        cases.change_status(
            user=supervisor,
            case=case,
            expected_version=case.version,
            target="closed",
            closure_reason="done",
            reason="done",
        )
    Case.objects.filter(status=CaseStatus.CLOSED).update(
        closed_at=timezone.now() - timedelta(days=400)
    )
    assert apply_retention(days=365) >= 1
    anonymise_case(Case.objects.exclude(status=CaseStatus.CLOSED).first(), actor=None, reason="x")
    assert rolled_up() == direct_count()

    # Deletion (a case's rows removed): it leaves the rollup.
    gone = Case.objects.filter(status=CaseStatus.DETECTED).first() or made[0]
    gone.status_changes.all().delete()
    gone.delete()
    assert rolled_up() == direct_count()
    assert RollupMember.objects.count() == Case.objects.count()
    assert keysums_agree()

    # A rebuild gives the same cells and keeps each case's record key.
    keys = dict(RollupMember.objects.values_list("case_id", "record_key"))
    before = {
        (c.month, c.region, c.dimension, c.category): (c.n, c.keysum)
        for c in StatCell.objects.all()
        if c.n
    }
    assert rollup.rebuild() == Case.objects.count()
    assert rolled_up() == direct_count()
    assert dict(RollupMember.objects.values_list("case_id", "record_key")) == keys
    after = {
        (c.month, c.region, c.dimension, c.category): (c.n, c.keysum)
        for c in StatCell.objects.all()
        if c.n
    }
    assert after == before
