#!/usr/bin/env bash
# How the restore time (the RTO) scales with data size and threads (issue 10 point 5): one huge
# sysbench table at several sizes, each restored by `myvault restore` at 1, 2 and 4 threads. Each
# cell is one bench/compare_restore.sh run with TOOLS=myvault (same dataset server, emptied
# target, the result checked against the source). Prints wall time, seconds per GB of SQL and the
# phases, and writes them to bench/results/rto-<UTC time>.md (not committed).
#
#   bench/rto_scaling.sh
#
# Environment knobs (defaults):
#   SIZES="1000000 2000000 4000000"   rows of the one table (200 MB of SQL per million)
#   THREAD_COUNTS="1 2 4"             --threads of each restore
#   TABLES=1                          tables the rows are spread over (8: the same rows in 8)
#   TARGET_POOL=2G RUNS=1             passed on to compare_restore.sh
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

SIZES=${SIZES:-1000000 2000000 4000000} THREAD_COUNTS=${THREAD_COUNTS:-1 2 4}
TABLES=${TABLES:-1} TARGET_POOL=${TARGET_POOL:-2G} RUNS=${RUNS:-1}
out=$(mktemp -d /tmp/myvault-rto.XXXXXX)
trap 'rm -rf "$out"' EXIT

# field FILE PATTERN COLUMN: a column of the first table line of a compare_restore report.
field() { grep -m1 -F "$2" "$1" | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }
# sql_bytes FILE: the dataset's SQL size in bytes, from the report's "Dataset:" line.
sql_mb() { grep -m1 '^Dataset:' "$1" | sed -E 's/.*, ([0-9.]+) (MB|GB|MiB|GiB) of SQL.*/\1 \2/'; }
# phases FILE: "verify 3.4 / data 26.2 / ..." from myvault's report.
phases() {
  grep -m1 -E '^ *phases|phases:' "$1" | sed -E 's/^[^:]*: *//' || true
}

report() {
  echo "# RTO scaling, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$TABLES table(s), target pool $TARGET_POOL, $RUNS run(s) per cell (median)."
  echo "Machine: $(nproc) CPUs, load average (1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo "| rows | SQL | threads | wall s | s per GB of SQL | MB/s SQL | phases |"
  echo "|--:|--:|--:|--:|--:|--:|---|"
  local rows t f wall mbs mb
  for rows in $SIZES; do
    for t in $THREAD_COUNTS; do
      f=$out/$rows-$t.md
      [ -s "$f" ] || { echo "| $rows | | $t | failed | | | |"; continue; }
      wall=$(field "$f" '`myvault restore' 3)
      mbs=$(field "$f" '`myvault restore' 6)
      mb=$(sql_mb "$f")
      echo "| $rows | $mb | $t | $wall | $(awk -v m="$mbs" 'BEGIN { if (m > 0) printf "%.1f", 1000 / m }') |" \
        "$mbs | $(phases "$f") |"
    done
  done
}

for rows in $SIZES; do
  for t in $THREAD_COUNTS; do
    log "== $TABLES x $rows rows, $t threads"
    TABLES=$TABLES ROWS=$((rows / TABLES)) THREADS=$t RUNS=$RUNS TARGET_POOL=$TARGET_POOL \
      TOOLS=myvault KEEP=1 "$REPO/bench/compare_restore.sh" >"$out/$rows-$t.md" ||
      { log "$rows rows at $t threads failed"; rm -f "$out/$rows-$t.md"; }
  done
done
mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/rto-$(date -u +%Y%m%dT%H%M%SZ).md
report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
