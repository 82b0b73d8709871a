# shellcheck shell=bash
# Shared helpers for the fault scripts: `source "$(dirname "$0")/lib.sh"`.
#
# Every script runs its own throwaway servers (Redis on its own port, its own
# gunicorn, Celery worker and beat, and for PostgreSQL faults its own cluster)
# and its own databases on the shared PostgreSQL (policyportal_faults_*), and
# removes all of it on exit. It never stops or restarts a shared server.

FAULTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$FAULTS_DIR")
VENV_BIN="$ROOT/.venv/bin"
PY="$VENV_BIN/python"
SHARED_PG_HOST=${FAULTS_PG_HOST:-127.0.0.1}
SHARED_PG_PORT=${FAULTS_PG_PORT:-5432}
SHARED_PG_USER=${FAULTS_PG_USER:-postgres}

FAILURES=0
FINISHED=""
PIDS=()          # processes we started (killed by id, process group where we made one)
REDIS_PORTS=()   # our redis-servers
DATABASES=()     # our databases on the shared PostgreSQL
CLUSTERS=()      # our own PostgreSQL clusters (data directories)
MOUNTS=()        # our mounts

say() { printf '[%s %s] %s\n' "$FAULT_NAME" "$(date +%H:%M:%S)" "$*"; }

# check "what is being checked" command args...: records a failure, never exits.
check() {
    local what=$1
    shift
    if "$@"; then
        say "ok: $what"
    else
        say "FAILED: $what"
        FAILURES=$((FAILURES + 1))
    fi
}

# A JSON field from a line the Python tool printed: json_get "$line" key
json_get() { "$PY" -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" "$2"; }

now_s() { date +%s.%N; }
elapsed() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "${2:-$(now_s)}"; }

finish() {
    FINISHED=1
    if ((FAILURES == 0)); then
        echo "PASS $FAULT_NAME"
        exit 0
    fi
    echo "FAIL $FAULT_NAME ($FAILURES checks failed)"
    exit 1
}

cleanup() {
    set +e
    local pid port data mount db
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    done
    sleep 1
    for pid in "${PIDS[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    done
    for port in "${REDIS_PORTS[@]}"; do
        redis-cli -p "$port" shutdown nosave >/dev/null 2>&1
    done
    for data in "${CLUSTERS[@]}"; do
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    done
    for mount in "${MOUNTS[@]}"; do
        umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null
    done
    for db in "${DATABASES[@]}"; do
        dropdb -h "$SHARED_PG_HOST" -p "$SHARED_PG_PORT" -U "$SHARED_PG_USER" --if-exists --force "$db" 2>/dev/null
    done
    if [[ -n ${FAULTS_KEEP:-} ]]; then
        echo "(kept $WORK for inspection)"
    else
        rm -rf "$WORK"
    fi
}

on_exit() {
    local rc=$?
    cleanup
    if [[ -z $FINISHED ]]; then
        echo "FAIL $FAULT_NAME (stopped early, exit status $rc; logs were in $WORK, FAULTS_KEEP=1 keeps them)"
        exit $((rc == 0 ? 1 : rc))
    fi
    exit "$rc"
}

