# Shell helpers shared by tools/demo, tools/test and the bench/*.sh scripts. Source it; it defines
# functions only (and REPO, the repository root). Nothing here prints a password or puts one on a
# command line: clients read it from a [client] option file written with mode 0600.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# now_ns: monotonic-enough wall clock in nanoseconds; secs_since START_NS: "12.3".
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# step NAME CMD...: runs CMD, prints "  NAME: 1.2 s" (or FAILED with the exit code) to stderr and
# returns CMD's exit code. CMD runs in this shell (it may set variables) but, being tested, without
# errexit: a function given to step must return its failures explicitly.
step() {
  local name=$1 t0 rc=0
  shift
  t0=$(now_ns)
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    log "  $name: $(secs_since "$t0") s"
  else
    log "  $name: FAILED (exit $rc) after $(secs_since "$t0") s"
  fi
  return "$rc"
}

# build_release: configures and builds build/ in Release; compiler output only on failure.
build_release() {
  local out
  out=$(mktemp)
  if ! { cmake -S "$REPO" -B "$REPO/build" -DCMAKE_BUILD_TYPE=Release &&
         cmake --build "$REPO/build" -j"$(nproc)"; } >"$out" 2>&1; then
    tail -60 "$out" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}

# server_start DIR [PORT]: starts a throwaway server in DIR (tools/testserver; on PORT, or on a
# free random port) and sets SRV_HOST, SRV_PORT, SRV_SOCKET, SRV_USER, SRV_PASSWORD_FILE from the
# lines it prints; returns 1 if the server did not start.
server_start() {
  local line
  SRV_HOST='' SRV_PORT='' SRV_SOCKET='' SRV_USER='' SRV_PASSWORD_FILE=''
  while IFS= read -r line; do
    case "$line" in
      MYVAULT_TEST_HOST=*) SRV_HOST=${line#*=} ;;
      MYVAULT_TEST_PORT=*) SRV_PORT=${line#*=} ;;
      MYVAULT_TEST_SOCKET=*) SRV_SOCKET=${line#*=} ;;
      MYVAULT_TEST_USER=*) SRV_USER=${line#*=} ;;
      MYVAULT_TEST_PASSWORD_FILE=*) SRV_PASSWORD_FILE=${line#*=} ;;
    esac
  done < <("$REPO/tools/testserver" start "$1" ${2:+"$2"})
  [ -n "$SRV_PORT" ] || { log "could not start a server in $1"; return 1; }
}

# server_pid DIR: pid of the server started in DIR.
server_pid() { cat "$1/mysqld.pid"; }

# server_cpu_ticks DIR: utime + stime of the server started in DIR, in clock ticks;
# ticks_to_s TICKS: the same in seconds.
server_cpu_ticks() {
  sed 's/.*) //' "/proc/$(server_pid "$1")/stat" | awk '{ print $12 + $13 }'
}
ticks_to_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz }'; }

# root_sql DIR [ARGS...]: the mariadb client as root over DIR's socket (no password needed).
root_sql() {
  local dir=$1
  shift
  mariadb --no-defaults -uroot -S "$dir/mysqld.sock" "$@"
}

