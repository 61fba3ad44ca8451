"""The ``qorgan`` console script: Django's management commands under one name.

``qorgan catalog``, ``qorgan load_reference_data``, ``qorgan runserver`` … The settings
profile defaults to the embedded one (``qorgan.settings.dev``); set DJANGO_SETTINGS_MODULE
to ``qorgan.settings.prod`` in production.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgan.settings.dev")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["qorgan", *args])


if __name__ == "__main__":
    main()
