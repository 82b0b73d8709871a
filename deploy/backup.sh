#!/usr/bin/env bash
# Back up Policy Portal: the database and the generated files.
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/var/lib/policyportal/media deploy/backup.sh /var/backups/policyportal
#
# Writes DEST/policyportal-<UTC time>/ holding database.dump (pg_dump's custom
# format: compressed, restorable table by table), media.tar.gz (MEDIA_ROOT:
# cached PDFs and new starters' packs, not prepared exports) and SHA256SUMS;
# prints that folder.
# pg_dump reads one consistent snapshot, so the portal stays up meanwhile.
set -euo pipefail

dest="${1:?usage: deploy/backup.sh DEST_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the portal database}"
media="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"

out="$dest/policyportal-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out.partial"
pg_dump --format=custom --no-owner --no-privileges --file="$out.partial/database.dump" "$DATABASE_URL"
# Prepared exports (MEDIA_ROOT/exports) are left out: they list staff by name
# and are deleted after 7 days, and a backup kept for months would keep them
# too. Their jobs restore with no file: the download says it is no longer kept.
if [ -d "$media" ]; then
  tar -C "$media" --exclude=./exports -czf "$out.partial/media.tar.gz" .
else
  tar -czf "$out.partial/media.tar.gz" --files-from /dev/null
fi
(cd "$out.partial" && sha256sum database.dump media.tar.gz > SHA256SUMS)
# Only a complete backup gets its final name: a half-written one never looks usable.
mv "$out.partial" "$out"
echo "$out"
