#!/usr/bin/env bash
# Inset day under load: 200 staff sign a new policy within one minute while HR
# exports and one light user opens the trivial view throughout, against
# gunicorn (deploy/gunicorn.conf.py), a Celery worker (as the Procfile runs it)
# and production settings on loopback.
# `make load`. Figures are recorded in docs/performance.md.
#
# Two runs, both must pass (LOAD_RUNS="steady burst" by default):
#   steady  staff arrive SPAWN_RATE a second (default 4: 200 over 50 s);
#   burst   staff arrive BURST_SPAWN_RATE a second (default 50: 200 in 4 s).
# Each run starts from a fresh database and passes when locust saw no failure,
# the server logged no error, the database agrees with what locust saw, and the
# sign-off POST's p95 is within twice the trivial view's p95 of the same run
# (bench/load/verify.py --stats).
#
# Uses its own PostgreSQL database (policyportal_load, dropped and created
# afresh) and Redis DB 3. Settings through the environment:
#   STAFF=200 HR=3 SPAWN_RATE=4 BURST_SPAWN_RATE=50 THINK_MIN=1 THINK_MAX=3
#   STAFF_LOGIN=link|password LOAD_RUNS="steady burst"
#   RUN_TIME=5m (a cap: a run ends once every staff member has signed)
#   PORT=8765 BACKGROUND_STAFF=2000 BACKGROUND_SCHOOLS=10 BACKGROUND_POLICIES=20
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.venv/bin