# fault_init NAME: a work folder, the exit trap, the environment of the app.
fault_init() {
    FAULT_NAME=$1
    [[ $(id -u) -eq 0 ]] || { echo "FAIL $FAULT_NAME: run as root (mount, runuser)"; exit 1; }
    WORK=$(mktemp -d "/tmp/faults-$FAULT_NAME.XXXXXX")
    chmod 755 "$WORK"
    mkdir -p "$WORK/mail" "$WORK/media" "$WORK/static" "$WORK/logs"
    trap on_exit EXIT
    trap 'exit 130' INT TERM
    cd "$WORK"
    export PYTHONPATH="$ROOT"
    export DJANGO_SETTINGS_MODULE=faults.settings
    export DEBUG=false
    export SECRET_KEY="faults-$(head -c 24 /dev/urandom | base64)"
    export ALLOWED_HOSTS=127.0.0.1,localhost
    export PORTAL_BASE_URL=http://127.0.0.1
    export FAULTS_STATIC_ROOT="$WORK/static"
    export MEDIA_ROOT="$WORK/media"
    # Four slashes: django-environ drops one, and a relative path would land in the checkout.
    export EMAIL_URL="filemail:///$WORK/mail"
    export PORTAL_BASE_URL=https://portal.faults.example
    export LOG_LEVEL=${LOG_LEVEL:-WARNING}
    say "work folder $WORK"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --------------------------------------------------------------------- Redis
start_redis() {
    local port=$1
    if [[ ! " ${REDIS_PORTS[*]} " == *" $port "* ]]; then
        port_free "$port" || { say "port $port is taken: not ours, not touching it"; return 1; }
        REDIS_PORTS+=("$port")
    fi
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
        --dir "$WORK" --pidfile "$WORK/redis-$port.pid" --logfile "$WORK/logs/redis-$port.log"
    for _ in $(seq 100); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    say "redis on $port did not start"
    return 1
}

stop_redis() { redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true; }

use_redis() {
    export REDIS_URL="redis://127.0.0.1:$1/0"
    export CELERY_BROKER_URL="$REDIS_URL"
}

# ---------------------------------------------------------------- PostgreSQL
# A database of our own on the shared server.
shared_database() {
    local name=$1
    [[ $name == policyportal_faults_* ]] || { say "refusing database name $name"; return 1; }
    DATABASES+=("$name")
    dropdb -h "$SHARED_PG_HOST" -p "$SHARED_PG_PORT" -U "$SHARED_PG_USER" --if-exists --force "$name"
    createdb -h "$SHARED_PG_HOST" -p "$SHARED_PG_PORT" -U "$SHARED_PG_USER" "$name"
    export DATABASE_URL="postgres://$SHARED_PG_USER@$SHARED_PG_HOST:$SHARED_PG_PORT/$name"
}

PG_BIN=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)

# own_cluster PORT: a PostgreSQL cluster of our own, run by the postgres user.
own_cluster() {
    local port=$1
    port_free "$port" || { say "port $port is taken"; return 1; }
    PG_DATA="$WORK/pg/data"
    PG_PORT=$port
    mkdir -p "$WORK/pg"
    chown postgres "$WORK/pg"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 \
        >"$WORK/logs/initdb.log" 2>&1
    CLUSTERS+=("$PG_DATA")
    pg_start
    createdb -h 127.0.0.1 -p "$port" -U postgres policyportal_faults
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/policyportal_faults"
}

pg_start() {
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w \
        -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null
}

pg_stop() { runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" -w stop >/dev/null; }

# ----------------------------------------------------------------- the app
manage() { "$PY" "$ROOT/manage.py" "$@"; }
tool() { "$PY" -m faults.tool "$@"; }

# prepare_app [seed_demo args...]: schema, static files, the demo trust.
prepare_app() {
    manage migrate --noinput -v0
    manage collectstatic --noinput -v0
    manage load_demo >"$WORK/logs/load_demo.log"
    if (($#)); then
        manage seed_demo "$@" | tail -1
    fi
}

# start_gunicorn PORT: the production config (deploy/gunicorn.conf.py), our port.
start_gunicorn() {
    local port=$1
    port_free "$port" || { say "port $port is taken"; return 1; }
    GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=${GUNICORN_WORKERS:-4} \
        setsid "$VENV_BIN/gunicorn" -c "$ROOT/deploy/gunicorn.conf.py" portal.wsgi \
        >"$WORK/logs/gunicorn.log" 2>&1 &
    PIDS+=($!)
    GUNICORN_PID=$!
    disown
    BASE="http://127.0.0.1:$port"
    for _ in $(seq 150); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "$BASE/accounts/login/") == 200 ]] \
            && return 0
        sleep 0.2
    done
    say "gunicorn did not answer on $port"
    return 1
}

# start_worker NAME [celery args...]: a worker in a process group of its own
# (so SIGKILL can reach the main process and its pool children together).
start_worker() {
    local name=$1
    shift
    setsid "$VENV_BIN/celery" -A portal worker --loglevel=INFO --without-gossip --without-mingle \
        -n "$name@faults" "$@" >>"$WORK/logs/worker-$name.log" 2>&1 &
    PIDS+=($!)
    WORKER_PID=$!
    disown
}

start_beat() {
    setsid "$VENV_BIN/celery" -A portal beat --loglevel=INFO --pidfile "$WORK/beat.pid" \
        --scheduler django_celery_beat.schedulers:DatabaseScheduler >>"$WORK/logs/beat.log" 2>&1 &
    PIDS+=($!)
    BEAT_PID=$!
    disown
}

# wait_until SECONDS command...: poll every 0.5 s.
wait_until() {
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    while ((SECONDS < end)); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}

count_sql() { psql "$DATABASE_URL" -Atc "$1"; }
