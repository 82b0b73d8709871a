#!/usr/bin/env bash
# PostgreSQL restarted while gunicorn serves requests.
#
# A cluster of our own (initdb as the postgres user, port FAULTS_PG_PORT) and
# gunicorn with the production config and settings (CONN_MAX_AGE=60,
# CONN_HEALTH_CHECKS=True). Clients ask a public page, a signed-in page and a
# signed-in policy page every 0.25 s each, before, during and after the
# database is stopped (pg_ctl stop -m fast: connections are cut) and started
# again FAULTS_OUTAGE_SECONDS later. Shows: during the outage every answer is
# a clean 500/503 (no traceback, no hang beyond gunicorn's timeout); after it
# the same gunicorn (same master, no restart) answers 200 again by itself,
# and the signed-in sessions still work (sessions live in the database).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fault_init postgres_restart

PG_PORT_OWN=${FAULTS_PG_PORT:-5439}
REDIS_PORT=${FAULTS_REDIS_PORT:-6393}
WEB_PORT=${FAULTS_WEB_PORT:-8393}
OUTAGE_SECONDS=${FAULTS_OUTAGE_SECONDS:-15}
AFTER_SECONDS=${FAULTS_AFTER_SECONDS:-20}
export GUNICORN_TIMEOUT=${GUNICORN_TIMEOUT:-60}

start_redis "$REDIS_PORT"
use_redis "$REDIS_PORT"
say "initdb: a PostgreSQL cluster of our own on port $PG_PORT_OWN ($PG_BIN)"
own_cluster "$PG_PORT_OWN"
say "preparing the database: migrate, static files, demo trust"
prepare_app
start_gunicorn "$WEB_PORT"
MASTER=$GUNICORN_PID
WORKERS_BEFORE=$(pgrep -P "$MASTER" | sort | tr '\n' ' ')
say "gunicorn master $MASTER, workers $WORKERS_BEFORE(timeout ${GUNICORN_TIMEOUT} s, CONN_MAX_AGE=60, CONN_HEALTH_CHECKS)"

WARM=8
TOTAL=$((WARM + OUTAGE_SECONDS + AFTER_SECONDS + 5))
tool probe --base "$BASE" --email teacher@oakfield.example --duration "$TOTAL" --out "$WORK/probe.jsonl" \
    /public/policies/ /my/ /policies/ &
PROBE=$!
PIDS+=("$PROBE")
sleep "$WARM"
say "stopping PostgreSQL (pg_ctl stop -m fast) with requests in flight"
DOWN=$(now_s)
pg_stop fast
say "PostgreSQL is down; restarting it in $OUTAGE_SECONDS s"
sleep "$OUTAGE_SECONDS"
pg_start
UP=$(now_s)
say "PostgreSQL is back after $(elapsed "$DOWN" "$UP") s"
wait "$PROBE" || true

REPORT=$(tool probe-report --out "$WORK/probe.jsonl" --down "$DOWN" --up "$UP" --limit "$GUNICORN_TIMEOUT") && OK=0 || OK=$?
say "requests: $REPORT"
check "outage answered cleanly (500/503, no traceback, under ${GUNICORN_TIMEOUT} s) and 200 again afterwards by itself" \
    test "$OK" -eq 0
check "gunicorn was not restarted (same master $MASTER)" kill -0 "$MASTER"
WORKERS_AFTER=$(pgrep -P "$MASTER" | sort | tr '\n' ' ')
if [[ $WORKERS_AFTER == "$WORKERS_BEFORE" ]]; then
    say "same gunicorn workers before and after: $WORKERS_AFTER"
else
    say "note: gunicorn workers changed: $WORKERS_BEFORE-> $WORKERS_AFTER"
fi
RESULT=$(tool web-get --base "$BASE" --email teacher@oakfield.example /my/)
check "signing in and /my/ work after the restart" test "$(json_get "$RESULT" status)" = 200
# What a person saw during the outage.
grep -m1 '"status": 500\|"status": 503' "$WORK/probe.jsonl" >/dev/null && {
    curl -s -H 'X-Forwarded-Proto: https' -o /dev/null "$BASE/public/policies/"
    pg_stop fast
    curl -s -H 'X-Forwarded-Proto: https' -D "$WORK/error.headers" -o "$WORK/error.html" "$BASE/public/policies/" || true
    pg_start
    say "the error page during an outage: $(head -1 "$WORK/error.headers" | tr -d '\r'), body: $(tr -d '\n' <"$WORK/error.html" | head -c 200)"
    if grep -q "<h1>Server Error (500)</h1>" "$WORK/error.html" && ! grep -q "<link" "$WORK/error.html"; then
        say "note: this is Django's built-in fallback page (no templates/500.html): no traceback, but unbranded"
    fi
    check "the error page tells the person to try again (Retry-After or a try-again page)" \
        grep -qi "retry-after\|try again\|back in a moment" "$WORK/error.headers" "$WORK/error.html"
}
ERRORS=$(grep -c '"level": "ERROR"' "$WORK/logs/gunicorn.log" || true)
say "$ERRORS errors logged by the app (JSON lines with the traceback, in the log only, never in a page)"
finish
