#!/usr/bin/env bash
# Run every check: lint (ruff), types (mypy on the domain modules), then the whole test
# suite on SQLite, and again on PostgreSQL when DATABASE_URL points at one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh dev
bash scripts/install-system-packages.sh
# axe-core (accessibility checks injected by the browser tests) and the Nu HTML checker (vnu-jar,
# run with Java by tests/test_html_valid.py), from the npm registry.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
export DJANGO_SETTINGS_MODULE=qorgan.settings.test
bin=.venv/bin
"$bin/qorgan" compiletranslations

# Redis for the worker and cache tests: the one at QORGAN_TEST_REDIS, or one of this run's own.
python_bin="$bin/python"
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh
trap qorgan_stop_services EXIT
trap 'exit 130' INT TERM
qorgan_ensure_redis

echo "== ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .

echo "== mypy (domain modules)"
"$bin/mypy" $(cat mypy-files.txt)
echo "== import-linter (the dependency direction between apps, docs/architecture.md)"
"$bin/lint-imports"

workers="${QORGAN_TEST_WORKERS:-2}"
postgres_url="${DATABASE_URL:-}"

echo "== pytest on SQLite"
env -u DATABASE_URL "$bin/pytest" -n "$workers" "$@"

if [ -n "$postgres_url" ]; then
  echo "== pytest on PostgreSQL ($postgres_url)"
  DATABASE_URL="$postgres_url" "$bin/pytest" -n "$workers" "$@"
fi
