"""``qorgan catalog [--lang kk|ru|en]``: print the knowledge catalogue as JSON (SPEC §4)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgan.knowledge.catalogue import LANGUAGES, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Print the knowledge catalogue as JSON: {version, entries: [{code, kind, group, text, source}]}."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--lang", default="kk", help="language of the texts: kk (default), ru or en"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["lang"]
        if language not in LANGUAGES:
            raise CommandError(
                f"--lang: unknown language {language!r}; use one of {', '.join(LANGUAGES)}"
            )
        try:
            catalogue = load_catalogue()
        except CatalogueError as exc:
            raise CommandError(f"catalogue is not valid: {exc}") from None
        self.stdout.write(
            json.dumps(catalogue.as_public_json(language), ensure_ascii=False, indent=2)
        )
