#!/usr/bin/env bash
# Dump throughput of myvault against mydumper and mariadb-dump | gzip, on the same data, server,
# machine and thread count, in one run. See bench/README.md.
#
#   bench/compare_dump.sh
#
# Environment knobs (defaults):
#   TABLES=8 ROWS=250000   sysbench dataset (8 x 250k rows is about 400 MB of SQL)
#   THREADS=2              --threads of myvault, -t of mydumper (mariadb-dump has one)
#   RUNS=3                 runs per tool, in rotating order; the table shows medians
#   KEEP=1                 keep the dataset in .data/bench and reuse it next time
#   SKIP_MYVAULT=1         leave myvault out (to test the script before `myvault dump` exists)
#
# Each run is measured with GNU time (wall, user+sys CPU, peak RSS); for the mariadb-dump | gzip
# pipeline the CPU of both sides is summed and each side's peak RSS shown. The server's CPU
# (utime+stime of mariadbd from /proc) is measured around each run as well: it shares the cores.
# Prints a Markdown table and writes it to bench/results/dump-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-8} ROWS=${ROWS:-250000} THREADS=${THREADS:-2} RUNS=${RUNS:-3}
KEEP=${KEEP:-0} SKIP_MYVAULT=${SKIP_MYVAULT:-0}
DB=sbtest
MYVAULT=$REPO/build/myvault
for v in "$TABLES" "$ROWS" "$THREADS" "$RUNS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "TABLES, ROWS, THREADS and RUNS must be whole numbers >= 1"
done

bench_workspace "$KEEP" out

# The three contenders. Each writes into $1 and reads the password from the option file.
conn=()
dump_myvault() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "$MYVAULT" dump \
    --defaults-file "$work/client.cnf" "${conn[@]}" --databases "$DB" --threads "$THREADS" \
    --output "$1/dump.sql.gz" --quiet
}
dump_mydumper() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" mydumper \
    --defaults-file "$work/client.cnf" "${conn[@]}" -B "$DB" -G -E -R -c -t "$THREADS" \
    -o "$1/dir" -v 1
}
dump_mariadb_dump() {
  # The outer time gives the pipeline's wall time; the inner ones each side's CPU and RSS.
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" bash -c 'set -o pipefail
    /usr/bin/time -f "%e %U %S %M" -o "$2/time.left" mariadb-dump --defaults-file="$2/client.cnf" \
      "${@:4}" --single-transaction --quick --master-data=2 --routines --events --triggers \
      --databases "$3" |
    /usr/bin/time -f "%e %U %S %M" -o "$2/time.right" gzip -6 >"$1/dump.sql.gz"' \
    _ "$1" "$work" "$DB" "${conn[@]}"
}

# measure TOOL RUN: runs dump_TOOL once into a fresh directory and appends a line to results.tsv:
# tool run wall cpu rss rss2 bytes server_cpu.
measure() {
  local tool=$1 run=$2 out=$work/out/$1 before after rc=0 wall cpu rss rss2
  rm -rf "$out" "$work"/time.*
  mkdir -p "$out"
  before=$(server_cpu_ticks "$work/server")
  "dump_${tool//-/_}" "$out" 2>"$work/stderr" || rc=$?
  after=$(server_cpu_ticks "$work/server")
  if [ "$rc" -ne 0 ]; then
    log "compare_dump: error: $tool failed (exit $rc):"
    tail -5 "$work/stderr" >&2
    [ "$tool" != myvault ] || log "  (SKIP_MYVAULT=1 benchmarks the other tools without it)"
    return 1
  fi
  read -r wall cpu rss rss2 < <(gnu_times "$work")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$cpu" "$rss" "$rss2" \
    "$(du -sb "$out" | cut -f1)" "$(ticks_to_s $((after - before)))" >>"$work/results.tsv"
  log "  run $run $tool: ${wall} s wall, ${cpu} s CPU"
}

# median TOOL COLUMN: median of a results.tsv column over the runs of TOOL.
median() { tsv_median "$work/results.tsv" "$@"; }

label() {
  case "$1" in
    myvault) echo "\`myvault dump --threads $THREADS\`" ;;
    mydumper) echo "\`mydumper -c -t $THREADS\`" ;;
    mariadb-dump) echo "\`mariadb-dump --single-transaction \| gzip -6\`" ;;
  esac
}

# rss_mib TOOL: median peak RSS in MiB; "dump / gzip" for the pipeline.
rss_mib() {
  local r
  r=$(fmt %.0f "$(median "$1" 5 | awk '{ print $1 / 1024 }')")
  [ "$1" != mariadb-dump ] || r="$r / $(fmt %.0f "$(median "$1" 6 | awk '{ print $1 / 1024 }')")"
  echo "$r"
}