# write_client_cnf FILE PASSWORD_FILE [HOST PORT USER]: writes a [client] option file, mode 0600,
# holding the password read from PASSWORD_FILE (quoted, so any character is safe) and optionally
# host, port and user.
write_client_cnf() {
  local file=$1 pw
  pw=$(cat "$2")
  pw=${pw//\\/\\\\}
  pw=${pw//\"/\\\"}
  (
    umask 077
    {
      echo "[client]"
      echo "password=\"$pw\""
      [ -z "${3:-}" ] || echo "host=$3"
      [ -z "${4:-}" ] || echo "port=$4"
      [ -z "${5:-}" ] || echo "user=$5"
    } >"$file"
  )
  chmod 600 "$file"
}

# sysbench_prepare SOCKET DB TABLES ROWS THREADS: creates DB and fills it with sysbench's
# oltp tables (sbtest1..N, ROWS rows each) as root over the socket.
sysbench_prepare() {
  local socket=$1 db=$2 tables=$3 rows=$4 threads=$5 out
  mariadb --no-defaults -uroot -S "$socket" -e "CREATE DATABASE IF NOT EXISTS \`$db\`" || return 1
  out=$(mktemp)
  if ! sysbench oltp_read_write --db-driver=mysql --mysql-socket="$socket" --mysql-user=root \
      --mysql-db="$db" --tables="$tables" --table-size="$rows" --threads="$threads" \
      prepare >"$out" 2>&1; then
    tail -20 "$out" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}

# sysbench_dataset DIR DB TABLES ROWS [REUSE [BIG_ROWS]]: (re)creates DB on the server started
# in DIR with sysbench_prepare, one thread per core, and records its size in DIR/dataset. With
# BIG_ROWS, sbtest1 is then grown to BIG_ROWS rows (grow_table): one huge table among small ones.
# With REUSE=1 a DB of the same size recorded there is kept instead (benchmarks with KEEP=1).
sysbench_dataset() {
  local dir=$1 db=$2 tables=$3 rows=$4 reuse=${5:-0} big=${6:-0} size
  size="$tables $rows"
  [ "$big" -le "$rows" ] || size="$size $big"
  if [ "$reuse" = 1 ] && [ "$(cat "$dir/dataset" 2>/dev/null)" = "$size" ]; then
    log "  reusing dataset in $dir (tables, rows, big table: $size)"
    return 0
  fi
  rm -f "$dir/dataset"
  root_sql "$dir" -e "DROP DATABASE IF EXISTS \`$db\`" || return 1
  sysbench_prepare "$dir/mysqld.sock" "$db" "$tables" "$rows" "$(nproc)" || return 1
  if [ "$big" -gt "$rows" ]; then grow_table "$dir" "$db" sbtest1 "$big" || return 1; fi
  echo "$size" >"$dir/dataset"
}

# grow_table DIR DB TABLE ROWS: grows a sysbench table to ROWS rows by copying its own rows (new
# ids from AUTO_INCREMENT; k, c and pad repeat), at most doubling per statement.
grow_table() {
  local dir=$1 db=$2 table=$3 target=$4 have add
  while :; do
    have=$(root_sql "$dir" -N -B -e "SELECT COUNT(*) FROM \`$db\`.\`$table\`") || return 1
    [ "$have" -lt "$target" ] || return 0
    add=$((target - have < have ? target - have : have))
    root_sql "$dir" -e "INSERT INTO \`$db\`.\`$table\` (k, c, pad)
      SELECT k, c, pad FROM \`$db\`.\`$table\` ORDER BY id LIMIT $add" || return 1
  done
}

# sysbench_warm_up DIR DB TABLES: reads every sysbench table of DB once on the server started in
# DIR, so that no benchmarked tool pays for a cold buffer pool.
sysbench_warm_up() {
  local dir=$1 db=$2 tables=$3 t
  for t in $(seq 1 "$tables"); do
    root_sql "$dir" -N -e "SELECT SUM(LENGTH(c) + LENGTH(pad)) FROM \`$db\`.sbtest$t" \
      >/dev/null || return 1
  done
}

# sysbench_bench_server WORK DB TABLES ROWS [REUSE]: the source of the dump benchmarks, as steps:
# a server in WORK/server with a 2 GiB buffer pool (SRV_* set as by server_start), a [client]
# option file WORK/client.cnf with its root password, the sysbench dataset (sysbench_dataset) and
# a warm-up read of every table. Exits the script if a step fails.
sysbench_bench_server() {
  local work=$1 db=$2 tables=$3 rows=$4 reuse=${5:-0}
  MYVAULT_TESTSERVER_ARGS="--innodb-buffer-pool-size=2G" step "start server" \
    server_start "$work/server" || exit 1
  write_client_cnf "$work/client.cnf" "$SRV_PASSWORD_FILE"
  step "sysbench prepare ($tables x $rows)" sysbench_dataset "$work/server" "$db" "$tables" \
    "$rows" "$reuse" || exit 1
  step "warm-up" sysbench_warm_up "$work/server" "$db" "$tables" || exit 1
}

# run_rotating RUNS FUNCTION TOOL...: calls FUNCTION TOOL RUN for each of RUNS runs and each TOOL,
# the order rotating from run to run so that no tool always goes first or last.
run_rotating() {
  local runs=$1 fn=$2 run i
  shift 2
  for run in $(seq 1 "$runs"); do
    for i in $(seq 0 $(($# - 1))); do
      "$fn" "${@:$(( (i + run - 1) % $# + 1 )):1}" "$run" || return 1
    done
  done
}

# table_checksums SOCKET DB: "table checksum" lines for every base table of DB, sorted.
table_checksums() {
  local socket=$1 db=$2 tables
  tables=$(mariadb --no-defaults -uroot -S "$socket" -N -B -e \
    "SELECT GROUP_CONCAT(CONCAT('\`', TABLE_SCHEMA, '\`.\`', TABLE_NAME, '\`') ORDER BY TABLE_NAME)
     FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_TYPE = 'BASE TABLE'")
  [ -n "$tables" ] && [ "$tables" != NULL ] || return 1
  mariadb --no-defaults -uroot -S "$socket" -N -B -e "CHECKSUM TABLE $tables EXTENDED" | sort
}

# gnu_times DIR: "wall cpu rss rss2" of the last timed run, from the GNU time lines ("%e %U %S %M")
# in DIR/time.main and, for a two-process pipeline, DIR/time.left and DIR/time.right: the wall
# time of the whole, user+sys CPU (summed over both sides) and each side's peak RSS in KiB (rss2 is
# "-" without a pipeline). The caller removes DIR/time.* before each run.
gnu_times() {
  local wall user sys rss u2=0 s2=0 rss2=-
  read -r wall user sys rss < <(tail -1 "$1/time.main")
  if [ -s "$1/time.left" ]; then
    read -r _ user sys rss < <(tail -1 "$1/time.left")
    read -r _ u2 s2 rss2 < <(tail -1 "$1/time.right")
  fi
  echo "$wall $(awk -v a="$user" -v b="$sys" -v c="$u2" -v d="$s2" 'BEGIN { print a + b + c + d }')" \
    "$rss $rss2"
}

# tsv_median FILE KEY COLUMN: median of a tab-separated COLUMN over the lines of FILE whose first
# field is KEY (the runs of one tool).
tsv_median() {
  awk -F'\t' -v k="$2" -v c="$3" '$1 == k { print $c }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# fmt FORMAT NUMBER: NUMBER in printf FORMAT; ratio A B: A/B to two decimals, or "-" when B is
# zero or missing.
fmt() { awk -v f="$1" -v n="$2" 'BEGIN { printf f, n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

# human_bytes N: "123.4 MB" (decimal units).
human_bytes() {
  awk -v n="$1" 'BEGIN { split("B kB MB GB TB", u, " "); i = 1;
    while (n >= 1000 && i < 5) { n /= 1000; i++ } printf (i == 1 ? "%d %s" : "%.1f %s"), n, u[i] }'
}

# bench_workspace KEEP SCRATCH...: sets $work, the benchmark's directory: with KEEP=1 the kept
# $REPO/.data/bench (its dataset server survives between runs), else a new temporary directory.
# On exit (Ctrl-C exits 130 the same way) the servers in $work/server and $work/target are
# stopped and $work is removed, or with KEEP=1 only its SCRATCH subdirectories.
bench_workspace() {
  BENCH_KEEP=$1
  shift
  BENCH_SCRATCH=("$@")
  if [ "$BENCH_KEEP" = 1 ]; then
    work=$REPO/.data/bench
    mkdir -p "$work"
  else
    work=$(mktemp -d /tmp/myvault-bench.XXXXXX)
  fi
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  trap '' INT TERM
  local d
  for d in target server; do
    [ ! -d "$work/$d" ] || "$REPO/tools/testserver" stop "$work/$d" || true
  done
  if [ "$BENCH_KEEP" = 1 ]; then
    for d in "${BENCH_SCRATCH[@]}"; do rm -rf "${work:?}/$d"; done
  else
    rm -rf "$work"
  fi
}

# single_runs RESULTS_TSV TOOL...: "tool a, b, c; ..." - each TOOL's wall times (column 3 of the
# benchmark's results.tsv: tool run wall ...) in run order, for the report's "Single runs" line.
single_runs() {
  local results=$1 t sep=""
  shift
  for t in "$@"; do
    printf '%s%s %s' "$sep" "$t" "$(awk -F'\t' -v t="$t" \
      '$1 == t { printf "%s%.2f", (n++ ? ", " : ""), $3 }' "$results")"
    sep="; "
  done
}

# flush_dirty_pages DIR: lets InnoDB of the server started in DIR flush its dirty pages (at most
# two minutes), so that a timed run does not pay for the writes of the one before it.
flush_dirty_pages() {
  local dir=$1 pct dirty=0
  pct=$(root_sql "$dir" -N -B -e 'SELECT @@innodb_max_dirty_pages_pct') || return 1
  root_sql "$dir" -e 'SET GLOBAL innodb_max_dirty_pages_pct = 0' || return 1
  for _ in $(seq 1 600); do
    dirty=$(root_sql "$dir" -N -B -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
                     WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'") || return 1
    [ "$dirty" -gt 0 ] || break
    sleep 0.2
  done
  [ "$dirty" -eq 0 ] || log "  (the server in $dir still had $dirty dirty pages after two minutes)"
  root_sql "$dir" -e "SET GLOBAL innodb_max_dirty_pages_pct = $pct"
}
