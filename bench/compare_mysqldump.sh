#!/usr/bin/env bash
# Plain-SQL dump speed of myvault's mysqldump drop-in mode against the stock mariadb-dump, on the
# same data, server and machine, in one run. See bench/README.md and docs/benchmarks.md
# ("mysqldump mode").
#
#   bench/compare_mysqldump.sh
#
# Environment knobs (defaults):
#   TABLES=8 ROWS=250000   sysbench dataset (8 x 250k rows is about 400 MB of SQL)
#   THREADS=               --threads of the main myvault run (empty: myvault's default)
#   RUNS=3                 runs per variant, in rotating order; the table shows medians
#   KEEP=1                 keep the dataset in .data/bench (shared with compare_dump.sh)
#   DEVNULL=1              also both tools writing to /dev/null (no output disk writes)
#   GZIP_PIPE=1            also both piped through `gzip -1 > FILE` (the usual cron line)
#   RESTORE=0              skip loading each tool's file into a second server to check it
#   SKIP_MYVAULT=1         leave myvault out (to test the script before mysqldump mode exists)
#
# Every variant is `--single-transaction --databases sbtest` over TCP, the password in an option
# file. The headline is plain file output (`--result-file` on the same disk for both); myvault
# runs at its default thread count and at --threads 1. Each run is measured with GNU time (wall,
# user+sys CPU, peak RSS; a gzip pipeline sums both sides' CPU and shows each side's RSS) and
# the server's CPU (utime+stime of mariadbd from /proc) around it. After every run the rows in
# the output's INSERT statements are counted and must be TABLES x ROWS; with RESTORE=1 the last
# file of each tool is loaded with the stock client into a second server and its CHECKSUM TABLE
# compared with the source. Prints a Markdown table and writes it to
# bench/results/mysqldump-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-8} ROWS=${ROWS:-250000} THREADS=${THREADS:-} RUNS=${RUNS:-3}
KEEP=${KEEP:-0} DEVNULL=${DEVNULL:-0} GZIP_PIPE=${GZIP_PIPE:-0} RESTORE=${RESTORE:-1}
SKIP_MYVAULT=${SKIP_MYVAULT:-0}
unset GZIP  # gzip reads options from it
DB=sbtest
MYVAULT=$REPO/build/myvault
for v in "$TABLES" "$ROWS" "$RUNS" ${THREADS:+"$THREADS"}; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "TABLES, ROWS, THREADS and RUNS must be whole numbers >= 1"
done
if [ ! -x /usr/bin/time ]; then
  log "GNU time is missing: installing the 'time' package"
  apt-get install -y time >/dev/null || die "could not install GNU time (apt-get install time)"
fi

bench_workspace "$KEEP" out target

# command_of VARIANT: sets cmd to the variant's dump command, output not yet chosen.
conn=()
command_of() {
  case "$1" in
    myvault*) cmd=("$MYVAULT" mysqldump) ;;
    mariadb-dump*) cmd=(mariadb-dump) ;;
  esac
  cmd+=(--defaults-file="$work/client.cnf" "${conn[@]}" --single-transaction)
  case "$1" in
    myvault-t1) cmd+=(--threads 1) ;;
    myvault*) [ -z "$THREADS" ] || cmd+=(--threads "$THREADS") ;;
  esac
}

# dump VARIANT OUT: one timed run, its output in directory OUT (dump.sql or dump.sql.gz).
dump() {
  local cmd
  command_of "$1"
  case "$1" in
    *-null)
      /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "${cmd[@]}" --databases "$DB" \
        >/dev/null ;;
    *-gzip)
      # The outer time gives the pipeline's wall time; the inner ones each side's CPU and RSS.
      /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" bash -c 'set -o pipefail
        /usr/bin/time -f "%e %U %S %M" -o "$1/time.left" "${@:3}" |
        /usr/bin/time -f "%e %U %S %M" -o "$1/time.right" gzip -1 >"$2"' \
        _ "$work" "$2/dump.sql.gz" "${cmd[@]}" --databases "$DB" ;;
    *)
      /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "${cmd[@]}" \
        --result-file="$2/dump.sql" --databases "$DB" ;;
  esac
}

# insert_rows FILE: rows in the INSERT statements of a plain or gzipped dump. sysbench values
# hold no '(', so every '(' inside an INSERT statement opens a row.
insert_rows() {
  local cat=cat
  [[ "$1" != *.gz ]] || cat="gzip -dc"
  $cat "$1" | awk '/^INSERT INTO/ { ins = 1 } ins { n += gsub(/\(/, "(") } ins && /;$/ { ins = 0 }
    END { print n + 0 }'
}

