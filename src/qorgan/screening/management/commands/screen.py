"""``manage.py screen``: the same as ``qorgan screen`` (see ``qorgan.screening.cli``)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from qorgan.screening.cli import run


class Command(BaseCommand):
    help = "Evaluate one screening: request JSON on standard input, result JSON on standard output."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--lang", default="kk")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run(["--lang", options["lang"]])
        if code:
            sys.exit(code)
