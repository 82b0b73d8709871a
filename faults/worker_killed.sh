#!/usr/bin/env bash
# A Celery worker killed with SIGKILL in the middle of a reminder run.
#
# Three kills, on a trust with hundreds of people owing sign-offs and an email
# backend slowed to FAULTS_EMAIL_DELAY s a message (faults/slow_email.py):
#   1. the pool processes, while send_reminders holds its transaction open
#      (the main process survives: acks_late + reject_on_worker_lost requeue it);
#   2. the whole worker (main process and pool), while the emails are being
#      delivered; a new worker is started;
#   3. the whole worker again, while a second run holds its transaction open;
#      a new worker is started.
# Then: every reminder that was due is recorded once and its email delivered
# exactly once (messages counted in the file backend's folder).
#
# A message held by a worker killed outright only returns to the queue after
# the broker's visibility timeout: 15 minutes in production, shortened here to
# FAULTS_VISIBILITY_TIMEOUT s. Emails a killed worker left "being sent" return
# to the queue after EMAIL_SENDING_TIMEOUT_MINUTES (15 in production, 1 here)
# at the next deliver_pending (every 5 minutes from beat; enqueued by hand here).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
fault_init worker_killed

REDIS_PORT=${FAULTS_REDIS_PORT:-6392}
STAFF=${FAULTS_STAFF:-1200}
NEW_STAFF=${FAULTS_NEW_STAFF:-200}
export FAULTS_EMAIL_BACKEND=faults.slow_email.EmailBackend
export FAULTS_EMAIL_DELAY=${FAULTS_EMAIL_DELAY:-0.03}
export FAULTS_VISIBILITY_TIMEOUT=${FAULTS_VISIBILITY_TIMEOUT:-30}
export EMAIL_SENDING_TIMEOUT_MINUTES=1

start_redis "$REDIS_PORT"
use_redis "$REDIS_PORT"
shared_database policyportal_faults_worker
say "preparing the database: demo trust and a synthetic trust of $STAFF staff, 4 policies, 60% signed"
prepare_app --schools 4 --staff "$STAFF" --policies 4 --signed-share 0.6
DB_NAME=${DATABASE_URL##*/}

run_lock_held="select exists(select 1 from pg_locks l join pg_class c on c.oid = l.relation
    join pg_database d on d.oid = l.database where c.relname = 'reminders_reminderrunlock'
    and d.datname = '$DB_NAME' and l.mode = 'RowShareLock' and l.granted)"
reminders() { count_sql "select count(*) from reminders_reminder where not skipped"; }
sent() {
    count_sql "select count(*) from reminders_outboxemail o where status = 'sent'
        and exists (select 1 from reminders_reminder r where r.email_id = o.id)"
}
at_least() { (($("$1") >= $2)); }
worker_ready() { grep -q "ready\." "$WORK/logs/worker-$1.log" 2>/dev/null; }
pool_of() { pgrep -P "$1" | tr '\n' ' '; }

# ------------------------------------------------------------ kill 1: pool
PLAN1=$(tool plan "$WORK/expected-1.json")
say "due: $PLAN1"
EXPECTED1=$(json_get "$PLAN1" reminders)
EMAILS1=$(json_get "$PLAN1" emails)
start_worker w1 --concurrency 2
check "worker w1 ready" wait_until 60 worker_ready w1
W1=$WORKER_PID
tool enqueue reminders.tasks.send_reminders >/dev/null
say "kill 1: send_reminders enqueued; waiting for its transaction (the run lock) to be open"
check "send_reminders holds the run lock" tool wait-sql "$run_lock_held" --timeout 60 >/dev/null
POOL=$(pool_of "$W1")
# shellcheck disable=SC2086
kill -KILL $POOL
KILL1=$(now_s)
say "kill 1: SIGKILL to w1's pool processes ($POOL) mid-transaction; the main process $W1 lives"
sleep 0.5
check "the kill landed before commit: no reminder recorded yet ($(reminders))" test "$(reminders)" -eq 0
if wait_until 120 at_least reminders "$EXPECTED1"; then
    check "the run was redelivered and committed $(reminders) reminders $(elapsed "$KILL1") s after the kill" true
else
    check "the run was redelivered after the pool was killed (reminders: $(reminders) of $EXPECTED1)" false
fi
grep -E "WorkerLostError|Process .* exited" "$WORK/logs/worker-w1.log" | head -2 | sed 's/^/    worker log: /' || true

