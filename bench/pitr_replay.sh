#!/usr/bin/env bash
# Point-in-time recovery speed (issue 11): the replay throughput of `restore --until` (MB of
# binlog and transactions per second through mariadb-binlog | mariadb) and the RPO the archiver
# holds under a steady write load (its lag, sampled once a second). Two throwaway servers from
# tools/testserver; small by default: this is a shared 2-core machine, so read the figures as an
# order of magnitude and run with a larger TXNS on a quiet host.
#
#   bench/pitr_replay.sh
#
# Environment knobs (defaults): TXNS=2000 transactions of ROWS=50 rows each (sysbench-like rows),
# FLUSH=1 (the archiver's --flush-every).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
TXNS=${TXNS:-2000} ROWS=${ROWS:-50} FLUSH=${FLUSH:-1}
bin=$root/build/myvault
work=$(mktemp -d /tmp/myvault-pitr-bench.XXXXXX)
archiver=""
cleanup() {
  [ -n "$archiver" ] && kill "$archiver" 2>/dev/null && wait "$archiver" 2>/dev/null || true
  "$root/tools/testserver" stop "$work/src" >/dev/null 2>&1 || true
  "$root/tools/testserver" stop "$work/tgt" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cnf() {  # cnf DIR: an option file for the server testserver started in DIR
  local port
  port=$(grep -o 'MYVAULT_TEST_PORT=[0-9]*' "$1.env" | cut -d= -f2)
  printf '[client]\nuser=root\npassword=%s\nhost=127.0.0.1\nport=%s\n' "$(cat "$1/password")" \
    "$port" >"$1.cnf"
  chmod 600 "$1.cnf"
}
"$root/tools/testserver" start "$work/src" >"$work/src.env"
"$root/tools/testserver" start "$work/tgt" >"$work/tgt.env"
cnf "$work/src"
cnf "$work/tgt"
sql() { mariadb --defaults-file="$work/$1.cnf" -N -e "$2"; }

sql src "CREATE DATABASE sb; CREATE TABLE sb.t (id INT AUTO_INCREMENT PRIMARY KEY, k INT,
  c CHAR(120), pad CHAR(60), KEY (k)) ENGINE=InnoDB"
mkdir "$work/b"
"$bin" backup --dir "$work/b" --prefix p --defaults-file "$work/src.cnf" --databases sb \
  --progress none >/dev/null 2>&1
"$bin" binlog --dir "$work/b" --prefix p --defaults-file "$work/src.cnf" --flush-every "$FLUSH" \
  >"$work/archiver.log" 2>&1 &
archiver=$!

# The load: TXNS transactions of ROWS rows, in one client session; the lag sampled meanwhile.
insert="INSERT INTO sb.t (k, c, pad) SELECT FLOOR(RAND()*100000), REPEAT('x', 119), REPEAT('y', 59)
  FROM seq_1_to_$ROWS;"
( for ((i = 0; i < TXNS; i++)); do echo "$insert"; done ) |
  mariadb --defaults-file="$work/src.cnf" sb &
load=$!
lags=()
start=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  sleep 1
  synced=$(sed -n 's/^synced\t//p' "$work/b/p-binlog.index" 2>/dev/null || echo 0)
  lags+=($(($(date +%s) - ${synced:-0})))
done
wait "$load"
load_s=$(($(date +%s) - start))
end=$(sql src "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
for ((i = 0; i < 120; i++)); do
  last=$(awk -F'\t' '$1=="file"{f=$2; c=$5} END{print f ":" c}' "$work/b/p-binlog.index")
  [ "$last" = "$end" ] && break
  sleep 0.5
done
[ "$last" = "$end" ] || { echo "the archiver never caught up ($last, server $end)"; exit 1; }
sleep 1.5  # the replay must not race a file the archiver is still syncing
/usr/bin/time -f '%e' -o "$work/time" "$bin" restore --dir "$work/b" --prefix p \
  --until-position "$end" --defaults-file "$work/tgt.cnf" --yes --progress none >"$work/restore.out"
rows_src=$(sql src "SELECT COUNT(*) FROM sb.t")
rows_tgt=$(sql tgt "SELECT COUNT(*) FROM sb.t")
line=$(grep '^replayed' "$work/restore.out")
mb=$(sed -E 's/.*\(([0-9.]+) MB of binlog\) in ([0-9.]+) s.*/\1/' <<<"$line")
secs=$(sed -E 's/.*\(([0-9.]+) MB of binlog\) in ([0-9.]+) s.*/\2/' <<<"$line")
max_lag=0
for l in "${lags[@]}"; do [ "$l" -gt "$max_lag" ] && max_lag=$l; done
echo "# PITR replay, $(date -u '+%Y-%m-%d %H:%M UTC'), TXNS=$TXNS ROWS=$ROWS FLUSH=$FLUSH"
echo "rows: source $rows_src, target after restore --until-position $end: $rows_tgt"
echo "$line"
awk -v mb="$mb" -v s="$secs" -v t="$TXNS" 'BEGIN { printf "replay: %.2f MB/s of binlog, %.0f transactions/s\n", mb / s, t / s }'
echo "load: $TXNS transactions in ${load_s} s; archiver lag sampled each second: max ${max_lag} s (${#lags[@]} samples: ${lags[*]})"
[ "$rows_src" = "$rows_tgt" ] || { echo "MISMATCH"; exit 1; }
