#!/usr/bin/env bash
# Proves a backup can be restored: builds a portal database with the demo
# trust and some generated PDFs, backs it up with deploy/backup.sh, restores
# it with deploy/restore.sh into a second database and media folder, and
# compares fingerprints (every table's rows, the sign-off evidence, every file).
# The restore runs as production has it: into a database set up by
# deploy/create-database-roles.sh, as the owner role, with the app role's
# grants applied again; then, connected as the app role, it checks the
# restored database still refuses to delete or truncate a sign-off.
#
#   deploy/test-backup-restore.sh      (PostgreSQL at PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
suffix="$$"
source_db="pp_backup_source_$suffix"
target_db="pp_backup_target_$suffix"
work="$(mktemp -d)"

cleanup() {
  psql -q "$admin/postgres" -c "DROP DATABASE IF EXISTS $source_db" -c "DROP DATABASE IF EXISTS $target_db" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q "$admin/postgres" -c "CREATE DATABASE $source_db" -c "CREATE DATABASE $target_db"

echo "1. A portal with the demo trust and generated PDFs"
export DATABASE_URL="$admin/$source_db" MEDIA_ROOT="$work/media-source"
"$python" manage.py migrate --noinput -v0
"$python" manage.py load_demo >/dev/null
"$python" manage.py shell -v0 -c "
from documents.rendering import policy_pdf
from policies.models import PolicyVersion
for version in PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)[:2]:
    policy_pdf(version)"
"$python" deploy/fingerprint.py > "$work/before.json"

echo "2. Back up (a prepared export, which lists staff, is left out)"
mkdir -p "$work/media-source/exports"
echo "name,email" > "$work/media-source/exports/outstanding-sign-offs.csv"
backup="$(deploy/backup.sh "$work/backups")"
if tar -tzf "$backup/media.tar.gz" | grep -q exports; then
  echo "FAIL: the backup holds a prepared export"; exit 1
fi
ls -l "$backup"

echo "3. Restore into another database (owner and app roles) and media folder"
PG_ADMIN_URL="$admin" OWNER_ROLE=pp_backup_owner APP_ROLE=pp_backup_app OWNER_PASSWORD=pp-backup-test \
  APP_PASSWORD=pp-backup-test deploy/create-database-roles.sh "$target_db" >/dev/null
server="${admin#*://}"; server="${server#*@}"
export MIGRATION_DATABASE_URL="${admin%%://*}://pp_backup_owner:pp-backup-test@$server/$target_db"
export DATABASE_URL="${admin%%://*}://pp_backup_app:pp-backup-test@$server/$target_db" MEDIA_ROOT="$work/media-target"
deploy/restore.sh "$backup" --yes
unset MIGRATION_DATABASE_URL
"$python" deploy/fingerprint.py > "$work/after.json"

echo "4. Compare"
if ! diff -u "$work/before.json" "$work/after.json"; then
  echo "FAIL: the restore differs from what was backed up"; exit 1
fi
rows=$("$python" -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(d['rows'].values()))" "$work/after.json")
files=$("$python" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['files']))" "$work/after.json")
echo "   $rows rows and $files files restored identically"

echo "5. The restored database still guards the sign-off evidence from the app role"
for statement in "DELETE FROM acknowledgements_signoff" "TRUNCATE acknowledgements_signoff CASCADE"; do
  if psql -q "$DATABASE_URL" -c "$statement" >/dev/null 2>&1; then
    echo "FAIL: the restored database let the app role run: $statement"; exit 1
  fi
done
if ! psql -qAt "$DATABASE_URL" -c "SELECT count(*) FROM people_person" >/dev/null; then
  echo "FAIL: the app role cannot read the restored database"; exit 1
fi
echo "PASS: backup restored and verified"
