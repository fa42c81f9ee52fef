#!/usr/bin/env bash
# The whole scheduled-backup cycle of the seed setup (mariadb-dump | gzip, sha256sum, gzip -t)
# against `myvault backup`, on the same data, server and machine, in one run; with the time of
# `myvault status` and of a restore drill into a second server. See bench/README.md.
#
#   bench/compare_backup.sh
#
# Environment knobs (defaults):
#   TABLES=8 ROWS=250000   sysbench dataset (8 x 250k rows is about 400 MB of SQL)
#   THREADS=4              --threads of `myvault backup` (its default; mariadb-dump has one)
#   DRILL_THREADS=2        --threads of `myvault drill`
#   RUNS=3                 runs per step, in rotating order; the table shows medians
#   KEEP=1                 keep the dataset in .data/bench (shared with compare_dump.sh)
#   DRILL=0                leave out the drill and its target server
#
# A cycle is everything a scheduled run does until the backup is safe to rely on. The seed's:
# `mariadb-dump --single-transaction --routines --triggers --events --databases DB | gzip >
# F.partial && mv F.partial F`, `sha256sum F > F.sha256`, `gzip -t F`. myvault's: `myvault
# backup` (dump, verify, .sha256, latest link, retention). Each cycle writes into an empty
# directory and is measured as one process tree with GNU time: wall, user+sys CPU of every process
# in it, the largest peak RSS among them; the seed's three phases are timed inside it as well. The
# server's CPU (utime+stime from /proc) is measured around each run. Then `myvault status` (which
# hashes the newest backup) and `myvault drill` (restore of the newest backup into a second
# server, row counts checked, the copy dropped) run RUNS times on the last myvault backup, the
# target's dirty pages flushed (untimed) before each drill. The last archive of each cycle is
# checked untimed: `gzip -t`, its .sha256, and `myvault verify` for myvault's. Prints a Markdown
# table and writes it to bench/results/backup-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-8} ROWS=${ROWS:-250000} THREADS=${THREADS:-4} DRILL_THREADS=${DRILL_THREADS:-2}
RUNS=${RUNS:-3} KEEP=${KEEP:-0} DRILL=${DRILL:-1}
unset GZIP  # gzip reads options from it
DB=sbtest
MYVAULT=$REPO/build/myvault
for v in "$TABLES" "$ROWS" "$THREADS" "$DRILL_THREADS" "$RUNS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] ||
    die "TABLES, ROWS, THREADS, DRILL_THREADS and RUNS must be whole numbers >= 1"
done

bench_workspace "$KEEP" out target

# The timed steps. A cycle writes into the empty directory $1; status and drill read the last
# myvault backup in $work/out/myvault. Each reads the password from an option file.
conn=()
cycle_seed() {
  # One process tree under the outer time; the phase boundaries go to $2/phases.
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" bash -c 'set -eo pipefail
    t0=$(date +%s%N)
    mariadb-dump --defaults-file="$2/client.cnf" "${@:4}" --single-transaction --routines \
      --triggers --events --databases "$3" | gzip >"$1/f.sql.gz.partial"
    mv "$1/f.sql.gz.partial" "$1/f.sql.gz"
    t1=$(date +%s%N)
    (cd "$1" && sha256sum f.sql.gz >f.sql.gz.sha256)
    t2=$(date +%s%N)
    gzip -t "$1/f.sql.gz"
    t3=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 )) $(( (t3 - t2) / 1000000 ))" \
      >"$2/phases"' _ "$1" "$work" "$DB" "${conn[@]}"
}
cycle_myvault() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "$MYVAULT" backup --dir "$1" \
    --defaults-file "$work/client.cnf" "${conn[@]}" --databases "$DB" --threads "$THREADS" -q
}
cycle_status() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "$MYVAULT" status \
    --dir "$work/out/myvault" --max-age 1h
}
cycle_drill() {
  # --json instead of -q: the drill's own RTO is read from it.
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.main" "$MYVAULT" drill \
    --dir "$work/out/myvault" --defaults-file "$work/target.cnf" --threads "$DRILL_THREADS" --json
}

# archive_of TOOL: the backup file a cycle of TOOL left in its directory.
archive_of() {
  case "$1" in
    seed) echo "$work/out/seed/f.sql.gz" ;;
    myvault) find "$work/out/myvault" -maxdepth 1 -type f -name '*.sql.gz' | sort | tail -1 ;;
  esac
}

# server_of TOOL: the server TOOL's step works on (status works on none: its server CPU is 0).
server_of() { if [ "$1" = drill ]; then echo "$work/target"; else echo "$work/server"; fi; }

