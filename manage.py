#!/usr/bin/env python
"""Django's manage.py, for habit; ``qorgan`` is the same thing installed on the PATH."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from qorgan.cli import main

if __name__ == "__main__":
    main()
