"""Imports stand at the top of their modules (docs/architecture.md, ruff PLC0415): every module
can be the first one a process imports (no import cycle hides behind the order in which Django
happens to load them), and every import left inside a function says why."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "qorgan"
REASON = re.compile(r"# noqa: PLC0415 - (cycle|heavy): \S.{9,}$")

# Django is set up, then each module is imported first in a forked child of that process.
FIRST_IMPORT = """
import importlib, os, pkgutil, sys, traceback
os.environ["DJANGO_SETTINGS_MODULE"] = "qorgan.settings.test"
import django
django.setup()
import qorgan
names = [
    m.name for m in pkgutil.walk_packages(qorgan.__path__, "qorgan.")
    if ".tests" not in m.name and ".migrations" not in m.name
    and not m.name.startswith("qorgan.settings")
]
failed = []
for name in names:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1]:
        failed.append(name)
print(len(names), "modules; cannot be imported first:", failed)
sys.exit(1 if failed else 0)
"""


def _kept_imports() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(SRC)}:{number}", line.strip())
        for path in sorted(SRC.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "noqa: PLC0415" in line
    ]


def test_every_module_can_be_imported_first() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORT],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=SRC.parents[1],
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert int(done.stdout.split()[0]) > 150  # the walk found the modules


def test_each_import_inside_a_function_says_why() -> None:
    kept = _kept_imports()
    assert kept  # a few stay: cycles (cases.approvals, celery) and heavy dependencies
    assert [(where, line) for where, line in kept if not REASON.search(line)] == []
