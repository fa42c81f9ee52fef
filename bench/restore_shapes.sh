#!/usr/bin/env bash
# myvault restore against myloader, shape by shape, in one run: many tables, one huge table, one
# huge table among small ones, and one huge table larger than the target's buffer pool (issue 10). Each shape is one
# bench/compare_restore.sh run with TOOLS="myvault myloader"; this script collects their ratio
# and peak-RSS lines into one table. See bench/README.md.
#
#   bench/restore_shapes.sh
#
# Environment knobs (defaults):
#   SCALE=8     divides every shape: 8 is 1/8 size (8 x 125k rows, 1 x 1M rows, 1 x 750k + 8 x
#               31,250, a 64 MiB pool); SCALE=1 is the full 1.6 GB shapes (8 x 1M, 1 x 8M,
#               1 x 6M + 8 x 250k, 1 x 8M with a 512 MiB pool)
#   THREADS=2 RUNS=1   passed on to compare_restore.sh
#   SHAPES="many one mixed small-pool"  the shapes to run
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

SCALE=${SCALE:-8} THREADS=${THREADS:-2} RUNS=${RUNS:-1} SHAPES=${SHAPES:-many one mixed small-pool}
[[ "$SCALE" =~ ^[1-9][0-9]*$ ]] || die "SCALE must be a whole number >= 1"
full_rows=8000000
out=$(mktemp -d /tmp/myvault-shapes.XXXXXX)
trap 'rm -rf "$out"' EXIT

# shape NAME: TABLES ROWS TARGET_POOL BIG_ROWS of a shape at this SCALE (the small pool keeps
# the table 4x it; BIG_ROWS 0 or the rows of sbtest1, the huge table among TABLES).
shape() {
  local rows=$((full_rows / SCALE)) pool_mib=$((512 / SCALE))
  case "$1" in
    many) echo "8 $((rows / 8)) 2G 0" ;;
    one) echo "1 $rows 2G 0" ;;
    mixed) echo "9 $((rows / 32)) 2G $((rows * 3 / 4))" ;;
    small-pool) echo "1 $rows $((pool_mib < 32 ? 32 : pool_mib))M 0" ;;
    *) return 1 ;;
  esac
}

# field FILE PATTERN COLUMN: a column of the first table line of a compare_restore report.
field() { grep -m1 -F "$2" "$1" | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }

report() {
  local name spec
  echo "# Restore shapes, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "SCALE=$SCALE (1 is the full 1.6 GB), $THREADS threads, $RUNS run(s) per tool (medians)."
  echo "Load average (1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo "| shape | target pool | myvault s | myloader s | wall ratio | myvault RSS MiB | myloader RSS MiB |"
  echo "|---|--:|--:|--:|--:|--:|--:|"
  for name in $SHAPES; do
    spec=$(shape "$name")
    read -r tables rows pool big <<<"$spec"
    local f=$out/$name.md what="$tables x $rows"
    [ "$big" = 0 ] || what="1 x $big + $((tables - 1)) x $rows"
    [ -s "$f" ] || { echo "| $name ($what) | $pool | failed | | | | |"; continue; }
    echo "| $name ($what) | $pool | $(field "$f" '`myvault restore' 3) |" \
      "$(field "$f" '`myloader' 3) | $(field "$f" '| myvault / myloader' 3) |" \
      "$(field "$f" '`myvault restore' 8) | $(field "$f" '`myloader' 8) |"
  done
  for name in $SHAPES; do
    [ -s "$out/$name.md" ] || continue
    echo
    echo "## $name: myvault's report"
    echo
    sed -n '/^## Report of/,$p' "$out/$name.md" | sed '1,2d'
  done
}

for name in $SHAPES; do
  spec=$(shape "$name") || die "SHAPES: unknown shape $name"
  read -r tables rows pool big <<<"$spec"
  log "== shape $name: $tables x $rows rows (sbtest1: ${big/#0/same}), target pool $pool"
  TABLES=$tables ROWS=$rows BIG_ROWS=$big TARGET_POOL=$pool THREADS=$THREADS RUNS=$RUNS \
    TOOLS="myvault myloader" KEEP=0 "$REPO/bench/compare_restore.sh" >"$out/$name.md" ||
    { log "shape $name failed"; rm -f "$out/$name.md"; }
done
mkdir -p "$REPO/bench/results"
result=$REPO/bench/results/shapes-$(date -u +%Y%m%dT%H%M%SZ).md
report >"$result"
cat "$result"
log "written to ${result#"$REPO"/}"