# measure TOOL RUN: one timed step; appends a line to results.tsv: tool run wall cpu rss rss2
# server_cpu bytes phase1 phase2 phase3 (bytes: the archive written; phases: the seed's dump,
# sha256sum and gzip -t in s, or the drill's own RTO in phase1; "-" where none).
measure() {
  local tool=$1 run=$2 out=$work/out/$1 before after rc=0 wall cpu rss rss2 bytes=- p1=- p2=- p3=-
  rm -f "$work"/time.* "$work/phases"
  if [ "$tool" = seed ] || [ "$tool" = myvault ]; then rm -rf "$out" && mkdir -p "$out"; fi
  # Untimed: the target flushes what the previous drill wrote, so drills do not slow each other.
  if [ "$tool" = drill ]; then flush_dirty_pages "$work/target" || return 1; fi
  before=$(server_cpu_ticks "$(server_of "$tool")")
  "cycle_$tool" "$out" >"$work/stdout.$tool" 2>"$work/stderr" || rc=$?
  after=$(server_cpu_ticks "$(server_of "$tool")")
  if [ "$rc" -ne 0 ]; then
    log "compare_backup: error: $tool failed (exit $rc):"
    tail -5 "$work/stderr" "$work/stdout.$tool" >&2
    return 1
  fi
  read -r wall cpu rss rss2 < <(gnu_times "$work")
  case "$tool" in
    seed)
      bytes=$(stat -c %s "$(archive_of seed)")
      read -r p1 p2 p3 < <(awk '{ print $1 / 1000, $2 / 1000, $3 / 1000 }' "$work/phases") ;;
    myvault) bytes=$(stat -c %s "$(archive_of myvault)") ;;
    drill) p1=$(sed -nE 's/.*"rto_seconds": *([0-9.]+).*/\1/p' "$work/stdout.drill") ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$cpu" "$rss" \
    "$rss2" "$(ticks_to_s $((after - before)))" "$bytes" "$p1" "$p2" "$p3" >>"$work/results.tsv"
  log "  run $run $tool: ${wall} s wall, ${cpu} s CPU"
}

# check_archive TOOL: the untimed check of TOOL's last archive: gzip -t, the .sha256 beside it,
# and for myvault `myvault verify`; records "TOOL compressed uncompressed" in sizes.
check_archive() {
  local f
  f=$(archive_of "$1")
  [ -s "$f" ] || { log "  no archive from $1"; return 1; }
  gzip -t "$f" || return 1
  (cd "$(dirname "$f")" && sha256sum --quiet -c "$(basename "$f").sha256") || return 1
  [ "$1" != myvault ] || "$MYVAULT" verify -q "$f" || return 1
  echo "$1 $(stat -c %s "$f") $(zcat "$f" | wc -c)" >>"$work/sizes"
}

# myvault_dump_seconds: the dump's own duration in the last myvault backup, from its index (read
# through status's metrics, untimed); the rest of that run's wall time is verify, .sha256, link
# and retention.
myvault_dump_seconds() {
  "$MYVAULT" status --dir "$work/out/myvault" --max-age 1h --no-checksum -q \
    --metrics-file "$work/status.prom" || return 1
  awk '$1 == "myvault_newest_backup_dump_duration_seconds" { print $2 }' "$work/status.prom"
}

# median TOOL COLUMN: median of a results.tsv column over the runs of TOOL.
median() { tsv_median "$work/results.tsv" "$@"; }
size_of() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$work/sizes"; }
mb() { fmt %.1f "$(awk -v b="$1" 'BEGIN { print b / 1e6 }')"; }

label() {
  case "$1" in
    seed) echo "seed cycle: \`mariadb-dump \| gzip\`, \`sha256sum\`, \`gzip -t\`" ;;
    myvault) echo "\`myvault backup --threads $THREADS\`" ;;
    status) echo "\`myvault status --max-age 1h\` (hashes the newest backup)" ;;
    drill) echo "\`myvault drill --threads $DRILL_THREADS\` (second server)" ;;
  esac
}

# row TOOL: one table row of medians.
row() {
  local out=- rss
  [ "$1" != seed ] && [ "$1" != myvault ] || out=$(mb "$(median "$1" 8)")
  rss=$(fmt %.0f "$(median "$1" 5 | awk '{ print $1 / 1024 }')")
  echo "| $(label "$1") | $(fmt %.2f "$(median "$1" 3)") | $(fmt %.2f "$(median "$1" 4)") |" \
    "$(fmt %.2f "$(median "$1" 7)") | $rss | $out |"
}

