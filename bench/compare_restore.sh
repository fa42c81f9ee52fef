#!/usr/bin/env bash
# Restore throughput of `myvault restore` against myloader and `zcat | mariadb`, on the same data,
# target server, machine and thread count, in one run. See bench/README.md.
#
#   bench/compare_restore.sh
#
# Environment knobs (defaults):
#   TABLES=8 ROWS=250000   sysbench dataset (8 x 250k rows is about 400 MB of SQL)
#   BIG_ROWS=0             when above ROWS: sbtest1 holds this many rows, one huge table among
#                          TABLES - 1 small ones (bench/restore_shapes.sh's mixed shape)
#   THREADS=2              --threads of myvault, -t of myloader (and of the dumps they load)
#   RUNS=3                 runs per tool, in rotating order; the table shows medians
#   WARMUP=1               one untimed load by the first tool before the timed runs (0: none)
#   KEEP=1                 keep the source dataset in .data/bench (shared with compare_dump.sh)
#   SKIP_MYVAULT=1         leave `myvault restore` out (to test the script before it exists)
#   PORT=N                 source server on port N, target on N+1 (default: free random ports)
#   TOOLS="myvault myloader"  only these contenders (default: all; bench/restore_shapes.sh)
#   TARGET_POOL=2G         the target server's innodb_buffer_pool_size (a table larger than it)
#   TARGET_ARGS=""         more mariadbd options for the target, e.g. a durable configuration:
#                          "--innodb-flush-log-at-trx-commit=1 --sync-binlog=1" (tools/testserver
#                          starts it with innodb_flush_log_at_trx_commit=2 and log-bin)
#
# Contenders besides the default ones (name them in TOOLS): myvault-exclusive, `myvault restore
# --exclusive` (durability relaxed for the load, then put back; a ratio row against myvault).
#
# A source server holds the sysbench dataset; mydumper (-c) and `myvault dump` dump it once. Each
# run then loads one of them into a second, target server, from the same empty state: the
# database dropped and the server's dirty pages flushed before the run. The warm-up load before
# them makes the target touch its buffer pool once: on a virtual machine whose memory the host
# backs at first touch (the CI machines: about 3.7 s per GiB), whichever tool ran first into the
# fresh server would otherwise pay several seconds for it (docs/benchmarks.md). Each run is measured with
# GNU time (wall, user+sys CPU, peak RSS); for the zcat | mariadb pipeline the CPU of both sides
# is summed and each side's peak RSS shown. The target server's CPU (utime+stime from /proc) is
# measured around each run. After each run the target must match the source (tables, row counts,
# CHECKSUM TABLE, index columns), so that a broken load cannot look fast. Prints a Markdown table
# and writes it to bench/results/restore-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-8} ROWS=${ROWS:-250000} BIG_ROWS=${BIG_ROWS:-0} THREADS=${THREADS:-2} RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1} KEEP=${KEEP:-0} SKIP_MYVAULT=${SKIP_MYVAULT:-0} PORT=${PORT:-} TOOLS=${TOOLS:-}
TARGET_POOL=${TARGET_POOL:-2G} TARGET_ARGS=${TARGET_ARGS:-}
DB=sbtest
MYVAULT=$REPO/build/myvault
for v in "$TABLES" "$ROWS" "$THREADS" "$RUNS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "TABLES, ROWS, THREADS and RUNS must be whole numbers >= 1"
done
[[ "$BIG_ROWS" =~ ^[0-9]+$ ]] || die "BIG_ROWS must be a whole number"
[ "$BIG_ROWS" -gt "$ROWS" ] || BIG_ROWS=0
[[ "$WARMUP" =~ ^[01]$ ]] || die "WARMUP must be 0 or 1"
[[ -z "$PORT" || "$PORT" =~ ^[1-9][0-9]*$ ]] || die "PORT must be a port number"

bench_workspace "$KEEP" target restore
in=$work/restore/in

# tsql ARGS...: root on the target over its socket, batch output without column names.
tsql() { root_sql "$work/target" -N -B "$@"; }

# make_inputs: the two dumps of the source that the loaders read: mydumper's directory (for
# myloader) and myvault's archive (for myvault restore and zcat | mariadb).
make_inputs() {
  rm -rf "$in"
  mkdir -p "$in"
  mydumper --defaults-file "$work/source.cnf" -B "$DB" -c -t "$THREADS" -o "$in/mydumper" -v 1 ||
    return 1
  "$MYVAULT" dump --defaults-file "$work/source.cnf" --databases "$DB" --threads "$THREADS" \
    --output "$in/archive.sql.gz" --quiet
}

