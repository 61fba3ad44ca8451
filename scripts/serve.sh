#!/usr/bin/env bash
# Run Qorgan on its embedded default: SQLite under var/, no other service.
# Installs into .venv, migrates, loads the reference data, creates the first administrator
# (printing a one-time password) and serves http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-qorgan.settings.dev}"
q=.venv/bin/qorgan
"$q" compiletranslations
"$q" migrate --noinput
"$q" load_reference_data
"$q" ensure_first_admin
echo "Qorgan is starting on http://127.0.0.1:8000 (Kazakh: /kk/, Russian: /ru/, English: /en/)."
exec "$q" runserver "${QORGAN_ADDRESS:-127.0.0.1:8000}"
