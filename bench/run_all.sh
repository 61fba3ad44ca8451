#!/usr/bin/env bash
# Every benchmark, one command: figures go to docs/benchmarks.md.
# Needs PostgreSQL at 127.0.0.1:5432 (a database qorgan_bench is created) and
# .venv/bin/pip install -r bench/requirements.txt for the load test.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
$py bench/engine.py
$py bench/portal_weight.py
$py bench/dashboard.py
$py bench/load.py "$@"