# fingerprint SERVER_DIR: what a correct restore reproduces: the columns of every index (a
# deferred index must not be lost), each table's exact row count and its CHECKSUM TABLE.
fingerprint() {
  local dir=$1 counts
  root_sql "$dir" -N -B -e "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '$DB' ORDER BY 1, 2, 3" || return 1
  counts=$(root_sql "$dir" -N -B -e "SELECT GROUP_CONCAT(CONCAT('SELECT ''', TABLE_NAME,
    ''', COUNT(*) FROM \`$DB\`.\`', TABLE_NAME, '\`') ORDER BY TABLE_NAME SEPARATOR ' UNION ALL ')
    FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_TYPE = 'BASE TABLE'") ||
    return 1
  if [ -z "$counts" ] || [ "$counts" = NULL ]; then log "  no tables in \`$DB\`"; return 1; fi
  root_sql "$dir" -N -B -e "$counts" && table_checksums "$dir/mysqld.sock" "$DB"
}

# reset_target: drops what the last run loaded, then lets InnoDB flush its dirty pages (at most
# two minutes) so that no run pays for the writes of the one before it.
reset_target() {
  tsql -e "DROP DATABASE IF EXISTS \`$DB\`; DROP DATABASE IF EXISTS _myvault_restore" ||
    return 1
  flush_dirty_pages "$work/target"
}

# The contenders. Each loads into the target, reading the password from the option file, and
# leaves its stdout in $work/stdout.
restore_myloader() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" myloader \
    --defaults-file "$work/target.cnf" -d "$in/mydumper" -o -t "$THREADS" -v 1
}
restore_mariadb() {
  # The outer time gives the pipeline's wall time; the inner ones each side's CPU and RSS. Binary
  # logging is off, as myloader and myvault restore have it by default.
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" bash -c 'set -o pipefail
    /usr/bin/time -f "%e %U %S %M" -o "$2/time.left" zcat "$1" |
    /usr/bin/time -f "%e %U %S %M" -o "$2/time.right" mariadb --defaults-file="$2/target.cnf" \
      --init-command="SET sql_log_bin = 0"' _ "$in/archive.sql.gz" "$work"
}
restore_myvault_with() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "$MYVAULT" restore "$in/archive.sql.gz" \
    --defaults-file "$work/target.cnf" --yes --threads "$THREADS" --defer-indexes "$@" \
    --progress none
}
restore_myvault() { restore_myvault_with auto; }
restore_myvault_always() { restore_myvault_with always; }
restore_myvault_never() { restore_myvault_with never; }
# The INSERT statements themselves, as the server would run them from zcat (no LOAD DATA).
restore_myvault_insert() { restore_myvault_with auto --load-method insert; }
restore_myvault_exclusive() { restore_myvault_with auto --exclusive; }

# measure TOOL RUN: one restore by TOOL into the emptied target, checked against the source;
# appends a line to results.tsv: tool run wall cpu rss rss2 server_cpu.
measure() {
  local tool=$1 run=$2 before after rc=0 wall cpu rss rss2
  rm -f "$work"/time.*
  reset_target || { log "compare_restore: error: could not reset the target"; return 1; }
  before=$(server_cpu_ticks "$work/target")
  "restore_${tool//-/_}" >"$work/stdout.$tool" 2>"$work/stderr" || rc=$?
  after=$(server_cpu_ticks "$work/target")
  if [ "$rc" -ne 0 ]; then
    log "compare_restore: error: $tool failed (exit $rc):"
    tail -5 "$work/stderr" >&2
    [ "${tool%%-*}" != myvault ] || log "  (SKIP_MYVAULT=1 benchmarks the other tools without it)"
    return 1
  fi
  if ! fingerprint "$work/target" >"$work/fingerprint.target" ||
      ! cmp -s "$work/fingerprint.source" "$work/fingerprint.target"; then
    log "compare_restore: error: $tool restored different data (source <, target >):"
    diff "$work/fingerprint.source" "$work/fingerprint.target" | head -10 >&2
    return 1
  fi
  read -r wall cpu rss rss2 < <(gnu_times "$work")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$cpu" "$rss" "$rss2" \
    "$(ticks_to_s $((after - before)))" >>"$work/results.tsv"
  log "  run $run $tool: ${wall} s wall, ${cpu} s CPU"
}

# warm_up TOOL: one untimed load by TOOL into the emptied target, checked like a timed one.
warm_up() {
  reset_target || return 1
  "restore_${1//-/_}" >/dev/null 2>"$work/stderr" || { tail -5 "$work/stderr" >&2; return 1; }
  fingerprint "$work/target" >"$work/fingerprint.target" &&
    cmp -s "$work/fingerprint.source" "$work/fingerprint.target"
}

# median TOOL COLUMN: median of a results.tsv column over the runs of TOOL.
median() { tsv_median "$work/results.tsv" "$@"; }

label() {
  case "$1" in
    myloader) echo "\`myloader -o -t $THREADS\` (mydumper -c output)" ;;
    mariadb) echo "\`zcat \| mariadb\`" ;;
    myvault) echo "\`myvault restore --threads $THREADS\` (--defer-indexes auto)" ;;
    myvault-insert) echo "\`myvault restore --threads $THREADS --load-method insert\`" ;;
    myvault-exclusive) echo "\`myvault restore --threads $THREADS --exclusive\`" ;;
    myvault-*) echo "\`myvault restore --threads $THREADS --defer-indexes ${1#myvault-}\`" ;;
  esac
}

# rss_mib TOOL: median peak RSS in MiB; "zcat / mariadb" for the pipeline.
rss_mib() {
  local r
  r=$(fmt %.0f "$(median "$1" 5 | awk '{ print $1 / 1024 }')")
  [ "$1" != mariadb ] || r="$r / $(fmt %.0f "$(median "$1" 6 | awk '{ print $1 / 1024 }')")"
  echo "$r"
}

# row TOOL: one table row of medians.
row() {
  local wall
  wall=$(median "$1" 3)
  echo "| $(label "$1") | $(fmt %.2f "$wall") | $(fmt %.2f "$(median "$1" 4)") |" \
    "$(fmt %.2f "$(median "$1" 7)") |" \
    "$(fmt %.1f "$(awk -v b="$sql_bytes" -v w="$wall" 'BEGIN { print b / 1e6 / w }')") |" \
    "$(fmt %.0f "$(awk -v r="$total_rows" -v w="$wall" 'BEGIN { print r / w }')") |" \
    "$(rss_mib "$1") |"
}

# ratio_row TOOL OTHER: TOOL's medians divided by OTHER's: wall, CPU, server CPU and RSS (against
# the larger process of a pipeline); the throughput columns are left empty.
ratio_row() {
  local rss_other name=$1
  [ "$1" = myvault ] || name="myvault --defer-indexes ${1#myvault-}"
  [ "$1" != myvault-insert ] || name="myvault --load-method insert"
  [ "$1" != myvault-exclusive ] || name="myvault --exclusive"
  rss_other=$(median "$2" 5)
  [ "$2" != mariadb ] ||
    rss_other=$(awk -v a="$rss_other" -v b="$(median "$2" 6)" 'BEGIN { print (a > b ? a : b) }')
  echo "| $name / $2 | $(ratio "$(median "$1" 3)" "$(median "$2" 3)") |" \
    "$(ratio "$(median "$1" 4)" "$(median "$2" 4)") |" \
    "$(ratio "$(median "$1" 7)" "$(median "$2" 7)") | | |" \
    "$(ratio "$(median "$1" 5)" "$rss_other") |"
}

# has_tool TOOL: TOOL is one of this run's contenders.
has_tool() { [[ " ${tools[*]} " == *" $1 "* ]]; }

versions() {
  local v=""
  v="myvault $("$MYVAULT" --version 2>/dev/null | head -1 | sed 's/^myvault //' || echo '?'), "
  echo "${v}$(myloader -V 2>&1 | head -1 | cut -d, -f1) with $(mydumper -V 2>&1 | head -1 |
    cut -d, -f1), $(mariadb --version | sed -E 's/.*Distrib ([^,]+),.*/mariadb \1/')," \
    "server $(tsql -e 'SELECT VERSION()')"
}

write_report() {
  local t
  echo "# Restore benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`$DB\`, $dataset, $(human_bytes "$sql_bytes") of SQL"
  echo "(uncompressed myvault archive; rows/s and MB/s of SQL use these two figures for every tool)."
  echo "$RUNS runs per tool in rotating order, each into an emptied target server; medians shown."
  [ "$WARMUP" = 0 ] ||
    echo "Before them one untimed warm-up load by ${tools[0]} (the target touches its buffer pool)."
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), shared by"
  echo "the tool and the target server (same host, TCP on 127.0.0.1). Threads: $THREADS."
  echo "Load average (1 min) before and after the runs: $load_before, $(cut -d' ' -f1 /proc/loadavg)."
  echo "Versions: $(versions)."
  echo "Target: innodb_buffer_pool_size $TARGET_POOL, extra options \`${TARGET_ARGS:-none}\`; after"
  echo "the runs: $(tsql -e "SELECT CONCAT('innodb_flush_log_at_trx_commit=',
    @@innodb_flush_log_at_trx_commit, ', sync_binlog=', @@sync_binlog, ', log_bin=', @@log_bin)")."
  echo
  echo "| tool | wall s | CPU s (user+sys) | server CPU s | MB/s SQL | rows/s | peak RSS MiB |"
  echo "|---|--:|--:|--:|--:|--:|--:|"
  for t in "${tools[@]}"; do row "$t"; done
  if [ "$SKIP_MYVAULT" != 1 ]; then
    for t in myvault myvault-always myvault-never myvault-insert; do
      has_tool "$t" && has_tool myloader && ratio_row "$t" myloader
    done
    ! has_tool mariadb || ratio_row myvault mariadb
    ! { has_tool myvault-exclusive && has_tool myvault; } || ratio_row myvault-exclusive myvault
  fi
  echo
  echo "Single runs (wall s): $(single_runs "$work/results.tsv" "${tools[@]}")."
  if [ "$SKIP_MYVAULT" != 1 ]; then
    echo
    ! has_tool myloader ||
      echo "Issue 3 target, \`myvault restore\` wall time at most 0.7 x myloader's at equal threads:" \
      "$(ratio "$(median myvault 3)" "$(median myloader 3)")."
  fi
  echo
  echo "Every run was checked against the source: same tables, row counts, CHECKSUM TABLE and index"
  echo "columns. myloader reads mydumper's \`-c\` output (one gzip file per table, written with"
  echo "\`-t $THREADS\`); the others read the myvault archive. Binary logging is off for every"
  echo "load. zcat | mariadb: CPU is the sum of both processes, RSS is shown per process (ratios"
  echo "use the larger); the client is single-threaded whatever THREADS is."
  for t in myvault myvault-always myvault-never myvault-insert myvault-exclusive; do
    [ -s "$work/stdout.$t" ] || continue
    echo
    echo "## Report of $(label "$t"), last run"
    echo
    echo '```'
    cat "$work/stdout.$t"
    echo '```'
  done
}

log "== build"
step "build (Release)" build_release
"$MYVAULT" dump --help >/dev/null 2>&1 || die "build/myvault has no working dump subcommand"
for t in myloader mydumper; do
  command -v "$t" >/dev/null || die "$t is needed (Debian package mydumper)"
done
tools=(myloader mariadb)
if [ "$SKIP_MYVAULT" != 1 ]; then
  "$MYVAULT" --help 2>/dev/null | grep -q '^ *restore ' ||
    die "build/myvault has no restore subcommand (SKIP_MYVAULT=1 skips it)"
  tools=(myvault myvault-always myvault-never myvault-insert "${tools[@]}")
fi
if [ -n "$TOOLS" ]; then
  read -r -a wanted <<<"$TOOLS"
  [ "$SKIP_MYVAULT" = 1 ] || tools+=(myvault-exclusive)  # named only, never by default
  for t in "${wanted[@]}"; do has_tool "$t" || die "TOOLS: unknown tool $t"; done
  tools=("${wanted[@]}")
fi

log "== servers, dataset and dumps"
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" \
  step "start source server" server_start "$work/server" "$PORT"
write_client_cnf "$work/source.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
dataset="$TABLES tables x $ROWS rows"
[ "$BIG_ROWS" = 0 ] || dataset="sbtest1 with $BIG_ROWS rows and $((TABLES - 1)) tables x $ROWS rows"
step "sysbench prepare ($dataset)" sysbench_dataset "$work/server" "$DB" "$TABLES" "$ROWS" \
  "$KEEP" "$BIG_ROWS"
rm -rf "$work/target"
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=$TARGET_POOL $TARGET_ARGS" \
  step "start target server" server_start "$work/target" "${PORT:+$((PORT + 1))}"
write_client_cnf "$work/target.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
step "dump with mydumper and myvault" make_inputs
step "fingerprint of the source" fingerprint "$work/server" >"$work/fingerprint.source"
sql_bytes=$(zcat "$in/archive.sql.gz" | wc -c)
total_rows=$((TABLES * ROWS))
[ "$BIG_ROWS" = 0 ] || total_rows=$(((TABLES - 1) * ROWS + BIG_ROWS))

log "== $RUNS runs per tool, $THREADS threads"
rm -f "$work/results.tsv"
[ "$WARMUP" = 0 ] || step "untimed warm-up load by ${tools[0]}" warm_up "${tools[0]}"
load_before=$(cut -d' ' -f1 /proc/loadavg)
run_rotating "$RUNS" measure "${tools[@]}"

mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/restore-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