ratio_row() {
  echo "| myvault backup / seed cycle | **$(ratio "$(median myvault 3)" "$(median seed 3)")** |" \
    "$(ratio "$(median myvault 4)" "$(median seed 4)") |" \
    "$(ratio "$(median myvault 7)" "$(median seed 7)") |" \
    "$(ratio "$(median myvault 5)" "$(median seed 5)") |" \
    "$(ratio "$(median myvault 8)" "$(median seed 8)") |"
}

versions() {
  echo "myvault $("$MYVAULT" --version 2>/dev/null | head -1 | sed 's/^myvault //' || echo '?')," \
    "$(mariadb-dump --version | sed -E 's/.*Distrib ([^,]+),.*/mariadb-dump \1/')," \
    "$(gzip --version | head -1), server $(root_sql "$work/server" -N -e 'SELECT VERSION()')"
}

write_report() {
  local t
  echo "# Backup cycle benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`$DB\`, $TABLES tables x $ROWS rows, $(human_bytes "$(size_of myvault 3)")"
  echo "of SQL (uncompressed myvault archive). $RUNS runs per step in rotating order; medians shown."
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), shared by"
  echo "the tools and the server(s) (same host, TCP on 127.0.0.1)."
  echo "Load average (1 min) before and after the runs: $load_before, $(cut -d' ' -f1 /proc/loadavg)."
  echo "Versions: $(versions)."
  echo
  echo "| step | wall s | CPU s (user+sys, all processes) | server CPU s | peak RSS MiB | archive MB |"
  echo "|---|--:|--:|--:|--:|--:|"
  row seed
  row myvault
  ratio_row
  for t in status drill; do [[ " ${tools[*]} " != *" $t "* ]] || row "$t"; done
  echo
  echo "Single runs (wall s): $(single_runs "$work/results.tsv" "${tools[@]}")."
  echo
  echo "Seed cycle by phase (medians): dump + gzip $(fmt %.2f "$(median seed 9)") s, sha256sum" \
    "$(fmt %.2f "$(median seed 10)") s, gzip -t $(fmt %.2f "$(median seed 11)") s."
  echo "myvault backup, last run: the dump took $(fmt %.0f "$dump_s") s (whole seconds, from the" \
    "index) of $(fmt %.2f "$(awk -F'\t' '$1 == "myvault" { w = $3 } END { print w }' \
    "$work/results.tsv")") s wall; the rest is the verify of the archive, its .sha256, the" \
    "latest link and retention."
  if [ "$DRILL" = 1 ]; then
    echo "Drill RTO as the drill reports it (restore + row check, medians):" \
      "$(fmt %.2f "$(median drill 9)") s; its last report: \`$(cat "$work/stdout.drill")\`."
  fi
  echo
  echo "Archives (the last of each cycle; \`gzip -t\` and \`sha256sum -c\` passed on both, and"
  echo "\`myvault verify\` on myvault's): seed $(mb "$(size_of seed 2)") MB compressed," \
    "$(mb "$(size_of seed 3)") MB of SQL (gzip -6);"
  echo "myvault $(mb "$(size_of myvault 2)") MB compressed, $(mb "$(size_of myvault 3)") MB of SQL" \
    "(libdeflate level 1, myvault's default)."
  echo "CPU and peak RSS are GNU time's for the whole process tree of a step (CPU summed over"
  echo "every process, RSS the largest one). The server CPU of the drill is the target server's."
}

log "== build"
step "build (Release)" build_release
"$MYVAULT" --help 2>/dev/null | grep -q '^ *backup ' || die "build/myvault has no backup subcommand"
tools=(seed myvault status)
[ "$DRILL" != 1 ] || tools+=(drill)

log "== servers and dataset"
sysbench_bench_server "$work" "$DB" "$TABLES" "$ROWS" "$KEEP"
conn=(-h 127.0.0.1 -P "$SRV_PORT" -u root)
if [ "$DRILL" = 1 ]; then
  rm -rf "$work/target"
  MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" \
    step "start target server" server_start "$work/target" || exit 1
  write_client_cnf "$work/target.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
fi

log "== $RUNS runs per cycle, then of status and drill on the last myvault backup"
rm -f "$work/results.tsv" "$work/sizes"
load_before=$(cut -d' ' -f1 /proc/loadavg)
run_rotating "$RUNS" measure seed myvault || exit 1
run_rotating "$RUNS" measure "${tools[@]:2}" || exit 1

log "== archive checks"
step "seed archive: gzip -t, sha256sum -c" check_archive seed || exit 1
step "myvault archive: gzip -t, sha256sum -c, myvault verify" check_archive myvault || exit 1

dump_s=$(myvault_dump_seconds) || die "myvault status could not read the last backup"
mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/backup-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
