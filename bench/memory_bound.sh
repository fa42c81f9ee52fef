#!/usr/bin/env bash
# Peak RSS of `myvault dump` as the database grows: the same sysbench table at growing sizes, the
# same number of rows split over 8 tables, and the two knobs that bound memory (--chunk-size,
# --max-chunks-in-flight). With MODE=restore, each archive is also loaded by `myvault restore`
# into a second server, and the restores' peak RSS is reported as well. A measurement, not a
# test: it exits non-zero only when a tool fails. See bench/README.md and docs/benchmarks.md.
#
#   bench/memory_bound.sh
#   MODE=restore bench/memory_bound.sh
#
# Environment knobs (defaults):
#   SIZES="100000 400000 1600000 6400000"
#                                  rows of the one table, ascending; the first comes from sysbench
#                                  prepare, each next one by INSERT ... SELECT of the table's rows
#   WIDE=8                         tables of the wide dataset, LAST_SIZE / WIDE rows each
#   THREADS=2                      myvault dump --threads (every run)
#   RUNS=1                         dumps per configuration: median wall time, largest peak RSS
#   MODE=dump                      restore: also `myvault restore --threads THREADS` each archive
#                                  (but the --max-chunks-in-flight one, the same as the default's)
#                                  into an emptied second server, RUNS times, and check its rows
#   PORT=N                         server on port N, restore target on N+1 (default: random ports)
#
# Peak RSS is GNU time's %M (maximum resident set size) of the myvault process. glibc's allocator
# is part of what is measured: MALLOC_* variables in the environment (MALLOC_MMAP_THRESHOLD_=...,
# MALLOC_ARENA_MAX=...) are given to myvault only, not to the server or clients, and the report
# names them. Prints a Markdown table (one per MODE) and writes it to
# bench/results/memory-<UTC time>.md, or memory-restore-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

SIZES=${SIZES:-"100000 400000 1600000 6400000"} WIDE=${WIDE:-8}
THREADS=${THREADS:-2} RUNS=${RUNS:-1} MODE=${MODE:-dump} PORT=${PORT:-}
MYVAULT=$REPO/build/myvault
read -r -a sizes <<<"$SIZES"
prev=0
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ && "$n" -gt "$prev" ]] || die "SIZES must be ascending row counts"
  prev=$n
