#!/usr/bin/env bash
# MariaDB's own mysqldump tests (main.mysqldump*, Debian's mariadb-test) run by mysql-test-run
# against the stock mariadb-dump and against myvault's mysqldump mode, side by side: a measure of
# drop-in compatibility, not a gate (most failures are output that differs byte for byte from the
# recorded .result files). Prints one line per test and the totals.
#
#   tests/mtr_mysqldump.sh [MYVAULT_BINARY] [TEST ...]     (default: build/myvault, every test)
#
# Installs mariadb-test if it is missing. MTR runs its own servers in a temporary vardir on
# ports 19000..19099 and removes them. Exit code 0 unless a run could not be made at all.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
myvault=$(realpath "${1:-$repo/build/myvault}")
shift || true
suite=/usr/share/mysql/mysql-test
if [ ! -x "$suite/mtr" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-test >/dev/null
fi
[ -x "$myvault" ] || { echo "mtr_mysqldump: no myvault binary at $myvault" >&2; exit 1; }

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for f in "$suite"/main/mysqldump*.test; do
    tests+=("main.$(basename "$f" .test)")
  done
fi

tmp=$(mktemp -d /tmp/mtr-mysqldump.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A client directory like /usr/bin whose mariadb-dump and mysqldump are myvault.
mkdir -p "$tmp/bin"
for f in /usr/bin/*; do ln -s "$f" "$tmp/bin/$(basename "$f")"; done
ln -sf "$myvault" "$tmp/bin/mariadb-dump"
ln -sf "$myvault" "$tmp/bin/mysqldump"

# run NAME BINDIR: MTR over every test; writes NAME.results ("test result" lines).
run() {
  local name=$1 bindir=$2
  (cd "$suite" && timeout 1800 ./mtr --client-bindir="$bindir" --vardir="$tmp/var-$name" \
    --parallel=1 --force --max-test-fail=0 --testcase-timeout=5 --suite-timeout=60 \
    --build-thread=330 "${tests[@]}" >"$tmp/$name.log" 2>&1) || true
  grep -E '^main\.[A-Za-z0-9_-]+ +(\S+ +)?\[ (pass|fail|skipped|disabled) \]' "$tmp/$name.log" |
    sed -E 's/^(main\.[A-Za-z0-9_-]+).*\[ ([a-z]+) \].*/\1 \2/' | sort -u >"$tmp/$name.results" || true
  if [ ! -s "$tmp/$name.results" ]; then
    echo "mtr_mysqldump: MTR produced no results for $name; its log ends:" >&2
    tail -20 "$tmp/$name.log" >&2
    exit 1
  fi
}

run stock /usr/bin
run myvault "$tmp/bin"

printf '%-36s %-10s %s\n' test mariadb-dump myvault
for t in "${tests[@]}"; do
  printf '%-36s %-10s %s\n' "$t" \
    "$(awk -v t="$t" '$1 == t {print $2}' "$tmp/stock.results" | head -1)" \
    "$(awk -v t="$t" '$1 == t {print $2}' "$tmp/myvault.results" | head -1)"
done
# Why each of myvault's failures failed: the first line the failing test printed that names a
# client (an option refused, an exit code) or mysqltest's verdict (a result that differs).
echo
echo "myvault's failures, first cause:"
awk '/\[ fail \]/ { t = $1; want = 1; next }
     want && /^(mariadb-dump|mysqldump|mysqltest): / { print "  " t ": " substr($0, 1, 160); want = 0 }
     want && /^--- / { print "  " t ": the output differs from the recorded result"; want = 0 }' \
  "$tmp/myvault.log"
echo
for name in stock myvault; do
  printf '%s: %s passed, %s failed, %s skipped of %s\n' \
    "$([ "$name" = stock ] && echo mariadb-dump || echo "myvault mysqldump")" \
    "$(grep -c ' pass$' "$tmp/$name.results" || true)" \
    "$(grep -c ' fail$' "$tmp/$name.results" || true)" \
    "$(grep -c -E ' (skipped|disabled)$' "$tmp/$name.results" || true)" "${#tests[@]}"
done
