#!/usr/bin/env bash
# Runs the four fault scripts one after the other and prints a summary.
# Each script's whole output is kept in FAULTS_LOG_DIR (default: a temporary folder).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LOGS=${FAULTS_LOG_DIR:-$(mktemp -d /tmp/faults-logs.XXXXXX)}
mkdir -p "$LOGS"
SCRIPTS=(redis_restart worker_killed postgres_restart full_disk)
declare -A RESULT SECS
FAILED=0
for name in "${SCRIPTS[@]}"; do
    echo "=== $name"
    started=$SECONDS
    if "$HERE/$name.sh" 2>&1 | tee "$LOGS/$name.log"; then
        RESULT[$name]=PASS
    else
        RESULT[$name]=FAIL
        FAILED=$((FAILED + 1))
    fi
    SECS[$name]=$((SECONDS - started))
done
echo
echo "=== summary (logs in $LOGS)"
for name in "${SCRIPTS[@]}"; do
    printf '%-18s %s  (%s s)\n' "$name" "${RESULT[$name]}" "${SECS[$name]}"
    grep -E "FAILED:|check failed:" "$LOGS/$name.log" | sed 's/^/    /' || true
done
if ((FAILED)); then
    echo "FAIL ($FAILED of ${#SCRIPTS[@]} fault scripts failed)"
    exit 1
fi
echo "PASS (all ${#SCRIPTS[@]} fault scripts)"