# measure VARIANT RUN: runs dump once into a fresh directory, checks the rows it wrote and appends
# a line to results.tsv: variant run wall cpu rss rss2 bytes server_cpu rows.
measure() {
  local variant=$1 run=$2 out=$work/out/$1 before after rc=0 wall cpu rss rss2 file rows=-
  local bytes=-
  rm -rf "$out" "$work"/time.*
  mkdir -p "$out"
  before=$(server_cpu_ticks "$work/server")
  dump "$variant" "$out" 2>"$work/stderr" || rc=$?
  after=$(server_cpu_ticks "$work/server")
  if [ "$rc" -ne 0 ]; then
    log "compare_mysqldump: error: $variant failed (exit $rc):"
    tail -5 "$work/stderr" >&2
    [[ "$variant" != myvault* ]] || log "  (SKIP_MYVAULT=1 benchmarks mariadb-dump without it)"
    return 1
  fi
  file=$(find "$out" -name 'dump.sql*' | head -1)
  if [ -n "$file" ]; then
    bytes=$(stat -c %s "$file")
    rows=$(insert_rows "$file")
    if [ "$rows" -ne $((TABLES * ROWS)) ]; then
      log "compare_mysqldump: error: $variant wrote $rows rows, the dataset has $((TABLES * ROWS))"
      return 1
    fi
  fi
  read -r wall cpu rss rss2 < <(gnu_times "$work")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$run" "$wall" "$cpu" "$rss" "$rss2" \
    "$bytes" "$(ticks_to_s $((after - before)))" "$rows" >>"$work/results.tsv"
  log "  run $run $variant: ${wall} s wall, ${cpu} s CPU"
}

# restore_check VARIANT: loads VARIANT's file with the stock client into the target server and
# compares every table's CHECKSUM with the source's. Not timed.
restore_check() {
  local file=$work/out/$1/dump.sql
  root_sql "$work/target" -e "DROP DATABASE IF EXISTS \`$DB\`" || return 1
  root_sql "$work/target" --max-allowed-packet=1G <"$file" || return 1
  if [ "$(table_checksums "$work/target/mysqld.sock" "$DB")" != "$source_sums" ]; then
    log "compare_mysqldump: error: $1's dump does not restore to the source's tables"
    return 1
  fi
  restored+=("$1")
}

median() { tsv_median "$work/results.tsv" "$@"; }

label() {
  local t=${THREADS:+ --threads $THREADS}
  case "$1" in
    myvault) echo "\`myvault mysqldump$t -r FILE\`${t:- (default threads)}" ;;
    myvault-t1) echo "\`myvault mysqldump --threads 1 -r FILE\`" ;;
    mariadb-dump) echo "\`mariadb-dump -r FILE\`" ;;
    myvault-null) echo "\`myvault mysqldump$t > /dev/null\`" ;;
    mariadb-dump-null) echo "\`mariadb-dump > /dev/null\`" ;;
    myvault-gzip) echo "\`myvault mysqldump$t \| gzip -1 > FILE\`" ;;
    mariadb-dump-gzip) echo "\`mariadb-dump \| gzip -1 > FILE\`" ;;
  esac
}

# rss_mib VARIANT: median peak RSS in MiB; "dump / gzip" for a pipeline.
rss_mib() {
  local r
  r=$(fmt %.0f "$(median "$1" 5 | awk '{ print $1 / 1024 }')")
  [[ "$1" != *-gzip ]] || r="$r / $(fmt %.0f "$(median "$1" 6 | awk '{ print $1 / 1024 }')")"
  echo "$r"
}

# row VARIANT: one table row of medians.
row() {
  local mb=-
  [[ "$1" == *-null ]] || mb=$(fmt %.1f "$(median "$1" 7 | awk '{ print $1 / 1e6 }')")
  echo "| $(label "$1") | $(fmt %.2f "$(median "$1" 3)") | $(fmt %.2f "$(median "$1" 4)") |" \
    "$(rss_mib "$1") | $mb | $(fmt %.2f "$(median "$1" 8)") |"
}

# ratio_row MYVAULT_VARIANT MARIADB_VARIANT: how many times faster, and myvault / mariadb-dump.
ratio_row() {
  echo "| $(label "$1") vs $(label "$2") | **$(ratio "$(median "$2" 3)" "$(median "$1" 3)")x** |" \
    "$(ratio "$(median "$1" 3)" "$(median "$2" 3)") | $(ratio "$(median "$1" 4)" "$(median "$2" 4)") |" \
    "$(ratio "$(median "$1" 5)" "$(median "$2" 5)") |"
}

