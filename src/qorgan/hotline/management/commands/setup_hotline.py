"""``qorgan setup_hotline CODE --organisation ORG07 [--catalogue hotline_11616]
[--supervisor USER] [--operator USER ...] [--remove-operator USER ...]``: create or change a
hotline and who answers it (docs/hotline.md). Audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qorgan.accounts.models import User
from qorgan.accounts.permissions import PERSON_WORK_ROLES
from qorgan.core import audit
from qorgan.core.audit_actions import AuditAction
from qorgan.directory.models import Organisation
from qorgan.hotline.models import Hotline
from qorgan.knowledge.models import CatalogueEntry


class Command(BaseCommand):
    help = "Create or change a hotline: its organisation, catalogue entry, supervisor, operators."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--organisation", help="code of the organisation that runs it")
        parser.add_argument("--catalogue", default=None, help="national hotline's catalogue code")
        parser.add_argument("--supervisor", default=None)
        parser.add_argument("--operator", action="append", default=[])
        parser.add_argument("--remove-operator", action="append", default=[])
        parser.add_argument("--inactive", action="store_true")

    def _user(self, username: str, organisation: Organisation) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if user.organisation_id != organisation.pk or user.role not in PERSON_WORK_ROLES:
            raise CommandError(
                f"{username!r} must be a frontline worker, case manager or supervisor of "
                f"{organisation.code}"
            )
        return user

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        hotline = Hotline.objects.filter(code=options["code"]).first()
        if hotline is None:
            if not options["organisation"]:
                raise CommandError("a new hotline needs --organisation")
            hotline = Hotline(code=options["code"])
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"no organisation {options['organisation']!r}")
            hotline.organisation = organisation
        if options["catalogue"] is not None:
            if (
                options["catalogue"]
                and not CatalogueEntry.objects.filter(
                    code=options["catalogue"], kind__code="hotline"
                ).exists()
            ):
                raise CommandError(f"no hotline {options['catalogue']!r} in the catalogue")
            hotline.catalogue_code = options["catalogue"]
        if options["supervisor"]:
            hotline.supervisor = self._user(options["supervisor"], hotline.organisation)
        hotline.active = not options["inactive"]
        hotline.save()
        added = [self._user(name, hotline.organisation) for name in options["operator"]]
        hotline.operators.add(*added)
        removed = User.objects.filter(username__in=options["remove_operator"])
        hotline.operators.remove(*removed)
        audit.record(
            actor=None,
            action=AuditAction.HOTLINE_SETUP,
            object_type="hotline.Hotline",
            object_id=hotline.pk,
            detail={
                "code": hotline.code,
                "organisation": hotline.organisation.code,
                "supervisor": hotline.supervisor.username if hotline.supervisor else "",
                "operators_added": [u.username for u in added],
                "operators_removed": [u.username for u in removed],
            },
        )
        self.stdout.write(
            f"{hotline.code}: {hotline.organisation.code}, "
            f"{hotline.operators.count()} operator(s), active={hotline.active}"
        )
