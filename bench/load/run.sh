#!/usr/bin/env bash
# Inset day under load: 200 staff sign a new policy within one minute while HR
# exports, against gunicorn (deploy/gunicorn.conf.py) and production settings
# on loopback. `make load`. Figures are recorded in docs/performance.md.
#
# Uses its own PostgreSQL database (policyportal_load, dropped and created
# afresh) and Redis DB 3. Settings through the environment:
#   STAFF=200 HR=3 SPAWN_RATE=4 THINK_MIN=1 THINK_MAX=3 STAFF_LOGIN=link|password
#   RUN_TIME=5m (a cap: the run ends once every staff member has signed)
#   PORT=8765 BACKGROUND_STAFF=2000 BACKGROUND_SCHOOLS=10 BACKGROUND_POLICIES=20
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.venv/bin

STAFF=${STAFF:-200}
HR=${HR:-3}
SPAWN_RATE=${SPAWN_RATE:-4}
RUN_TIME=${RUN_TIME:-5m}
PORT=${PORT:-8765}
DB=policyportal_load
export STAFF_LOGIN=${STAFF_LOGIN:-link}
export THINK_MIN=${THINK_MIN:-1} THINK_MAX=${THINK_MAX:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/policy-portal-load.XXXXXX")
export DJANGO_SETTINGS_MODULE=portal.settings_production   # unchanged; STATIC_ROOT and MEDIA_ROOT from env below
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export REDIS_URL=redis://127.0.0.1:6379/3
export SECRET_KEY
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export ALLOWED_HOSTS=127.0.0.1
export PORTAL_BASE_URL=http://127.0.0.1
export STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media
export EMAIL_URL=dummymail://
export PORTAL_BASE_URL=http://127.0.0.1:$PORT
export GUNICORN_BIND=127.0.0.1:$PORT
# No SECURE_SSL_REDIRECT=false needed: requests carry X-Forwarded-Proto: https as
# from the TLS proxy (see the locustfile), so the production redirect stays on.

GUNICORN_PID=
stop_gunicorn() {
    if [[ -n $GUNICORN_PID ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
        echo "== gunicorn stopped"
    fi
    GUNICORN_PID=
}
trap stop_gunicorn EXIT

echo "== work folder $WORK"
echo "== fresh database $DB, Redis DB 3"
dropdb -h 127.0.0.1 -p 5432 -U postgres --if-exists --force "$DB"
createdb -h 127.0.0.1 -p 5432 -U postgres "$DB"
redis-cli -h 127.0.0.1 -p 6379 -n 3 flushdb >/dev/null
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py collectstatic --noinput -v 0

echo "== load-test data"
"$BIN/python" bench/load/prepare.py --output "$WORK/credentials.json" --staff "$STAFF" \
    --background-staff "${BACKGROUND_STAFF:-2000}" --background-schools "${BACKGROUND_SCHOOLS:-10}" \
    --background-policies "${BACKGROUND_POLICIES:-20}" --base-url "http://127.0.0.1:$PORT"

echo "== gunicorn on 127.0.0.1:$PORT (deploy/gunicorn.conf.py), log in $WORK/gunicorn.log"
"$BIN/gunicorn" -c deploy/gunicorn.conf.py portal.wsgi >>"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do
    if curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/accounts/login/"; then
        break
    fi
    kill -0 "$GUNICORN_PID" || { cat "$WORK/gunicorn.log"; exit 1; }
    sleep 0.5
done
: >"$WORK/gunicorn.log"   # the figures start here

echo "== locust: $STAFF staff (sign-in by $STAFF_LOGIN, $SPAWN_RATE arriving a second) and $HR HR officers"
LOCUST_RC=0
LOAD_CREDENTIALS=$WORK/credentials.json LOAD_RESULTS=$WORK/signed.jsonl LOAD_HR=$HR \
    "$BIN/locust" -f bench/load/locustfile.py --headless -u $((STAFF + HR)) -r "$SPAWN_RATE" \
    --run-time "$RUN_TIME" -H "http://127.0.0.1:$PORT" --csv "$WORK/locust" --only-summary \
    --loglevel WARNING >"$WORK/locust.log" 2>&1 || LOCUST_RC=$?
grep -E '^inset day|Error|Traceback' "$WORK/locust.log" || true
echo "== CPU seconds used by the gunicorn workers: $(ps --ppid "$GUNICORN_PID" -o times= | awk '{s += $1} END {print s}')"
stop_gunicorn

echo "== verify the database"
VERIFY_RC=0
"$BIN/python" bench/load/verify.py --credentials "$WORK/credentials.json" --results "$WORK/signed.jsonl" \
    || VERIFY_RC=$?

echo "== figures (ms; machine: $(nproc) cores)"
REPORT_RC=0
"$BIN/python" bench/load/report.py --stats "$WORK/locust_stats.csv" --server-log "$WORK/gunicorn.log" \
    ${MARKDOWN:+--markdown} || REPORT_RC=$?

echo "== locust exit $LOCUST_RC, verify exit $VERIFY_RC, report exit $REPORT_RC; files in $WORK"
[[ $LOCUST_RC -eq 0 && $VERIFY_RC -eq 0 && $REPORT_RC -eq 0 ]]
