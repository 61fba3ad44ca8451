"""``qorgan release_open_data 2026Q3 --kind synthetic --by USERNAME [--again]``: build (or show)
a quarter's open-data release; ``--again`` replaces it after a correction of the data, which
for a synthetic release spends ε again and is refused past ``OPEN_DATA_EPSILON_BUDGET``.
Without arguments: every stored release with the ε spent per quarter."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qorgan.accounts.models import User
from qorgan.monitoring import exports, opendata
from qorgan.monitoring.models import OpenDataRelease


class Command(BaseCommand):
    help = "Build, replace or list the open-data releases of calendar quarters."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("quarter", nargs="?", help="a calendar quarter that has ended: 2026Q3")
        parser.add_argument(
            "--kind", choices=[k.value for k in OpenDataRelease.Kind], default="k_anonymous"
        )
        parser.add_argument("--by", help="username of the coordinator who releases it")
        parser.add_argument("--again", action="store_true", help="replace the stored release")

    def handle(self, *args: Any, **options: Any) -> None:
        quarter = options["quarter"]
        if not quarter:
            for release in OpenDataRelease.objects.order_by("period", "kind", "released_at"):
                self.stdout.write(
                    f"{release.period} {release.kind:<12} {release.released_records:>8} of "
                    f"{release.source_records:>8} records, ε {release.epsilon:g}"
                    f"{'' if release.current else ' (replaced)'} {release.released_at:%Y-%m-%d}"
                )
            return
        if not re.fullmatch(r"\d{4}Q[1-4]", quarter):
            raise CommandError("the quarter is written like 2026Q3")
        if opendata.quarter_bounds(quarter)[1] >= timezone.localdate():
            raise CommandError(f"{quarter} has not ended yet")
        user = User.objects.filter(username=options["by"] or "").first()
        if user is None:
            raise CommandError("--by must name a coordinator")
        try:
            release = exports.release(quarter, options["kind"], user, again=options["again"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{release.period} {release.kind}: {release.released_records} of "
                f"{release.source_records} records; ε spent on {quarter}: "
                f"{exports.epsilon_spent(quarter):g} of {exports.epsilon_budget():g}"
            )
        )
