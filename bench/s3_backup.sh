#!/usr/bin/env bash
# Backups straight into S3-compatible storage and restores straight out of it, against the same
# work staged on local disk and moved with the AWS CLI, on the same data and machine, one run
# each (see bench/README.md).
#
#   bench/s3_backup.sh
#
# Environment knobs (defaults):
#   TABLES=4 ROWS=100000   sysbench dataset (4 x 100k rows is about 80 MB of SQL)
#   THREADS=2              --threads of backup and restore
#
# Four steps, each one process tree measured by GNU time (wall, the largest peak RSS in it):
#   backup to S3      `myvault backup --dir s3://myvault-test/bench-s3` (streams the multipart
#                     upload while dumping, then verifies with ranged GETs)
#   backup + aws cp   `myvault backup --dir DIR` (local), then `aws s3 cp` of the archive and its
#                     .sha256 into the bucket
#   restore from S3   `myvault restore s3://.../NAME --yes` into a second server (ranged GETs)
#   aws cp + restore  `aws s3 cp` of the archive to local disk, then `myvault restore FILE --yes`
# The S3 server is s3rver on loopback (tools/s3server): it measures our side of the protocol and
# s3rver's speed, not a network. Prints a Markdown table; writes bench/results/s3-<UTC>.md.
set -euo pipefail
source "$(dirname "$0")/../tools/lib/common.sh"

TABLES=${TABLES:-4} ROWS=${ROWS:-100000} THREADS=${THREADS:-2}
DB=sbtest
MYVAULT=$REPO/build/myvault
AWS=/usr/bin/aws  # Debian's awscli (a pyenv shim may come first on PATH)
[ -x "$AWS" ] || die "no /usr/bin/aws: run tools/setup-deps"

bench_workspace 0 out target s3
s3_stop() { "$REPO/tools/s3server" stop "$work/s3" || true; }
trap 's3_stop; bench_cleanup' EXIT

# An existing build/myvault is used as it is (build it Release); otherwise it is built.
[ -x "$MYVAULT" ] || step "build (Release)" build_release
log "== servers and dataset"
sysbench_bench_server "$work" "$DB" "$TABLES" "$ROWS" 0
conn=(-h 127.0.0.1 -P "$SRV_PORT" -u root)
write_client_cnf "$work/source.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
step "start target server" server_start "$work/target" || exit 1
write_client_cnf "$work/target.cnf" "$SRV_PASSWORD_FILE" 127.0.0.1 "$SRV_PORT" root
s3_env=$("$REPO/tools/s3server" start "$work/s3") || die "tools/s3server did not start"
endpoint=$(sed -n 's/^MYVAULT_TEST_S3_ENDPOINT=//p' <<<"$s3_env")
# Debian's awscli predates AWS_ENDPOINT_URL: it gets --endpoint-url (myvault reads the variable).
export AWS_ENDPOINT_URL=$endpoint AWS_ACCESS_KEY_ID=S3RVER AWS_REGION=us-east-1
AWS_SECRET_ACCESS_KEY=$(cat "$work/s3/secret")
export AWS_SECRET_ACCESS_KEY
bucket=s3://myvault-test

# The S3 server's CPU seconds so far (user + system): on this 2-core machine it competes with
# the database server for the cores, which a remote object store would not.
s3_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' \
    "/proc/$(cat "$work/s3/s3rver.pid")/stat"
}
# measure NAME COMMAND...: one row "wall_s peak_rss_kib s3_cpu_s NAME" in $work/results.
measure() {
  local name=$1 before
  shift
  before=$(s3_cpu)
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/$name.out" 2>&1 ||
    { tail -20 "$work/$name.out" >&2; die "$name failed"; }
  echo "$(cat "$work/time") $(awk -v a="$before" -v b="$(s3_cpu)" 'BEGIN { print b - a }') $name" \
    >>"$work/results"
}
drop_target() { mariadb --defaults-file="$work/target.cnf" -e "DROP DATABASE IF EXISTS $DB"; }

rm -f "$work/results"
mkdir -p "$work/out/disk"
log "== runs"
measure "backup to S3" "$MYVAULT" backup --dir "$bucket/bench-s3" --defaults-file \
  "$work/source.cnf" --databases "$DB" --threads "$THREADS" --quiet
measure "backup + aws s3 cp" bash -c 'set -e
  "$1" backup --dir "$2" --defaults-file "$3" --databases sbtest --threads "$4" --quiet
  f=$(ls "$2"/myvault-auto-*.sql.gz)
  "$5" --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --quiet "$f" "$6/bench-disk/"
  "$5" --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --quiet "$f.sha256" "$6/bench-disk/"' _ \
  "$MYVAULT" "$work/out/disk" \
  "$work/source.cnf" "$THREADS" "$AWS" "$bucket"
name=$("$AWS" --endpoint-url "$endpoint" s3 ls "$bucket/bench-s3/" | awk '{print $4}' | grep '^myvault-auto-.*\.sql\.gz$')
drop_target
measure "restore from S3" "$MYVAULT" restore "$bucket/bench-s3/$name" --defaults-file \
  "$work/target.cnf" --threads "$THREADS" --yes --progress none
drop_target
measure "aws s3 cp + restore" bash -c 'set -e
  "$1" --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --quiet "$2" "$3/restore.sql.gz"
  "$4" restore "$3/restore.sql.gz" --defaults-file "$5" --threads "$6" --yes --progress none' _ \
  "$AWS" "$bucket/bench-disk/$(basename "$(ls "$work"/out/disk/myvault-auto-*.sql.gz)")" \
  "$work/out" "$MYVAULT" "$work/target.cnf" "$THREADS"

size=$(stat -c %s "$(ls "$work"/out/disk/myvault-auto-*.sql.gz)")
report=$(
  echo "Dataset: sysbench \`$DB\`, $TABLES tables x $ROWS rows, archive $(human_bytes "$size");"
  echo "$THREADS threads; s3rver on loopback; load average before: $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo "| step | wall s | peak RSS MiB | S3 server CPU s |"
  echo "|---|--:|--:|--:|"
  while read -r wall rss cpu label; do
    echo "| $label | $wall | $(fmt '%.0f' "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')") | $cpu |"
  done <"$work/results"
  echo
  echo "myvault's restore report (where the time went):"
  echo
  for step in "restore from S3" "aws s3 cp + restore"; do
    echo "- $step: $(grep -E '^(phases|data):' "$work/$step.out" | paste -sd';' -)"
  done
)
mkdir -p "$REPO/bench/results"
out="$REPO/bench/results/s3-$(date -u +%Y%m%dT%H%M%SZ).md"
printf '%s\n' "$report" | tee "$out"
