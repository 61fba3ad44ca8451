"""``qorgan generate_synthetic_cases --count N``: made-up cases for benchmarks and demonstrations.

No real person is in them: persons have no name or identifier (empty encrypted fields),
attributes are drawn at random with plausible shares. On PostgreSQL the rows are made by the
database itself (generate_series), so a million cases take a minute; elsewhere by the ORM.
"""

from __future__ import annotations

import json
import random
import uuid
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from qorgan.accounts.models import User
from qorgan.accounts.roles import Role
from qorgan.cases.models import Case, Person
from qorgan.directory.models import Organisation, Region
from qorgan.monitoring import rollup

SEXES = (("female", 0.62), ("male", 0.36), ("unknown", 0.02))
AGES = (
    ("0-13", 0.05),
    ("14-17", 0.15),
    ("18-24", 0.25),
    ("25-34", 0.3),
    ("35-49", 0.18),
    ("50+", 0.05),
    ("unknown", 0.02),
)
CITIZENSHIP = (
    ("KZ", 0.7),
    ("UZ", 0.12),
    ("KG", 0.07),
    ("TJ", 0.06),
    ("stateless", 0.02),
    ("unknown", 0.03),
)
FORMS = (
    ('["forced_labour"]', 0.5),
    ('["sexual_exploitation"]', 0.3),
    ('["forced_begging"]', 0.05),
    ('["forced_labour", "sexual_exploitation"]', 0.05),
    ("[]", 0.1),
)
STATUSES = (
    ("detected", 0.2),
    ("referred", 0.2),
    ("identified", 0.15),
    ("assisted", 0.15),
    ("not_identified", 0.05),
    ("refused_help", 0.05),
    ("information_card_issued", 0.05),
    ("returned", 0.05),
    ("reintegrated", 0.05),
    ("closed", 0.05),
)


def pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _sql_choice(table: tuple[tuple[str, float], ...], column: str) -> str:
    """A CASE expression choosing a value with the table's shares from the random number ``column``."""
    parts, cumulative = [], 0.0
    for value, weight in table:
        cumulative += weight
        parts.append(f"WHEN {column} < {cumulative:.4f} THEN '{value}'")
    return "CASE " + " ".join(parts) + f" ELSE '{table[-1][0]}' END"


class Command(BaseCommand):
    help = "Add made-up cases (no real person) for benchmarks and demonstrations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--days", type=int, default=730, help="spread over this many past days")

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed, days = options["count"], options["seed"], options["days"]
        if not 1 <= count <= 10_000_000:
            raise CommandError("--count must be between 1 and 10,000,000")
        organisations = list(Organisation.objects.select_related("kind").order_by("code"))
        regions = list(Region.objects.values_list("pk", flat=True))
        if not organisations or not regions:
            raise CommandError("load the reference data first: qorgan load_reference_data")
        user, _ = User.objects.get_or_create(
            username="synthetic-data",
            defaults={
                "role": Role.CASE_MANAGER,
                "organisation": organisations[0],
                "is_active": False,
            },
        )
        if connection.vendor == "postgresql":
            self._postgres(count, seed, days, organisations, user)
        else:
            self._orm(count, seed, days, organisations, regions, user)
        self.stdout.write(self.style.SUCCESS(f"Added {count} synthetic cases."))

    def _orm(
        self,
        count: int,
        seed: int,
        days: int,
        organisations: list[Organisation],
        regions: list[int],
        user: User,
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        now = timezone.now()
        batch = 2000
        for start in range(0, count, batch):
            size = min(batch, count - start)
            with transaction.atomic():
                persons = [
                    Person(
                        id=uuid.uuid4(),
                        sex=pick(rng, SEXES),
                        citizenship=pick(rng, CITIZENSHIP),
                        age_group=pick(rng, AGES),
                    )
                    for _ in range(size)
                ]
                Person.objects.bulk_create(persons)
                cases = []
                for person in persons:
                    organisation = rng.choice(organisations)
                    cases.append(
                        Case(
                            id=uuid.uuid4(),
                            reference=f"S{uuid.uuid4().hex[:12].upper()}",
                            organisation=organisation,
                            person=person,
                            status=pick(rng, STATUSES),
                            created_by=user,
                            region_id=rng.choice(regions),
                            exploitation_forms=json.loads(pick(rng, FORMS)),
                            stat_sex=person.sex,
                            stat_age_group=person.age_group,
                            stat_citizenship=person.citizenship,
                            detection_source=organisation.kind.code,
                        )
                    )
                Case.objects.bulk_create(cases)
                stamps = {c.pk: now - timedelta(days=rng.random() * days) for c in cases}
                for pk, stamp in stamps.items():
                    Case.objects.filter(pk=pk).update(created_at=stamp)
                rollup.refresh(stamps)

    def _postgres(
        self, count: int, seed: int, days: int, organisations: list[Organisation], user: User
    ) -> None:
        org_ids = ",".join(str(o.pk) for o in organisations)
        kinds = ",".join(f"'{o.kind.code}'" for o in organisations)
        region_ids = ",".join(
            str(pk) for pk in Region.objects.order_by("pk").values_list("pk", flat=True)
        )
        regions = region_ids.count(",") + 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
            # Every value drawn once, in one pass; persons and cases are then plain copies
            # (no join, no subquery per row).
            cursor.execute(
                f"""CREATE TEMP TABLE synthetic_rows ON COMMIT DROP AS
                    SELECT gen_random_uuid() AS person_id, gen_random_uuid() AS case_id,
                      {_sql_choice(SEXES, "r1")} AS sex,
                      {_sql_choice(CITIZENSHIP, "r2")} AS citizenship,
                      {_sql_choice(AGES, "r3")} AS age_group,
                      {_sql_choice(STATUSES, "r4")} AS status,
                      ({_sql_choice(FORMS, "r5")})::jsonb AS forms,
                      now() - (r6 * interval '{days} days') AS created_at,
                      (ARRAY[{region_ids}])[1 + floor(r7 * {regions})::int] AS region_id,
                      1 + floor(r8 * {len(organisations)})::int AS organisation
                    FROM (SELECT random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                            random() AS r5, random() AS r6, random() AS r7, random() AS r8
                          FROM generate_series(1, %s)) AS draws""",  # noqa: S608 (constants only)
                [count],
            )
            cursor.execute(
                """INSERT INTO cases_person (id, surname, given_name, patronymic, date_of_birth, iin, passport_number, phone, address,
                      sex, citizenship, age_group, minor_presumed, legal_representative, iin_index, passport_index, name_dob_index)
                    SELECT person_id, '', '', '', '', '', '', '', '', sex, citizenship, age_group, false, '', '', '', ''
                    FROM synthetic_rows"""
            )
            cursor.execute(
                f"""INSERT INTO cases_case (id, reference, organisation_id, person_id, status, version, created_at, created_by_id, updated_at,
                      region_id, exploitation_forms, perpetrator_roles, identification_body, erdr_number, closure_reason,
                      guardianship_body, stat_sex, stat_age_group, stat_citizenship, detection_source)
                    SELECT case_id, 'S' || upper(substr(replace(case_id::text, '-', ''), 1, 12)),
                      (ARRAY[{org_ids}])[organisation], person_id, status, 1, created_at, %s, now(),
                      region_id, forms, '[]'::jsonb, '', '', '', '', sex, age_group, citizenship,
                      (ARRAY[{kinds}])[organisation]
                    FROM synthetic_rows""",  # noqa: S608 (constants only)
                [user.pk],
            )
        # The statistics rollup, rebuilt by the database in a few statements.
        rollup.rebuild()