done
[[ "$WIDE" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "WIDE and RUNS must be >= 1"
[[ "$MODE" = dump || "$MODE" = restore ]] || die "MODE must be dump or restore"
[[ -z "$PORT" || "$PORT" =~ ^[1-9][0-9]*$ ]] || die "PORT must be a port number"
last_size=${sizes[-1]}
wide_rows=$((last_size / WIDE))
[ "$wide_rows" -gt 0 ] || die "the last of SIZES must be at least WIDE"

# The MALLOC_* variables, taken out of this script's environment and given to each dump only.
malloc_vars=()
while IFS= read -r v; do
  malloc_vars+=("$v")
  unset "${v%%=*}"
done < <(env | grep '^MALLOC_[A-Z_]*=' | sort)

bench_workspace 0

# sql DB ARGS...: root over the socket, in DB, without binary logging (the dataset is scratch).
sql() {
  local db=$1
  shift
  root_sql "$work/server" -N -B --init-command='SET sql_log_bin = 0' "$db" "$@"
}

# grow_to ROWS: doubles sb1.sbtest1 (INSERT ... SELECT, new ids) until it holds ROWS rows, then
# refreshes its statistics (the dump plans its chunks from them).
grow_to() {
  local want=$1 have
  have=$(sql sb1 -e 'SELECT COUNT(*) FROM sbtest1') || return 1
  while [ "$have" -lt "$want" ]; do
    local add=$((want - have < have ? want - have : have))
    sql sb1 -e "INSERT INTO sbtest1 (k, c, pad)
                SELECT k, c, pad FROM sbtest1 ORDER BY id LIMIT $add" || return 1
    have=$((have + add))
  done
  sql sb1 -e 'ANALYZE TABLE sbtest1' >/dev/null
}

# make_wide: sb8.sbtest1..WIDE, each a copy of the first wide_rows rows of sb1.sbtest1.
make_wide() {
  local i
  sql sb1 -e 'CREATE DATABASE sb8' || return 1
  for i in $(seq 1 "$WIDE"); do
    sql sb8 -e "CREATE TABLE sbtest$i LIKE sb1.sbtest1;
                INSERT INTO sbtest$i SELECT * FROM sb1.sbtest1 ORDER BY id LIMIT $wide_rows;
                ANALYZE TABLE sbtest$i" >/dev/null || return 1
  done
}

# dump_once DB TABLES ROWS ARCHIVE [OPTIONS...]: one `myvault dump` of DB into ARCHIVE, timed by
# GNU time into $work/time ("wall_s peak_rss_kib").
dump_once() {
  local db=$1 out=$4
  shift 4
  rm -f "$out" "$out.sha256"
  /usr/bin/time -f '%e %M' -o "$work/time" env "${malloc_vars[@]}" "$MYVAULT" dump \
    --defaults-file "$work/client.cnf" -h 127.0.0.1 -P "$SRV_PORT" -u root --databases "$db" \
    --threads "$THREADS" --quiet --output "$out" "$@" 2>"$work/stderr"
}

# restore_once DB TABLES ROWS ARCHIVE [OPTIONS...]: drops DB on the target, loads ARCHIVE into it
# with `myvault restore`, timed like dump_once, and checks that sbtest1..TABLES hold ROWS rows.
restore_once() {
  local db=$1 tables=$2 rows=$3 archive=$4 counts="SELECT 0" i have
  shift 4
  root_sql "$work/target" -e "DROP DATABASE IF EXISTS \`$db\`" || return 1
  /usr/bin/time -f '%e %M' -o "$work/time" env "${malloc_vars[@]}" "$MYVAULT" restore \
    "$archive" --defaults-file "$work/target.cnf" --yes --threads "$THREADS" --quiet "$@" \
    2>"$work/stderr" || return
  for i in $(seq 1 "$tables"); do counts="$counts + (SELECT COUNT(*) FROM $db.sbtest$i)"; done
  have=$(root_sql "$work/target" -N -B -e "$counts") || return 1
  [ "$have" = "$rows" ] || { echo "restored $have rows of $rows" >>"$work/stderr"; return 1; }
}

# measure KIND LABEL DB TABLES ROWS [OPTIONS...]: RUNS runs of KIND_once (KIND: dump or restore)
# on $work/dump.sql.gz; appends one line to KIND.tsv:
# label tables rows sql_bytes archive_bytes median_wall max_rss_kib.
measure() {
  local kind=$1 label=$2 db=$3 tables=$4 rows=$5 out=$work/dump.sql.gz rc walls=() rss=0 w r
  shift 5
  for _ in $(seq 1 "$RUNS"); do
    rc=0
    "${kind}_once" "$db" "$tables" "$rows" "$out" "$@" || rc=$?
    if [ "$rc" -ne 0 ]; then
      log "memory_bound: error: myvault $kind $* failed (exit $rc):"
      tail -5 "$work/stderr" >&2
      return 1
    fi
    read -r w r <"$work/time"
    walls+=("$w")
    [ "$r" -le "$rss" ] || rss=$r
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tables" "$rows" \
    "$(zcat "$out" | wc -c)" "$(stat -c %s "$out")" \
    "$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 }
      END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')" \
    "$rss" >>"$work/$kind.tsv"
  log "  $kind $label: $(tail -1 "$work/$kind.tsv" |
    awk -F'\t' '{ printf "%.1f s, %.0f MiB", $6, $7 / 1024 }')"
}

# dump_and_restore LABEL DB TABLES ROWS [DUMP OPTIONS...]: measures the dump and, with
# MODE=restore, the restore of the archive it wrote.
dump_and_restore() {
  measure dump "$@" || return 1
  [ "$MODE" != restore ] || measure restore "${@:1:4}"
}

# col KIND LABEL N: column N of the KIND.tsv line of LABEL.
col() { awk -F'\t' -v l="$2" -v c="$3" '$1 == l { print $c }' "$work/$1.tsv"; }

# malloc_env: the MALLOC_* variables given to myvault, or "none".
malloc_env() {
  if [ "${#malloc_vars[@]}" -eq 0 ]; then echo none; else echo "${malloc_vars[*]}"; fi
}

