#!/usr/bin/env bash
# A full disk where generated PDFs are cached (MEDIA_ROOT/pdf).
#
# MEDIA_ROOT is a tiny filesystem of its own (a tmpfs of FAULTS_DISK_SIZE;
# if mounting a tmpfs is refused, an ext4 image on a loop device), filled
# until only a few KB are free. Through gunicorn: a policy PDF (public and
# signed in) and a new starter's pack (built by the worker, and in the request
# with the broker down). Shows: a clear 503 with a message, nothing
# half-written left in the cache, nothing served; after space is freed the
# same PDFs are generated whole (pypdf reads every page) and cached.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fault_init full_disk

REDIS_PORT=${FAULTS_REDIS_PORT:-6394}
WEB_PORT=${FAULTS_WEB_PORT:-8394}
DISK_SIZE=${FAULTS_DISK_SIZE:-1m}
LEAVE_FREE_KB=${FAULTS_LEAVE_FREE_KB:-16}
MEDIA="$WORK/media"

if mount -t tmpfs -o "size=$DISK_SIZE,mode=0755" tmpfs "$MEDIA" 2>"$WORK/logs/mount.log"; then
    MOUNTS+=("$MEDIA")
    say "MEDIA_ROOT $MEDIA: a tmpfs of $DISK_SIZE (mount -t tmpfs)"
else
    say "tmpfs refused ($(cat "$WORK/logs/mount.log")); trying an ext4 image on a loop device"
    truncate -s 2M "$WORK/disk.img"
    mkfs.ext4 -q -F -m 0 "$WORK/disk.img"
    mount -o loop "$WORK/disk.img" "$MEDIA"
    MOUNTS+=("$MEDIA")
    say "MEDIA_ROOT $MEDIA: a 2 MB ext4 image (mount -o loop)"
fi
start_redis "$REDIS_PORT"
use_redis "$REDIS_PORT"
shared_database policyportal_faults_disk
say "preparing the database: migrate, static files, demo trust"
prepare_app
start_gunicorn "$WEB_PORT"
start_worker w1 --concurrency 1
WORKER=$WORKER_PID

