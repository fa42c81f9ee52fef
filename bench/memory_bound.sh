#!/usr/bin/env bash
# Peak RSS of `myvault dump` as the database grows: the same sysbench table at growing sizes, the
# same number of rows split over 8 tables, and the two knobs that bound memory (--chunk-size,
# --max-chunks-in-flight). A measurement, not a test: it exits non-zero only when a tool fails.
# See bench/README.md and docs/benchmarks.md.
#
#   bench/memory_bound.sh
#
# Environment knobs (defaults):
#   SIZES="100000 400000 1600000 6400000"
#                                  rows of the one table, ascending; the first comes from sysbench
#                                  prepare, each next one by INSERT ... SELECT of the table's rows
#   WIDE=8                         tables of the wide dataset, LAST_SIZE / WIDE rows each
#   THREADS=2                      myvault dump --threads (every run)
#   RUNS=1                         dumps per configuration: median wall time, largest peak RSS
#
# Peak RSS is GNU time's %M (maximum resident set size) of the myvault process. glibc's allocator
# is part of what is measured: MALLOC_* variables in the environment (MALLOC_MMAP_THRESHOLD_=...,
# MALLOC_ARENA_MAX=...) are given to myvault only, not to the server or clients, and the report
# names them. Prints a Markdown table and writes it to
# bench/results/memory-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

SIZES=${SIZES:-"100000 400000 1600000 6400000"} WIDE=${WIDE:-8}
THREADS=${THREADS:-2} RUNS=${RUNS:-1}
MYVAULT=$REPO/build/myvault
read -r -a sizes <<<"$SIZES"
prev=0
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ && "$n" -gt "$prev" ]] || die "SIZES must be ascending row counts"
  prev=$n
