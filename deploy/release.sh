#!/usr/bin/env bash
# The release step: migrate as the owner role, re-apply the app role's grants,
# and (with --collectstatic) collect static files. systemd's
# policyportal-migrate.service, the Procfile's `release` and `make migrate` run it.
#
#   MIGRATION_DATABASE_URL=postgres://policyportal_owner:...@host/policyportal \
#   DATABASE_URL=postgres://policyportal_app:...@host/policyportal deploy/release.sh [--collectstatic]
#
# On PostgreSQL, DATABASE_URL is the app's role, which may not alter tables, so
# MIGRATION_DATABASE_URL (the owner) is required; SQLite needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python; fi
fi

case "${DATABASE_URL:-}" in
  postgres*|pgsql*)
    : "${MIGRATION_DATABASE_URL:?set MIGRATION_DATABASE_URL to the owner role (docs/database-roles.md)}"
    # Only this one command sees the owner's URL as its DATABASE_URL.
    DATABASE_URL="$MIGRATION_DATABASE_URL" "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py grant_app_role
    ;;
  *)
    "$PYTHON" manage.py migrate --noinput
    ;;
esac
if [ "${1:-}" = "--collectstatic" ]; then
  "$PYTHON" manage.py collectstatic --noinput -v0
fi