# -------------------------------------------------- kill 2: during delivery
THIRD=$((EMAILS1 / 3))
check "a third of the $EMAILS1 emails delivered" wait_until 120 at_least sent "$THIRD"
check "an email is being sent (claimed, in the slow backend)" \
    tool wait-sql "select exists(select 1 from reminders_outboxemail where status = 'sending')" --interval 0.005 >/dev/null
kill -KILL -- "-$W1"
KILL2=$(now_s)
SENT_AT_KILL=$(sent)
STUCK=$(count_sql "select count(*) from reminders_outboxemail where status = 'sending'")
say "kill 2: SIGKILL to the whole worker w1 (process group $W1) with $SENT_AT_KILL emails sent, $STUCK being sent"
start_worker w2 --concurrency 2
W2=$WORKER_PID
check "new worker w2 ready" wait_until 60 worker_ready w2
pending() { count_sql "select count(*) from reminders_outboxemail where status = 'pending'"; }
no_pending() { (($(pending) == 0)); }
check "w2 delivers everything still queued (pending: $(pending))" wait_until 180 no_pending
DRAINED=$(elapsed "$KILL2")
STUCK=$(count_sql "select count(*) from reminders_outboxemail where status = 'sending'")
say "w2 drained the queue ${DRAINED} s after the kill; $STUCK email(s) left 'being sent' by the killed worker"
check "the email(s) the killed worker was sending are not lost: $STUCK still in the outbox, 'being sent'" \
    test "$STUCK" -ge 1
# deliver_pending (beat: every 5 minutes) returns emails stuck 'being sent' for over a minute
while [[ $(elapsed "$KILL2" | cut -d. -f1) -lt 62 ]]; do sleep 1; done
say "deliver_pending enqueued (beat does this every 5 minutes): $(date +%T)"
tool enqueue outbox.tasks.deliver_pending >/dev/null
if wait_until 120 at_least sent "$EMAILS1"; then
    check "all $EMAILS1 emails of run 1 sent, the last $(elapsed "$KILL2") s after the whole worker was killed" true
else
    check "all $EMAILS1 emails of run 1 sent after the whole worker was killed (sent: $(sent))" false
fi

# ---------------------------------------- kill 3: whole worker mid-transaction
say "HR imports $NEW_STAFF new starters (manage.py import_staff): a second run is due"
tool staff-csv --count "$NEW_STAFF" --tag killed "$WORK/new-staff.csv" >/dev/null
manage import_staff "$WORK/new-staff.csv" | tail -1
PLAN2=$(tool plan "$WORK/expected-2.json")
say "due: $PLAN2"
EXPECTED2=$(json_get "$PLAN2" reminders)
EMAILS2=$(json_get "$PLAN2" emails)
BEFORE3=$(reminders)
tool enqueue reminders.tasks.send_reminders >/dev/null
check "send_reminders (run 2) holds the run lock" tool wait-sql "$run_lock_held" --timeout 60 >/dev/null
kill -KILL -- "-$W2"
KILL3=$(now_s)
say "kill 3: SIGKILL to the whole worker w2 (process group $W2) mid-transaction"
sleep 0.5
check "the kill landed before commit: nothing new recorded ($(reminders) = $BEFORE3)" test "$(reminders)" -eq "$BEFORE3"
start_worker w3 --concurrency 2
check "new worker w3 ready" wait_until 60 worker_ready w3
if wait_until 180 at_least reminders $((BEFORE3 + EXPECTED2)); then
    check "run 2 came back to w3 (visibility timeout ${FAULTS_VISIBILITY_TIMEOUT} s) and committed, $(elapsed "$KILL3") s after the kill" true
else
    check "run 2 came back to w3 after the visibility timeout (reminders: $(reminders))" false
fi
if wait_until 120 at_least sent $((EMAILS1 + EMAILS2)); then
    check "all $((EMAILS1 + EMAILS2)) emails sent" true
else
    check "all $((EMAILS1 + EMAILS2)) emails sent (sent: $(sent))" false
fi
sleep 3
say "final figures: $(tool counts --mail-dir "$WORK/mail")"
check "every due reminder recorded once, every email delivered exactly once" \
    tool verify --expected "$WORK/expected-1.json" --expected "$WORK/expected-2.json" --mail-dir "$WORK/mail"
finish
