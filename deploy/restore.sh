#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh, replacing what is there.
#
#   DATABASE_URL=postgres://policyportal_app... MIGRATION_DATABASE_URL=postgres://policyportal_owner... \
#   MEDIA_ROOT=/var/lib/policyportal/media deploy/restore.sh BACKUP_DIR --yes
#
# Stop web, worker and beat first. The database is restored in one transaction
# (all or nothing); the files are unpacked beside MEDIA_ROOT and swapped in.
# With MIGRATION_DATABASE_URL set the tables are restored as the owner role
# (the dump carries no owners or grants) and the app role's grants are applied
# again (manage.py grant_app_role), as after a migrate.
set -euo pipefail

backup="${1:?usage: deploy/restore.sh BACKUP_DIR --yes}"
[ "${2:-}" = "--yes" ] || { echo "restore.sh: this replaces the database and files; add --yes" >&2; exit 2; }
: "${DATABASE_URL:?set DATABASE_URL to the portal database}"
media="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore.sh: checksums do not match" >&2; exit 1; }

pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="${MIGRATION_DATABASE_URL:-$DATABASE_URL}" "$backup/database.dump"
if [ -n "${MIGRATION_DATABASE_URL:-}" ]; then
  root="$(cd "$(dirname "$0")/.." && pwd)"
  (cd "$root" && "${PYTHON:-.venv/bin/python}" manage.py grant_app_role)
fi

incoming="$media.restoring"
rm -rf "$incoming" && mkdir -p "$incoming"
tar -C "$incoming" -xzf "$backup/media.tar.gz"
rm -rf "$media.previous"
[ -d "$media" ] && mv "$media" "$media.previous"
mv "$incoming" "$media"
rm -rf "$media.previous"
echo "restored $backup"