# row TOOL: one table row of medians.
row() {
  local cpu
  cpu=$(median "$1" 4)
  echo "| $(label "$1") | $(fmt %.2f "$(median "$1" 3)") | $(fmt %.2f "$cpu") |" \
    "$(fmt %.1f "$(awk -v c="$cpu" -v b="$sql_bytes" 'BEGIN { print c / (b / 1e9) }')") |" \
    "$(rss_mib "$1") | $(fmt %.1f "$(median "$1" 7 | awk '{ print $1 / 1e6 }')") |" \
    "$(fmt %.2f "$(median "$1" 8)") |"
}

# ratio_row OTHER: myvault's medians divided by OTHER's (RSS: against OTHER's largest process).
ratio_row() {
  local rss_other
  rss_other=$(median "$1" 5)
  [ "$1" != mariadb-dump ] ||
    rss_other=$(awk -v a="$rss_other" -v b="$(median "$1" 6)" 'BEGIN { print (a > b ? a : b) }')
  echo "| myvault / $1 | $(ratio "$(median myvault 3)" "$(median "$1" 3)") |" \
    "$(ratio "$(median myvault 4)" "$(median "$1" 4)") |" \
    "$(ratio "$(median myvault 4)" "$(median "$1" 4)") |" \
    "$(ratio "$(median myvault 5)" "$rss_other") |" \
    "$(ratio "$(median myvault 7)" "$(median "$1" 7)") |" \
    "$(ratio "$(median myvault 8)" "$(median "$1" 8)") |"
}

versions() {
  local v=""
  [ "$SKIP_MYVAULT" = 1 ] ||
    v="myvault $("$MYVAULT" --version 2>/dev/null | head -1 | sed 's/^myvault //' || echo '?'), "
  echo "${v}$(mydumper -V 2>&1 | head -1 | cut -d, -f1)," \
    "$(mariadb-dump --version | sed -E 's/.*Distrib ([^,]+),.*/mariadb-dump \1/')," \
    "server $(root_sql "$work/server" -N -e 'SELECT VERSION()')"
}

write_report() {
  echo "# Dump benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`$DB\`, $TABLES tables x $ROWS rows, $(human_bytes "$sql_bytes") of SQL"
  echo "(uncompressed $sql_from output). $RUNS runs per tool in rotating order; medians shown."
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), shared by"
  echo "the tool and the server (same host, TCP on 127.0.0.1). Threads: $THREADS."
  echo "Versions: $(versions)."
  echo
  echo "| tool | wall s | CPU s (user+sys) | CPU s / GB SQL | peak RSS MiB | output MB | server CPU s |"
  echo "|---|--:|--:|--:|--:|--:|--:|"
  for t in "${tools[@]}"; do row "$t"; done
  if [ "$SKIP_MYVAULT" != 1 ]; then
    ratio_row mydumper
    ratio_row mariadb-dump
  fi
  echo
  echo "Compression: myvault libdeflate at its default level, mydumper -c zlib default, gzip -6."
  echo "mariadb-dump | gzip: CPU is the sum of both processes, RSS is shown per process"
  echo "(ratios use the larger); mariadb-dump is single-threaded whatever THREADS is."
  if [ -s "$work/micro_bench.txt" ]; then
    echo
    echo "## Micro-benchmarks (build/bench/micro_bench --benchmark_min_time=0.2)"
    echo
    echo '```'
    cat "$work/micro_bench.txt"
    echo '```'
  fi
}

# run_micro_bench: Google Benchmark's table for build/bench/micro_bench, if it was built.
run_micro_bench() {
  local bin=$REPO/build/bench/micro_bench
  [ -x "$bin" ] || return 0
  "$bin" --benchmark_min_time=0.2 >"$work/micro_bench.txt" 2>/dev/null ||
    { log "  micro_bench failed"; rm -f "$work/micro_bench.txt"; return 1; }
}

log "== build"
step "build (Release)" build_release
tools=(mydumper mariadb-dump)
if [ "$SKIP_MYVAULT" != 1 ]; then
  "$MYVAULT" dump --help >/dev/null 2>&1 ||
    die "build/myvault has no working dump subcommand (SKIP_MYVAULT=1 skips it)"
  tools=(myvault "${tools[@]}")
fi

log "== server and dataset"
sysbench_bench_server "$work" "$DB" "$TABLES" "$ROWS" "$KEEP"
conn=(-h 127.0.0.1 -P "$SRV_PORT" -u root)

log "== $RUNS runs per tool, $THREADS threads"
rm -f "$work/results.tsv"
run_rotating "$RUNS" measure "${tools[@]}"

sql_from=myvault
[ "$SKIP_MYVAULT" != 1 ] || sql_from=mariadb-dump
sql_bytes=$(zcat "$work/out/$sql_from/dump.sql.gz" | wc -c)
log "== micro-benchmarks"
# An appendix: its failure must not throw away the dump figures measured above.
step "micro_bench" run_micro_bench || log "  (report written without micro-benchmarks)"
mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/dump-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