done
[[ "$WIDE" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "WIDE and RUNS must be >= 1"
last_size=${sizes[-1]}
wide_rows=$((last_size / WIDE))
[ "$wide_rows" -gt 0 ] || die "the last of SIZES must be at least WIDE"

# The MALLOC_* variables, taken out of this script's environment and given to each dump only.
malloc_vars=()
while IFS= read -r v; do
  malloc_vars+=("$v")
  unset "${v%%=*}"
done < <(env | grep '^MALLOC_[A-Z_]*=' | sort)

work=$(mktemp -d /tmp/myvault-memory.XXXXXX)
cleanup() {
  trap '' INT TERM
  "$REPO/tools/testserver" stop "$work/server" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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

# dump_once DB OUT [OPTIONS...]: one `myvault dump` of DB into OUT, timed by GNU time into
# $work/time ("wall_s peak_rss_kib").
dump_once() {
  local db=$1 out=$2
  shift 2
  rm -f "$out" "$out.sha256"
  /usr/bin/time -f '%e %M' -o "$work/time" env "${malloc_vars[@]}" "$MYVAULT" dump \
    --defaults-file "$work/client.cnf" -h 127.0.0.1 -P "$SRV_PORT" -u root --databases "$db" \
    --threads "$THREADS" --quiet --output "$out" "$@" 2>"$work/stderr"
}

# measure LABEL DB TABLES ROWS [OPTIONS...]: RUNS dumps of DB; appends one line to results.tsv:
# label tables rows sql_bytes archive_bytes median_wall max_rss_kib.
measure() {
  local label=$1 db=$2 tables=$3 rows=$4 out=$work/dump.sql.gz rc walls=() rss=0 w r
  shift 4
  for _ in $(seq 1 "$RUNS"); do
    rc=0
    dump_once "$db" "$out" "$@" || rc=$?
    if [ "$rc" -ne 0 ]; then
      log "memory_bound: error: myvault dump $* failed (exit $rc):"
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
    "$rss" >>"$work/results.tsv"
  log "  $label: $(tail -1 "$work/results.tsv" |
    awk -F'\t' '{ printf "%.1f s, %.0f MiB", $6, $7 / 1024 }')"
}

# col LABEL N: column N of the results line of LABEL.
col() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$work/results.tsv"; }

# malloc_env: the MALLOC_* variables given to myvault, or "none".
malloc_env() {
  if [ "${#malloc_vars[@]}" -eq 0 ]; then echo none; else echo "${malloc_vars[*]}"; fi
}

write_report() {
  local base small big prev
  base=$(head -1 "$work/results.tsv" | cut -f7)
  small="1 x ${sizes[0]}" big="1 x $last_size"
  echo "# myvault dump memory bound, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`oltp_read_write\` tables (int id, int k, char(120) c, char(60) pad)."
  echo "Every run: \`myvault dump --threads $THREADS\`, TCP to a throwaway server on the same host;"
  echo "default --chunk-size (1 MiB) and --max-chunks-in-flight (2 x threads + compress threads)"
  echo "unless the configuration says otherwise. $RUNS run(s) per configuration: median wall time,"
  echo "largest peak RSS (GNU time %M). Machine: $(nproc) CPUs, $(awk '/MemTotal/ {
    printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM."
  echo "Versions: myvault $("$MYVAULT" --version | head -1 | sed 's/^myvault //'), server" \
    "$(sql sb1 -e 'SELECT VERSION()')."
  echo "MALLOC_* environment: $(malloc_env). With the defaults at most $((2 * THREADS + $(nproc)))"
  echo "chunks of 1 MiB of SQL are in flight: a dump of less SQL than that never fills the pool."
  echo
  echo "| configuration | tables | rows | SQL bytes | archive bytes | wall s | peak RSS MiB" \
    "| RSS / first |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|"
  awk -F'\t' -v b="$base" '{ printf "| %s | %d | %d | %d | %d | %.2f | %.1f | %.2f |\n",
    $1, $2, $3, $4, $5, $6, $7 / 1024, $7 / b }' "$work/results.tsv"
  echo
  ratio_line "largest/smallest" "$small" "$big"
  if [ "${#sizes[@]}" -gt 2 ]; then
    prev="1 x ${sizes[-2]}"
    ratio_line "largest/second largest" "$prev" "$big"
  fi
}

# ratio_line NAME SMALL BIG: "RSS ratio NAME (BIG rows against SMALL, Nx the SQL): R".
ratio_line() {
  awk -v n="$1" -v s="$(col "$2" 3)" -v S="$(col "$3" 3)" -v r="$(col "$2" 7)" \
    -v R="$(col "$3" 7)" -v q="$(col "$2" 4)" -v Q="$(col "$3" 4)" 'BEGIN {
    printf "- RSS ratio %s (%d rows against %d, %.1fx the SQL): %.2f\n", n, S, s, Q / q, R / r }'
}

log "== build"
step "build (Release)" build_release
"$MYVAULT" dump --help >/dev/null 2>&1 || die "build/myvault has no working dump subcommand"

log "== server"
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" \
  step "start server" server_start "$work/server"
write_client_cnf "$work/client.cnf" "$SRV_PASSWORD_FILE"

log "== one table, growing"
rm -f "$work/results.tsv"
step "sysbench prepare (1 x ${sizes[0]})" sysbench_prepare "$SRV_SOCKET" sb1 1 "${sizes[0]}" 2
for n in "${sizes[@]}"; do
  step "grow to $n rows" grow_to "$n"
  measure "1 x $n" sb1 1 "$n"
done

log "== knobs, on 1 x $last_size"
measure "1 x $last_size, --chunk-size 4MiB" sb1 1 "$last_size" --chunk-size 4MiB
measure "1 x $last_size, --max-chunks-in-flight 4" sb1 1 "$last_size" --max-chunks-in-flight 4

log "== $WIDE tables"
step "copy into $WIDE x $wide_rows" make_wide
measure "$WIDE x $wide_rows" sb8 "$WIDE" "$((WIDE * wide_rows))"

mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
