#!/usr/bin/env bash
# The two ways to replay archived binlog through a server (issue 11 point 3), side by side on the
# same binlog: `mariadb-binlog | mariadb` (one client session, what `restore --until` runs) and
# the server's own replication SQL thread reading the files as its relay log (`CHANGE MASTER TO
# RELAY_LOG_FILE=..., RELAY_LOG_POS=...; START SLAVE SQL_THREAD`), single-threaded and with the
# parallel applier (slave_parallel_threads, optimistic mode). Throwaway servers from
# tools/testserver; every target starts from the same empty table and must end with the
# source's rows (CHECKSUM TABLE).
#
#   bench/pitr_routes.sh
#
# Environment knobs (defaults): TXNS=4000 transactions of ROWS=20 rows, written by CLIENTS=4
# concurrent sessions (so that the parallel applier has independent transactions to overlap),
# PARALLEL=4 (slave_parallel_threads of the parallel route), START=mid|file (mid: the replay
# starts inside a binlog file, as after a backup's snapshot; file: at the start of a file).
#
# The SQL-thread route needs what a backup client does not have: the files in the target's data
# directory (copied there by hand below), a server_id other than the source's, and a replication
# channel left configured. The script prints a Markdown table and writes
# bench/results/pitr-routes-<UTC>.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
TXNS=${TXNS:-4000} ROWS=${ROWS:-20} CLIENTS=${CLIENTS:-4} PARALLEL=${PARALLEL:-4}
START=${START:-mid}
work=$(mktemp -d /tmp/myvault-pitr-routes.XXXXXX)
servers=()
cleanup() {
  for s in "${servers[@]}"; do "$root/tools/testserver" stop "$work/$s" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {  # start_server NAME [mariadbd options]: a throwaway server in $work/NAME
  local name=$1
  shift
  MYVAULT_TESTSERVER_ARGS="$*" "$root/tools/testserver" start "$work/$name" >"$work/$name.env"
  servers+=("$name")
  # The password goes to the clients in a mode-0600 option file, never on a command line.
  (umask 077 && printf '[client]\nuser=root\nsocket=%s\npassword=%s\n' \
    "$work/$name/mysqld.sock" "$(cat "$work/$name/password")" >"$work/$name.cnf")
}
sql() {  # sql NAME STATEMENTS
  mariadb --defaults-file="$work/$1.cnf" -N -B -e "$2"
}
table="CREATE DATABASE sb; CREATE TABLE sb.t (id BIGINT PRIMARY KEY, k INT, c CHAR(120),
  pad CHAR(60), KEY (k)) ENGINE=InnoDB"

start_server src
sql src "$table"
[ "$START" = file ] && sql src "FLUSH BINARY LOGS"
read -r first_file first_pos < <(sql src "SHOW MASTER STATUS" | awk '{print $1, $2}')
[ "$START" = file ] && first_pos=4
# The load: CLIENTS sessions, each TXNS/CLIENTS transactions of ROWS rows with keys of its own.
per=$((TXNS / CLIENTS))
for ((c = 0; c < CLIENTS; c++)); do
  for ((i = 0; i < per; i++)); do
    base=$(((c * per + i) * ROWS))
    echo "INSERT INTO sb.t SELECT $base + seq, FLOOR(RAND()*100000), REPEAT('x', 119),
      REPEAT('y', 59) FROM seq_1_to_$ROWS;"
  done | mariadb --defaults-file="$work/src.cnf" sb &
done
wait
sql src "FLUSH BINARY LOGS"
last_gtid=$(sql src "SELECT @@gtid_binlog_pos")
want=$(sql src "CHECKSUM TABLE sb.t" | awk '{print $2}')
mapfile -t files < <(sql src "SHOW BINARY LOGS" | awk -v f="$first_file" '$1 >= f {print $1}' |
  head -n -1)  # the last one is the empty file FLUSH opened
bytes=0
for f in "${files[@]}"; do bytes=$((bytes + $(stat -c %s "$work/src/data/$f"))); done
bytes=$((bytes - first_pos))

