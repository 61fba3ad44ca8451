"""The ``qorgan`` console script: Django's management commands under one name.

``qorgan catalog``, ``qorgan load_reference_data``, ``qorgan runserver`` … The settings
profile defaults to the embedded one (``qorgan.settings.dev``); set DJANGO_SETTINGS_MODULE
to ``qorgan.settings.prod`` in production.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["screen"]:
        # The engine is pure: no settings, no database, fast start.
        from qorgan.screening.cli import run  # noqa: PLC0415 - heavy: the engine and catalogue (~1 s) load only for `qorgan screen`

        sys.exit(run(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - heavy: `qorgan screen` starts without Django

    execute_from_command_line(["qorgan", *args])


if __name__ == "__main__":
    main()