write_report() {
  echo "# myvault $MODE memory bound, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`oltp_read_write\` tables (int id, int k, char(120) c, char(60) pad)."
  echo "Every dump: \`myvault dump --threads $THREADS\`, TCP to a throwaway server on the same host;"
  echo "default --chunk-size (1 MiB) and --max-chunks-in-flight (2 x threads + compress threads)"
  echo "unless the configuration says otherwise. $RUNS run(s) per configuration: median wall time,"
  echo "largest peak RSS (GNU time %M). Machine: $(nproc) CPUs, $(awk '/MemTotal/ {
    printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM."
  echo "Versions: myvault $("$MYVAULT" --version | head -1 | sed 's/^myvault //'), server" \
    "$(sql sb1 -e 'SELECT VERSION()')."
  echo "MALLOC_* environment: $(malloc_env). With the defaults at most $((2 * THREADS + $(nproc)))"
  echo "chunks of 1 MiB of SQL are in flight: a dump of less SQL than that never fills the pool."
  echo
  echo "## myvault dump"
  echo
  kind_report dump
  [ "$MODE" = restore ] || return 0
  echo
  echo "## myvault restore"
  echo
  echo "Each archive above (but the --max-chunks-in-flight one, the same as the default's) loaded"
  echo "with \`myvault restore --threads $THREADS --yes --quiet\` into a second throwaway server, the"
  echo "database dropped first; the restored row count is checked after each run."
  echo
  kind_report restore
}

# kind_report KIND: the table of KIND.tsv and its RSS ratios.
kind_report() {
  local base small="1 x ${sizes[0]}" big="1 x $last_size" prev
  base=$(head -1 "$work/$1.tsv" | cut -f7)
  echo "| configuration | tables | rows | SQL bytes | archive bytes | wall s | peak RSS MiB" \
    "| RSS / first |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|"
  awk -F'\t' -v b="$base" '{ printf "| %s | %d | %d | %d | %d | %.2f | %.1f | %.2f |\n",
    $1, $2, $3, $4, $5, $6, $7 / 1024, $7 / b }' "$work/$1.tsv"
  echo
  ratio_line "$1" "largest/smallest" "$small" "$big"
  if [ "${#sizes[@]}" -gt 2 ]; then
    prev="1 x ${sizes[-2]}"
    ratio_line "$1" "largest/second largest" "$prev" "$big"
  fi
}

# ratio_line KIND NAME SMALL BIG: "RSS ratio NAME (BIG rows against SMALL, Nx the SQL): R".
ratio_line() {
  local k=$1
  shift
  awk -v n="$1" -v s="$(col "$k" "$2" 3)" -v S="$(col "$k" "$3" 3)" -v r="$(col "$k" "$2" 7)" \
    -v R="$(col "$k" "$3" 7)" -v q="$(col "$k" "$2" 4)" -v Q="$(col "$k" "$3" 4)" 'BEGIN {
    printf "- RSS ratio %s (%d rows against %d, %.1fx the SQL): %.2f\n", n, S, s, Q / q, R / r }'
}

log "== build"
step "build (Release)" build_release
"$MYVAULT" dump --help >/dev/null 2>&1 || die "build/myvault has no working dump subcommand"
if [ "$MODE" = restore ]; then
  "$MYVAULT" --help 2>/dev/null | grep -q '^ *restore ' ||
    die "build/myvault has no restore subcommand (MODE=restore needs it)"
fi

log "== server"
# The target first: the SRV_* variables the dumps use must be the source's.
if [ "$MODE" = restore ]; then
  MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" \
    step "start restore target" server_start "$work/target" "${PORT:+$((PORT + 1))}"
  write_client_cnf "$work/target.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
fi
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" \
  step "start server" server_start "$work/server" "$PORT"
write_client_cnf "$work/client.cnf" "$SRV_PASSWORD_FILE"

log "== one table, growing"
rm -f "$work/dump.tsv" "$work/restore.tsv"
step "sysbench prepare (1 x ${sizes[0]})" sysbench_prepare "$SRV_SOCKET" sb1 1 "${sizes[0]}" 2
for n in "${sizes[@]}"; do
  step "grow to $n rows" grow_to "$n"
  dump_and_restore "1 x $n" sb1 1 "$n"
done

log "== knobs, on 1 x $last_size"
dump_and_restore "1 x $last_size, --chunk-size 4MiB" sb1 1 "$last_size" --chunk-size 4MiB
# Not restored: the chunks are the same as the default's, only fewer are in flight during the dump.
measure dump "1 x $last_size, --max-chunks-in-flight 4" sb1 1 "$last_size" \
  --max-chunks-in-flight 4

log "== $WIDE tables"
step "copy into $WIDE x $wide_rows" make_wide
dump_and_restore "$WIDE x $wide_rows" sb8 "$WIDE" "$((WIDE * wide_rows))"

mkdir -p "$REPO/bench/results"
name=memory
[ "$MODE" != restore ] || name=memory-restore
result=$REPO/bench/results/$name-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