results=()
record() {  # record ROUTE SECONDS: checks the target's rows and keeps a table row
  local name=$1 secs=$2 got
  got=$(sql "$name" "CHECKSUM TABLE sb.t" | awk '{print $2}')
  [ "$got" = "$want" ] || { echo "$name: checksum $got, source $want" >&2; exit 1; }
  results+=("$(awk -v n="$3" -v s="$secs" -v b="$bytes" -v t="$TXNS" \
    'BEGIN { printf "| %s | %.2f | %.1f | %.0f |", n, s, b / 1e6 / s, t / s }')")
}

# Route 1: mariadb-binlog | mariadb, one session, as restore --until runs it.
start_server pipe
sql pipe "$table"
paths=()
for f in "${files[@]}"; do paths+=("$work/src/data/$f"); done
t0=$(date +%s.%N)
mariadb-binlog --start-position="$first_pos" "${paths[@]}" |
  mariadb --defaults-file="$work/pipe.cnf" --binary-mode
t1=$(date +%s.%N)
record pipe "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "mariadb-binlog piped to mariadb (1 session)"
# Where that time goes: the decoding alone, into /dev/null.
t0=$(date +%s.%N)
mariadb-binlog --start-position="$first_pos" "${paths[@]}" >/dev/null
t1=$(date +%s.%N)
results+=("$(awk -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v b="$bytes" \
  'BEGIN { printf "| (of which mariadb-binlog decoding alone, to /dev/null) | %.2f | %.1f | |", s, b / 1e6 / s }')")

# Routes 2 and 3: the SQL thread reading the copied files as its relay log.
sql_thread() {  # sql_thread NAME THREADS LABEL
  local name=$1 threads=$2 label=$3 n=0 index="" t0 t1 ok
  start_server "$name" --server-id=3 --relay-log=relay-bin --skip-slave-start \
    --relay-log-recovery=0
  sql "$name" "$table"
  for f in "${files[@]}"; do
    n=$((n + 1))
    cp "$work/src/data/$f" "$work/$name/data/$(printf 'relay-bin.%06d' "$n")"
    index+=$(printf './relay-bin.%06d\n' "$n")$'\n'
  done
  printf '%s' "$index" >"$work/$name/data/relay-bin.index"
  sql "$name" "SET GLOBAL slave_parallel_threads=$threads;
    SET GLOBAL slave_parallel_mode='optimistic';
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_USER='none',
    RELAY_LOG_FILE='relay-bin.000001', RELAY_LOG_POS=$first_pos"
  t0=$(date +%s.%N)
  sql "$name" "START SLAVE SQL_THREAD"
  ok=$(sql "$name" "SELECT MASTER_GTID_WAIT('$last_gtid', 600)" 2>&1) || ok="server gone: $ok"
  t1=$(date +%s.%N)
  if [ "$ok" != 0 ]; then
    if grep -q 'got signal' "$work/$name/error.log"; then
      ok="mariadbd crashed ($(grep -m1 -o 'got signal [0-9]*' "$work/$name/error.log"))"
    fi
    results+=("| $label | failed: ${ok//$'\n'/ } | | |")
    return
  fi
  record "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$label"
}
sql_thread sqt1 0 "SQL thread, single-threaded"
sql_thread sqtn "$PARALLEL" "SQL thread, $PARALLEL parallel workers (optimistic)"

report=$(
  echo "# Binlog replay routes, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$TXNS transactions of $ROWS rows from $CLIENTS sessions, $(awk -v b="$bytes" \
    'BEGIN { printf "%.1f MB", b / 1e6 }') of binlog, replay from ${files[0]}:$first_pos" \
    "(START=$START); load average $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo "| route | wall s | MB/s of binlog | transactions/s |"
  echo "|---|--:|--:|--:|"
  printf '%s\n' "${results[@]}"
)
mkdir -p "$root/bench/results"
printf '%s\n' "$report" | tee "$root/bench/results/pitr-routes-$(date -u +%Y%m%dT%H%M%SZ).md"