singles() {
  local t
  for t in "${variants[@]}"; do
    printf '%s %s; ' "$t" "$(awk -F'\t' -v k="$t" '$1 == k { printf "%s%s", s, $3; s = ", " }' \
      "$work/results.tsv")"
  done | sed 's/; $//'
}

versions() {
  local v=""
  [ "$SKIP_MYVAULT" = 1 ] ||
    v="myvault $("$MYVAULT" --version 2>/dev/null | head -1 | sed 's/^myvault //' || echo '?'), "
  echo "${v}$(mariadb-dump --version | sed -E 's/.*Distrib ([^,]+),.*/mariadb-dump \1/')," \
    "server $(root_sql "$work/server" -N -e 'SELECT VERSION()')"
}

write_report() {
  local v
  echo "# mysqldump mode benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`$DB\`, $TABLES tables x $ROWS rows; mariadb-dump writes" \
    "$(human_bytes "$(median mariadb-dump 7)") of SQL."
  echo "Every variant: \`--single-transaction --databases $DB\`, TCP to 127.0.0.1. $RUNS runs per"
  echo "variant in rotating order; medians shown. Machine: $(nproc) CPUs ($(grep -m1 'model name' \
    /proc/cpuinfo | sed 's/.*: //')), shared by the tool and the server."
  echo "Versions: $(versions). Load average before: $load_before, after: $(cut -d' ' -f1-3 \
    /proc/loadavg)."
  echo
  echo "| variant | wall s | CPU s (user+sys) | peak RSS MiB | output MB | server CPU s |"
  echo "|---|--:|--:|--:|--:|--:|"
  for v in "${variants[@]}"; do row "$v"; done
  if [ "$SKIP_MYVAULT" != 1 ]; then
    echo
    echo "| myvault vs mariadb-dump | faster | wall ratio | CPU ratio | RSS ratio |"
    echo "|---|--:|--:|--:|--:|"
    for v in "${variants[@]}"; do
      case "$v" in
        myvault) ratio_row myvault mariadb-dump ;;
        myvault-t1) ratio_row myvault-t1 mariadb-dump ;;
        myvault-null | myvault-gzip) ratio_row "$v" "mariadb-dump-${v#myvault-}" ;;
      esac
    done
  fi
  echo
  echo "Single runs (wall s): $(singles)."
  echo "Every run's output held $((TABLES * ROWS)) rows in its INSERT statements."
  local names=${restored[*]}
  [ "${#restored[@]}" -eq 0 ] || echo "Loaded with the stock \`mariadb\` client into a second" \
    "server, the last file of each of ${names// / and } gave the source's CHECKSUM TABLE for" \
    "every table."
}

log "== build"
step "build (Release)" build_release
variants=(mariadb-dump)
[ "$DEVNULL" != 1 ] || variants+=(mariadb-dump-null)
[ "$GZIP_PIPE" != 1 ] || variants+=(mariadb-dump-gzip)
if [ "$SKIP_MYVAULT" != 1 ]; then
  help=$("$MYVAULT" mysqldump --help 2>&1 || true)
  [[ "$help" == *--single-transaction* ]] ||
    die "build/myvault has no working mysqldump mode (SKIP_MYVAULT=1 skips it)"
  variants=(myvault myvault-t1 "${variants[@]}")
  [ "$DEVNULL" != 1 ] || variants+=(myvault-null)
  [ "$GZIP_PIPE" != 1 ] || variants+=(myvault-gzip)
fi

log "== server and dataset"
sysbench_bench_server "$work" "$DB" "$TABLES" "$ROWS" "$KEEP"
conn=(-h 127.0.0.1 -P "$SRV_PORT" -u root)

log "== $RUNS runs per variant"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$work/results.tsv"
run_rotating "$RUNS" measure "${variants[@]}"

restored=()
if [ "$RESTORE" = 1 ]; then
  log "== restore check"
  step "start target server" server_start "$work/target"
  source_sums=$(table_checksums "$work/server/mysqld.sock" "$DB")
  step "restore mariadb-dump's file" restore_check mariadb-dump
  [ "$SKIP_MYVAULT" = 1 ] || step "restore myvault's file" restore_check myvault
fi

mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/mysqldump-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