read -r SLUG LABEL < <(count_sql "select p.slug || ' ' || v.label from policies_policy p
    join policies_policyversion v on v.id = p.current_version_id where p.is_public order by p.slug limit 1")
PUBLIC="/public/policies/$SLUG/pdf/"
SIGNED_IN="/policies/$SLUG/versions/$LABEL/pdf/"
free_kb() { df -k --output=avail "$MEDIA" | tail -1 | tr -d ' '; }
cache_files() { find "$MEDIA" -path "$MEDIA/filler" -prune -o -type f -print | sed "s|$MEDIA/||" | sort | tr '\n' ' '; }

# ------------------------------------------------------------------ full
FILL_KB=$(($(free_kb) - LEAVE_FREE_KB))
dd if=/dev/zero of="$MEDIA/filler" bs=1k count="$FILL_KB" status=none
say "disk filled: $(free_kb) KB free of $(df -k --output=size "$MEDIA" | tail -1 | tr -d ' ') KB"
for path in "$PUBLIC" "$SIGNED_IN"; do
    if [[ $path == /public/* ]]; then who=""; else who=teacher@oakfield.example; fi
    RESULT=$(tool web-get --base "$BASE" ${who:+--email "$who"} --save "$WORK/full.body" "$path")
    say "disk full, GET $path: $RESULT"
    MESSAGE=$("$PY" -c "import html,re,sys; m=re.search(r'role=\"alert\">(.*?)<', open(sys.argv[1]).read(), re.S); print(html.unescape(m.group(1)).strip() if m else '')" "$WORK/full.body")
    say "  the message: $MESSAGE"
    check "503 with a message saying the PDF could not be saved (not a PDF, no traceback)" \
        "$PY" -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['status']==503 and 'html' in r['type'] and not r['leaks_traceback'] and 'could not be saved' in sys.argv[2]))" "$RESULT" "$MESSAGE"
done
check "nothing half-written in the cache (files: '$(cache_files)')" test -z "$(cache_files)"

say "a new starter's pack with the disk full: the worker builds it"
RESULT=$(tool web-get --base "$BASE" --email new.starter@oakfield.example "/my/pack.pdf")
say "  GET /my/pack.pdf: $RESULT"
sleep 6
RESULT=$(tool web-get --base "$BASE" --email new.starter@oakfield.example "/my/pack.pdf")
say "  again 6 s later: $RESULT"
WORKER_SAYS=$(grep -m1 -o "PdfError: [^\"]*" "$WORK/logs/worker-w1.log" | head -c 160 || true)
say "  the worker's task: ${WORKER_SAYS:-no PdfError logged}"
check "the pack request answers without a traceback (status $(json_get "$RESULT" status))" \
    test "$(json_get "$RESULT" leaks_traceback)" = False
PACK_FULL_STATUS=$(json_get "$RESULT" status)
PACK_FULL_TITLE=$(json_get "$RESULT" title)
say "  the page says: $PACK_FULL_TITLE (status $PACK_FULL_STATUS)"
# The waiting page gives up after its 40th refresh (two minutes): ask for that one directly.
RESULT=$(tool web-get --base "$BASE" --email new.starter@oakfield.example "/my/pack.pdf?attempt=40")
say "  after two minutes of waiting: $RESULT"
check "after two minutes the person is told the pack could not be made (503, no traceback)" \
    "$PY" -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['status']==503 and not r['leaks_traceback'] and 'not ready' in r['title']))" "$RESULT"
say "the same pack with the broker down too (built in the request)"
stop_redis "$REDIS_PORT"
RESULT=$(tool web-get --base "$BASE" --email new.starter@oakfield.example --save "$WORK/pack-full.body" "/my/pack.pdf")
say "  GET /my/pack.pdf: $RESULT"
check "pack built in the request on a full disk: 503 with a message, no traceback" \
    "$PY" -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['status']==503 and not r['leaks_traceback']))" "$RESULT"
check "still nothing half-written in the cache (files: '$(cache_files)')" test -z "$(cache_files)"
start_redis "$REDIS_PORT"

# ------------------------------------------------------------- space freed
rm -f "$MEDIA/filler"
FREED=$(now_s)
say "space freed: $(free_kb) KB free"
RESULT=$(tool web-get --base "$BASE" --save "$WORK/public.pdf" "$PUBLIC")
say "GET $PUBLIC: $RESULT"
check "200 application/pdf once there is space" \
    "$PY" -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['status']==200 and r['type']=='application/pdf'))" "$RESULT"
FIRST=$(json_get "$RESULT" seconds)
PDF=$(tool pdf-check "$WORK/public.pdf") && PDF_OK=0 || PDF_OK=$?
say "the PDF served: $PDF"
check "the PDF is whole (%PDF- header, %%EOF, every page readable)" test "$PDF_OK" -eq 0
CACHED=$(find "$MEDIA/pdf" -name 'policy-*.pdf' | head -1)
check "cached whole: the file in the cache is the one served, and no .part file is left" \
    bash -c "cmp -s '$CACHED' '$WORK/public.pdf' && [[ -z \$(find '$MEDIA' -name '*.part') ]]"
RESULT=$(tool web-get --base "$BASE" --save "$WORK/public-2.pdf" "$PUBLIC")
say "again (from the cache): $RESULT (first render ${FIRST} s)"
check "the second download is the same file" cmp -s "$WORK/public.pdf" "$WORK/public-2.pdf"
RESULT=$(tool web-get --base "$BASE" --email teacher@oakfield.example --save "$WORK/signed-in.pdf" "$SIGNED_IN")
check "the signed-in download is the same PDF" cmp -s "$WORK/public.pdf" "$WORK/signed-in.pdf"
pack_ready() {
    local r
    r=$(tool web-get --base "$BASE" --email new.starter@oakfield.example --save "$WORK/pack.pdf" "/my/pack.pdf")
    [[ $(json_get "$r" type) == application/pdf ]]
}
if wait_until 60 pack_ready; then
    check "the pack is built by the worker once there is space ($(elapsed "$FREED") s after freeing it)" \
        tool pdf-check "$WORK/pack.pdf"
else
    check "the pack is built by the worker once there is space" false
fi
check "worker still running" kill -0 "$WORKER"
say "cache now: $(cache_files)($(free_kb) KB free)"
finish