STAFF=${STAFF:-200}
HR=${HR:-3}
SPAWN_RATE=${SPAWN_RATE:-4}
BURST_SPAWN_RATE=${BURST_SPAWN_RATE:-50}
LOAD_RUNS=${LOAD_RUNS:-steady burst}
RUN_TIME=${RUN_TIME:-5m}
PORT=${PORT:-8765}
DB=policyportal_load
export STAFF_LOGIN=${STAFF_LOGIN:-link}
export THINK_MIN=${THINK_MIN:-1} THINK_MAX=${THINK_MAX:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/policy-portal-load.XXXXXX")
# The production server's environment, as `make bench` starts it (bench/wire.py):
# portal.settings_production unchanged, a fresh SECRET_KEY, static and media in $WORK.
eval "$("$BIN/python" bench/wire.py env --database-url "postgres://postgres@127.0.0.1:5432/$DB" \
    --redis-url redis://127.0.0.1:6379/3 --port "$PORT" --work "$WORK")"
# No SECURE_SSL_REDIRECT=false needed: requests carry X-Forwarded-Proto: https as
# from the TLS proxy (see the locustfile), so the production redirect stays on.

GUNICORN_PID=
WORKER_PID=
stop_servers() {
    if [[ -n $WORKER_PID ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
        kill -TERM "$WORKER_PID"
        wait "$WORKER_PID" 2>/dev/null || true
        echo "== Celery worker stopped"
    fi
    WORKER_PID=
    if [[ -n $GUNICORN_PID ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
        echo "== gunicorn stopped"
    fi
    GUNICORN_PID=
}
trap stop_servers EXIT

echo "== work folder $WORK"
"$BIN/python" manage.py collectstatic --noinput -v 0

# one_run NAME SPAWN_RATE: a fresh database, the load, and its checks; 0 when all pass.
one_run() {
    local name=$1 rate=$2 dir=$WORK/$1
    mkdir -p "$dir"
    echo
    echo "==== $name: $STAFF staff arriving $rate a second"
    echo "== fresh database $DB, Redis DB 3"
    dropdb -h 127.0.0.1 -p 5432 -U postgres --if-exists --force "$DB"
    createdb -h 127.0.0.1 -p 5432 -U postgres "$DB"
    redis-cli -h 127.0.0.1 -p 6379 -n 3 flushdb >/dev/null
    "$BIN/python" manage.py migrate --noinput -v 0

    echo "== load-test data"
    "$BIN/python" bench/load/prepare.py --output "$dir/credentials.json" --staff "$STAFF" \
        --background-staff "${BACKGROUND_STAFF:-2000}" --background-schools "${BACKGROUND_SCHOOLS:-10}" \
        --background-policies "${BACKGROUND_POLICIES:-20}" --base-url "http://127.0.0.1:$PORT"

    echo "== gunicorn on 127.0.0.1:$PORT (deploy/gunicorn.conf.py), log in $dir/gunicorn.log"
    "$BIN/gunicorn" -c deploy/gunicorn.conf.py portal.wsgi >>"$dir/gunicorn.log" 2>&1 &
    GUNICORN_PID=$!
    for _ in $(seq 60); do
        if curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/health/live/"; then
            break
        fi
        kill -0 "$GUNICORN_PID" || { cat "$dir/gunicorn.log"; return 1; }
        sleep 0.5
    done
    # The worker as the Procfile runs it: HR's XLSX (and large CSV) exports are built by it.
    nice -n 10 "$BIN/celery" -A portal --quiet worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" \
        --without-gossip --without-mingle >"$dir/worker.log" 2>&1 &
    WORKER_PID=$!
    : >"$dir/gunicorn.log"   # the figures start here

    echo "== locust: $STAFF staff (sign-in by $STAFF_LOGIN, $rate arriving a second), $HR HR officers," \
        "1 on the trivial view"
    local locust_rc=0 verify_rc=0 report_rc=0
    LOAD_CREDENTIALS=$dir/credentials.json LOAD_RESULTS=$dir/signed.jsonl LOAD_HR=$HR \
        "$BIN/locust" -f bench/load/locustfile.py --headless -u $((STAFF + HR + 1)) -r "$rate" \
        --run-time "$RUN_TIME" -H "http://127.0.0.1:$PORT" --csv "$dir/locust" --only-summary \
        --loglevel WARNING >"$dir/locust.log" 2>&1 || locust_rc=$?
    grep -E '^inset day|Error|Traceback' "$dir/locust.log" || true
    echo "== CPU seconds used by the gunicorn workers: $(ps --ppid "$GUNICORN_PID" -o times= | awk '{s += $1} END {print s}')," \
        "by the Celery worker: $(ps --pid "$WORKER_PID" --ppid "$WORKER_PID" -o times= | awk '{s += $1} END {print s}')"
    stop_servers

    echo "== verify the database, the failures and the sign-off p95 against the trivial view's"
    "$BIN/python" bench/load/verify.py --credentials "$dir/credentials.json" --results "$dir/signed.jsonl" \
        --stats "$dir/locust_stats.csv" || verify_rc=$?

    echo "== figures (ms; machine: $(nproc) cores)"
    "$BIN/python" bench/load/report.py --stats "$dir/locust_stats.csv" --server-log "$dir/gunicorn.log" \
        ${MARKDOWN:+--markdown} || report_rc=$?

    echo "== $name: locust exit $locust_rc, verify exit $verify_rc, report exit $report_rc; files in $dir"
    [[ $locust_rc -eq 0 && $verify_rc -eq 0 && $report_rc -eq 0 ]]
}

declare -A OUTCOME
FAILED=0
for run in $LOAD_RUNS; do
    case $run in
        steady) rate=$SPAWN_RATE ;;
        burst) rate=$BURST_SPAWN_RATE ;;
        *) echo "unknown run '$run' in LOAD_RUNS (steady, burst)"; exit 2 ;;
    esac
    # A subshell outside any `if`, so `set -e` still stops a run at its first failing step.
    set +e
    (trap stop_servers EXIT; set -e; one_run "$run" "$rate")
    rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then OUTCOME[$run]=passed; else OUTCOME[$run]=FAILED; FAILED=1; fi
done
echo
for run in $LOAD_RUNS; do echo "== $run: ${OUTCOME[$run]}"; done
exit $FAILED
