#!/usr/bin/env bash
# Create .venv and install Qorgan with its pinned dependencies. Safe to run again: it
# reinstalls only when requirements*.txt or pyproject.toml changed.
#   scripts/bootstrap.sh          runtime dependencies
#   scripts/bootstrap.sh dev      runtime, test, lint and type-check tools
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-runtime}"
requirements=requirements.txt
[ "$mode" = dev ] && requirements=requirements-dev.txt

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  echo "Qorgan needs Python 3.11 (python3.11 on the PATH)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

stamp=".venv/.installed-$mode-$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  .venv/bin/python -m pip install --quiet --no-deps -e .
  rm -f .venv/.installed-"$mode"-*
  touch "$stamp"
fi
