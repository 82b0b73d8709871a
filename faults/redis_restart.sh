#!/usr/bin/env bash
# Redis stopped and restarted while the portal is in use.
#
# Shows: with Redis down, sign-offs are still recorded and pages still answer
# (no web request waits on the broker); staff imported during the outage are
# reminded once Redis is back, by the worker and beat that were running all
# along (no restart); no reminder is recorded twice and every email is
# delivered exactly once (messages counted in the file backend's folder).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fault_init redis_restart

REDIS_PORT=${FAULTS_REDIS_PORT:-6391}
WEB_PORT=${FAULTS_WEB_PORT:-8391}
OUTAGE_SECONDS=${FAULTS_OUTAGE_SECONDS:-20}
NEW_STAFF=${FAULTS_NEW_STAFF:-25}

start_redis "$REDIS_PORT"
use_redis "$REDIS_PORT"
shared_database policyportal_faults_redis
say "preparing the database: migrate, static files, demo trust and a 300-person synthetic trust"
prepare_app --schools 2 --staff 300 --policies 3 --signed-share 0.6
tool schedule --every 5 >/dev/null
say "beat: send_reminders and deliver_pending every 5 s (the other scheduled tasks off)"
PLAN1=$(tool plan "$WORK/expected-1.json")
say "due before the fault: $PLAN1"
EXPECTED1=$(json_get "$PLAN1" reminders)

start_gunicorn "$WEB_PORT"
start_worker w1 --concurrency 2
start_beat
say "gunicorn on $WEB_PORT, one worker, one beat, Redis on $REDIS_PORT"

all_sent() {
    local recorded unsent
    recorded=$(count_sql "select count(*) from reminders_reminder where not skipped")
    unsent=$(count_sql "select count(*) from reminders_outboxemail where status <> 'sent'")
    ((recorded >= $1 && unsent == 0))
}
check "phase 1 (Redis up): the $EXPECTED1 due reminders are recorded and their emails sent" wait_until 120 all_sent "$EXPECTED1"
say "phase 1 figures: $(tool counts --mail-dir "$WORK/mail")"

# ------------------------------------------------------------------ outage
say "phase 2: stopping Redis (redis-cli shutdown nosave); nothing in it survives"
stop_redis "$REDIS_PORT"
OUTAGE_START=$(now_s)
check "Redis is down" bash -c "! redis-cli -p $REDIS_PORT ping >/dev/null 2>&1"
BEFORE=$(tool counts)
SIGNS_OK=0
for who in teacher@oakfield.example new.starter@oakfield.example; do
    RESULT=$(tool web-sign --base "$BASE" --email "$who") || true
    say "sign-off while Redis is down: $RESULT"
    if [[ $(json_get "$RESULT" ok) == True ]] && "$PY" -c "import sys; sys.exit(float(sys.argv[1]) >= 5)" "$(json_get "$RESULT" seconds)"; then
        SIGNS_OK=$((SIGNS_OK + 1))
    fi
done
check "both sign-offs recorded (302 to the receipt) in under 5 s each with Redis down" test "$SIGNS_OK" -eq 2
AFTER=$(tool counts)
check "the database holds the 2 new sign-offs ($(json_get "$BEFORE" sign_offs) -> $(json_get "$AFTER" sign_offs))" \
    test "$(($(json_get "$AFTER" sign_offs) - $(json_get "$BEFORE" sign_offs)))" -eq 2
for page in /my/ /policies/; do
    RESULT=$(tool web-get --base "$BASE" --email teacher@oakfield.example "$page")
    say "page while Redis is down: $RESULT"
    check "$page answers 200 with Redis down" test "$(json_get "$RESULT" status)" = 200
done
RESULT=$(tool web-get --base "$BASE" --email new.starter@oakfield.example /my/pack.pdf)
say "new starter's pack while Redis is down (built in the request): $RESULT"
check "the pack PDF is served without the broker (200, application/pdf, under 15 s)" \
    "$PY" -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['status']==200 and r['type']=='application/pdf' and r['seconds']<15))" "$RESULT"

say "HR imports $NEW_STAFF new starters during the outage (manage.py import_staff)"
tool staff-csv --count "$NEW_STAFF" --tag outage "$WORK/new-staff.csv" >/dev/null
manage import_staff "$WORK/new-staff.csv" | tail -1
PLAN2=$(tool plan "$WORK/expected-2.json")
say "now due (not sendable until Redis is back): $PLAN2"
EXPECTED2=$(json_get "$PLAN2" reminders)
check "the import made new reminders due" test "$EXPECTED2" -gt 0

while [[ $(elapsed "$OUTAGE_START" | cut -d. -f1) -lt $OUTAGE_SECONDS ]]; do sleep 1; done
DURING=$(tool counts)
check "nothing was recorded while the broker was down (reminders $(json_get "$BEFORE" reminders) -> $(json_get "$DURING" reminders))" \
    test "$(json_get "$DURING" reminders)" = "$(json_get "$BEFORE" reminders)"
check "worker still running during the outage" kill -0 "$WORKER_PID"
check "beat still running during the outage" kill -0 "$BEAT_PID"

# ----------------------------------------------------------------- recovery
say "phase 3: starting Redis again (empty) after $(elapsed "$OUTAGE_START") s"
start_redis "$REDIS_PORT"
BACK=$(now_s)
TOTAL=$((EXPECTED1 + EXPECTED2))
if wait_until 180 all_sent "$TOTAL"; then
    RECOVERY=$(elapsed "$BACK")
    check "the $EXPECTED2 reminders due during the outage went out ${RECOVERY} s after Redis returned, with no restart" true
else
    check "the reminders due during the outage went out within 180 s of Redis returning" false
fi
sleep 12   # two more beats: a repeated run must add nothing
check "worker reconnected by itself (same process)" kill -0 "$WORKER_PID"
check "beat reconnected by itself (same process)" kill -0 "$BEAT_PID"
say "final figures: $(tool counts --mail-dir "$WORK/mail")"
check "every reminder recorded once, every email delivered exactly once" \
    tool verify --expected "$WORK/expected-1.json" --expected "$WORK/expected-2.json" --mail-dir "$WORK/mail"
finish
