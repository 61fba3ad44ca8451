"""``qorgan person_request export|erase --case REFERENCE --reason "…"``: a person's lawful request.

``export`` prints everything held about the person as JSON, each code with its label in
``--language`` (kk by default, ru, en) beside it; ``erase`` removes it (the case's
codes and dates and the audit trail stay, as the law on records requires). Both are audited.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qorgan.cases.models import Case
from qorgan.cases.retention import anonymise_case, export_person
from qorgan.core.audit import audit_context


class Command(BaseCommand):
    help = "Export or erase the data of the person of one case, on a lawful request."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--case", required=True, help="the case reference, e.g. Q2026-ABCDEF")
        parser.add_argument("--reason", required=True, help="the request and its legal ground")
        parser.add_argument(
            "--language",
            choices=["kk", "ru", "en"],
            default="kk",
            help="the language of the export's labels and note (default kk)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        case = (
            Case.objects.filter(reference=options["case"])
            .select_related("person", "organisation")
            .first()
        )
        if case is None:
            raise CommandError(f"no case with reference {options['case']!r}")
        if not options["reason"].strip():
            raise CommandError("--reason: say which request this answers")
        with audit_context(route=f"command person_request {options['action']}"):
            if options["action"] == "export":
                language = options["language"]
                with translation.override(language):
                    data = export_person(case, actor=None, language=language)
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                anonymise_case(case, actor=None, reason=f"erasure request: {options['reason']}")
                self.stdout.write(
                    self.style.SUCCESS(f"The person's data of case {case.reference} was erased.")
                )
