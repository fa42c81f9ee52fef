#!/usr/bin/env bash
# The cost of encryption (issue 13): `myvault dump` and `myvault restore` of the same sysbench
# data, plain (format 1) and encrypted for one X25519 recipient (format 2), in one run on one
# machine. See bench/README.md.
#
#   bench/encryption.sh
#
# Environment knobs (defaults):
#   TABLES=8 ROWS=250000   sysbench dataset (8 x 250k rows is about 400 MB of SQL; the issue's
#                          1.6 GB set is TABLES=16 ROWS=500000)
#   THREADS=2              --threads of dump and restore
#   RUNS=3                 runs per variant, in rotating order; the table shows medians
#   KEEP=1                 keep the source dataset in .data/bench (shared with the other scripts)
#   SKIP_BUILD=1           use build/myvault as it is (no Release build of everything first)
#
# A source server holds the dataset; each run dumps it (plain or --encrypt-to) and restores that
# archive into a second, emptied target server (--decrypt-with for the encrypted one). Wall time
# with GNU time; after each restore the target's tables, row counts and CHECKSUM TABLE must equal
# the source's, so a broken run cannot look fast. Prints a Markdown table with the encrypted/plain
# ratios and writes it to bench/results/encryption-<UTC time>.md (not committed).
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-8} ROWS=${ROWS:-250000} THREADS=${THREADS:-2} RUNS=${RUNS:-3} KEEP=${KEEP:-0}
DB=sbtest
MYVAULT=$REPO/build/myvault
for v in "$TABLES" "$ROWS" "$THREADS" "$RUNS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || die "TABLES, ROWS, THREADS and RUNS must be whole numbers >= 1"
done

bench_workspace "$KEEP" target enc

# fingerprint DIR: the tables of $DB with their row counts and CHECKSUM TABLE.
fingerprint() { table_checksums "$1/mysqld.sock" "$DB"; }

# measure VARIANT RUN: one dump and one restore of VARIANT (plain or encrypted); appends
# "variant run dump_wall restore_wall archive_bytes" to results.tsv.
measure() {
  local variant=$1 run=$2 archive=$work/enc/$1.sql.gz dump_wall restore_wall
  local enc=() dec=()
  if [ "$variant" = encrypted ]; then
    enc=(--encrypt-to "$work/enc/bench.key.pub")
    dec=(--decrypt-with "$work/enc/bench.key")
  fi
  rm -f "$archive" "$archive.sha256"
  /usr/bin/time -f '%e' -o "$work/time.dump" "$MYVAULT" dump --defaults-file "$work/source.cnf" \
    --databases "$DB" --threads "$THREADS" --output "$archive" --quiet "${enc[@]}" || return 1
  root_sql "$work/target" -e "DROP DATABASE IF EXISTS \`$DB\`" || return 1
  flush_dirty_pages "$work/target" || return 1
  /usr/bin/time -f '%e' -o "$work/time.restore" "$MYVAULT" restore "$archive" \
    --defaults-file "$work/target.cnf" --threads "$THREADS" --yes --quiet "${dec[@]}" || return 1
  fingerprint "$work/target" | cmp -s - "$work/fingerprint.source" ||
    { log "  $variant run $run: the target differs from the source"; return 1; }
  dump_wall=$(tail -1 "$work/time.dump")
  restore_wall=$(tail -1 "$work/time.restore")
  printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$run" "$dump_wall" "$restore_wall" \
    "$(stat -c %s "$archive")" >>"$work/results.tsv"
  log "  $variant run $run: dump $dump_wall s, restore $restore_wall s"
}

median() { tsv_median "$work/results.tsv" "$1" "$2"; }

write_report() {
  local v
  echo "# Encryption benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Dataset: sysbench \`$DB\`, $TABLES tables x $ROWS rows, $(human_bytes "$sql_bytes") of SQL."
  echo "$RUNS runs per variant in rotating order; medians shown. Threads: $THREADS."
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), shared"
  echo "with both servers. Load average (1 min) before and after: $load_before, $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo "| variant | dump wall s | restore wall s | archive size |"
  echo "|---|--:|--:|--:|"
  for v in plain encrypted; do
    echo "| $v | $(median "$v" 3) | $(median "$v" 4) | $(human_bytes "$(median "$v" 5)") |"
  done
  echo "| encrypted / plain | $(ratio "$(median encrypted 3)" "$(median plain 3)") |" \
    "$(ratio "$(median encrypted 4)" "$(median plain 4)") |" \
    "$(ratio "$(median encrypted 5)" "$(median plain 5)") |"
  echo
  echo "Single runs (dump, restore wall s): $(awk -F'\t' '{ printf "%s%s %s/%s", (n++ ? "; " : ""), $1, $3, $4 }' "$work/results.tsv")."
  echo "Every restore was checked against the source (tables, row counts, CHECKSUM TABLE)."
}

log "== build"
[ "${SKIP_BUILD:-0}" = 1 ] || step "build (Release)" build_release
"$MYVAULT" keygen --help >/dev/null 2>&1 || die "build/myvault has no keygen subcommand"

log "== servers, dataset and key"
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=1G" step "start source server" \
  server_start "$work/server"
write_client_cnf "$work/source.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
step "sysbench prepare ($TABLES x $ROWS)" sysbench_dataset "$work/server" "$DB" "$TABLES" "$ROWS" \
  "$KEEP"
rm -rf "$work/target" "$work/enc"
mkdir -p "$work/enc"
MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=1G" step "start target server" \
  server_start "$work/target"
write_client_cnf "$work/target.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
"$MYVAULT" keygen --out "$work/enc/bench.key" >/dev/null
step "fingerprint of the source" fingerprint "$work/server" >"$work/fingerprint.source"

log "== $RUNS runs per variant, $THREADS threads"
rm -f "$work/results.tsv"
load_before=$(cut -d' ' -f1 /proc/loadavg)
run_rotating "$RUNS" measure plain encrypted
sql_bytes=$(zcat "$work/enc/plain.sql.gz" | wc -c)

mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/encryption-$(date -u +%Y%m%dT%H%M%SZ).md
write_report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
