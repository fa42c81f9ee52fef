#!/usr/bin/env bash
# Checks docker/ without a Docker engine (our machines have none): the compose files parse and
# say what the README promises, the Dockerfile builds the way the README and tools/setup-deps do,
# its runtime stage installs every shared library the binary links, and the runbook wrappers
# hand myvault the right arguments.
#
#   tests/docker/check_docker.sh CHECK MYVAULT_BINARY
#
# CHECK is one of compose, build, runtime, scripts (tests/CMakeLists.txt registers one ctest
# each). Every problem is printed as "FAIL: ..."; the exit code is 1 when there was any.
# Needs docker-compose (Debian's 1.29, installed by tools/setup-deps), python3 with yaml (a
# dependency of docker-compose), dpkg and ldd. A missing tool is a failure, never a skip.
set -euo pipefail

check=${1:?usage: check_docker.sh compose|build|runtime|scripts MYVAULT_BINARY}
binary=${2:?usage: check_docker.sh compose|build|runtime|scripts MYVAULT_BINARY}
repo=$(cd "$(dirname "$0")/../.." && pwd)
docker_dir=$repo/docker
tmp=$(mktemp -d /tmp/check-docker.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
checked() { echo "checked: $*"; }
need() {
  command -v "$1" >/dev/null || { echo "FAIL: no $1 (tools/setup-deps installs it)"; exit 1; }
}

# The Dockerfile with continuation lines joined, one instruction per line.
dockerfile_lines() { sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$docker_dir/Dockerfile"; }

# stage_lines N: the instructions of the Dockerfile's Nth stage (1-based; -1 = the last).
stage_lines() {
  dockerfile_lines | awk -v want="$1" '
    /^FROM / { n++ } { line[NR] = $0; stage[NR] = n }
    END { if (want < 0) want = n; for (i = 1; i <= NR; i++) if (stage[i] == want) print line[i] }'
}

# apt_packages: the package names in the `apt-get install` commands of the instructions on stdin.
apt_packages() {
  grep -o 'apt-get install[^&;]*' | sed 's/apt-get install//' | tr ' ' '\n' |
    grep -v '^-' | grep -v '^$' | sort -u
}

# ---- compose: the compose files parse and resolve to the two services the README describes ----
check_compose() {
  need docker-compose
  need python3
  mkdir -p "$tmp/docker"
  cp "$docker_dir"/docker-compose.*.yml "$docker_dir/.env.example" "$tmp/docker/"
  cp "$docker_dir/.env.example" "$tmp/docker/.env"  # env_file: .env must exist beside the file
  local compose=(docker-compose --env-file "$tmp/docker/.env"
                 -f "$tmp/docker/docker-compose.backup.yml")
  if ! "${compose[@]}" config >"$tmp/resolved.yml" 2>"$tmp/compose.err"; then
    fail "docker-compose config rejects docker/docker-compose.backup.yml: $(cat "$tmp/compose.err")"
    return
  fi
  checked "docker-compose config parses docker-compose.backup.yml with .env.example"
  python3 "$repo/tests/docker/compose_expect.py" backup "$tmp/resolved.yml" ||
    failures=$((failures + 1))

  # The schedule's default lives in the compose file too, for an .env that does not set it.
  grep -v '^BACKUP_SCHEDULE=' "$docker_dir/.env.example" >"$tmp/docker/.env"
  if "${compose[@]}" config >"$tmp/default.yml" 2>"$tmp/compose.err"; then
    python3 "$repo/tests/docker/compose_expect.py" schedule-default "$tmp/default.yml" ||
      failures=$((failures + 1))
  else
    fail "docker-compose config without BACKUP_SCHEDULE: $(cat "$tmp/compose.err")"
  fi

  cp "$docker_dir/.env.example" "$tmp/docker/.env"
  if "${compose[@]}" -f "$tmp/docker/docker-compose.secrets.yml" config >"$tmp/secrets.yml" \
    2>"$tmp/compose.err"; then
    python3 "$repo/tests/docker/compose_expect.py" secrets "$tmp/secrets.yml" ||
      failures=$((failures + 1))
  else
    fail "docker-compose config with docker-compose.secrets.yml: $(cat "$tmp/compose.err")"
  fi

  # The compose files themselves never carry a password or a webhook URL.
  if grep -nE '^[^#]*(DB_PASSWORD|SLACK_WEBHOOK_URL|MYSQL_PWD)[[:space:]]*[:=]' \
    "$docker_dir"/docker-compose.*.yml; then
    fail "a compose file sets a secret: keep passwords and the webhook URL in .env"
  fi

  # .env.example names every setting, set or commented out: the connection and Slack variables
  # (read in src/mysql/options.cc and ops/notify.cc) and every flag's envname() in src/cli/.
  local var envnames
  envnames=$(grep -ohE 'envname\("[A-Z_]+"\)' "$repo"/src/cli/*.cc | sed -E 's/envname\("(.*)"\)/\1/')
  [ -n "$envnames" ] || fail "found no envname(...) in src/cli/*.cc"
  for var in DB_HOST DB_PORT DB_DATABASE DB_USERNAME DB_PASSWORD DB_PASSWORD_FILE NOTIFY_SLACK \
    SLACK_WEBHOOK_URL $envnames; do
    grep -qE "^(# )?$var=" "$docker_dir/.env.example" || fail ".env.example does not mention $var"
  done
  checked ".env.example names every setting"

  # A shell can source it too (`set -a; . .env`, as the runbook's scripts did), with every
  # commented-out setting switched on as well, and it means the same there as to compose.
  local sourced
  sed -E 's/^# ([A-Z_]+=)/\1/' "$docker_dir/.env.example" >"$tmp/all.env"
  if ! sourced=$(env -i bash -c 'set -aeu; . "$1"; printf "%s|%s" "$BACKUP_SCHEDULE" \
      "$BACKUP_COPY_COMMAND"' _ "$tmp/all.env" 2>&1); then
    fail ".env.example cannot be sourced by a shell: $sourced"
  elif [ "$sourced" != '0 */6 * * *|rclone copyto {file} remote:db/{name}' ]; then
    fail ".env.example sourced by a shell gives: $sourced"
  else
    checked ".env.example can be sourced by a shell"
  fi
}

# ---- build: the build stage installs and builds what the README's install steps do ----------
# The README's install steps are tools/setup-deps (run by its first command, tools/demo) and the
# Development section's build command. setup-deps installs everything needed to build, test,
# lint and benchmark; the image needs only the build subset: setup-deps minus the packages below.
NOT_FOR_BUILD=(
  libgtest-dev libgmock-dev googletest libbenchmark-dev       # tests and benchmarks
  mariadb-server mariadb-client mydumper sysbench             # servers and peers the tests run
  docker-compose gzip time procps python3 awscli              # test and bench tooling
  clang-format clang-tidy                                     # lint
)
check_build() {
  local readme_cmd docker_run
  # shellcheck disable=SC2016  # the backquotes are README text, not shell
  readme_cmd=$(sed -nE 's/^- Build: `(cmake [^`]*)`.*/\1/p' "$repo/README.md")
  if [ -z "$readme_cmd" ]; then
    fail "README.md has no '- Build: \`cmake ...\`' line to compare"
    return
  fi
  grep -q 'tools/setup-deps' "$repo/README.md" || fail "README.md no longer names tools/setup-deps"
  docker_run=$(stage_lines 1 | grep -E '^RUN .*cmake -S' || true)
  [ -n "$docker_run" ] || { fail "the Dockerfile's build stage runs no 'cmake -S'"; return; }

  # Compare word sets (quotes dropped): configure gets exactly the README's flags plus tests and
  # benchmarks off; the build command is the README's.
  words() { tr -d '"' | tr ' ' '\n' | grep -v '^$' | sort; }
  segment() {
    sed 's/&&/\n/g' | sed -E 's/^RUN //; s/^[[:space:]]+//; s/[[:space:]]+$//' | grep -E "^$1" |
      head -1
  }
  local off="-DMYVAULT_BUILD_TESTS=OFF -DMYVAULT_BUILD_BENCH=OFF" readme docker
  readme=$(segment 'cmake -S' <<<"$readme_cmd")
  docker=$(segment 'cmake -S' <<<"$docker_run")
  [ "$(echo "$readme $off" | words)" = "$(echo "$docker" | words)" ] ||
    fail "the Dockerfile configures with '$docker', the README with '$readme' (+ $off expected)"
  readme=$(segment 'cmake --build' <<<"$readme_cmd")
  docker=$(segment 'cmake --build' <<<"$docker_run")
  [ "$(echo "$readme" | words)" = "$(echo "$docker" | words)" ] ||
    fail "the Dockerfile builds with '$docker', the README with '$readme'"
  grep -q 'strip build/myvault' <<<"$docker_run" || fail "the build stage does not strip myvault"
  checked "cmake configure and build commands compared with README.md"

  stage_lines 1 | head -1 | grep -qE '^FROM debian:(12|bookworm) AS build$' ||
    fail "the build stage is not 'FROM debian:12 AS build': $(stage_lines 1 | head -1)"
  stage_lines -1 | head -1 | grep -qE '^FROM debian:(12|bookworm)-slim$' ||
    fail "the runtime stage is not 'FROM debian:12-slim': $(stage_lines -1 | head -1)"

  local setup subset docker_pkgs p
  setup=$(sed -n '/^packages=(/,/^)/p' "$repo/tools/setup-deps" | sed '1d;$d' | tr ' ' '\n' |
            grep -v '^$' | sort -u)
  [ -n "$setup" ] || { fail "no packages=( ... ) list in tools/setup-deps"; return; }
  subset=$(comm -23 <(echo "$setup") <(printf '%s\n' "${NOT_FOR_BUILD[@]}" | sort -u))
  docker_pkgs=$(stage_lines 1 | apt_packages)
  for p in $(comm -13 <(echo "$setup") <(echo "$docker_pkgs")); do
    fail "the build stage installs $p, which tools/setup-deps does not"
  done
  for p in $(comm -12 <(printf '%s\n' "${NOT_FOR_BUILD[@]}" | sort -u) <(echo "$docker_pkgs")); do
    fail "the build stage installs $p, which only tests, benchmarks, lint or servers need"
  done
  for p in $(comm -23 <(echo "$subset") <(echo "$docker_pkgs")); do
    fail "the build stage lacks $p (in tools/setup-deps and not test/bench/lint/server-only)"
  done
  checked "build-stage packages compared with tools/setup-deps: ${subset//$'\n'/ }"
}

# ---- runtime: the slim stage installs a package for every shared library the binary uses -------
# Already in debian:12-slim (Priority required, or pulled in by apt): need not be installed.
SLIM_BASE=(
  libc6 libgcc-s1 libstdc++6 zlib1g libzstd1 liblzma5 libbz2-1.0 liblz4-1 libxxhash0
  libgcrypt20 libgpg-error0 libgnutls30 libgmp10 libhogweed6 libnettle8 libidn2-0 libunistring2
  libp11-kit0 libffi8 libtasn1-6 libsystemd0 libudev1 libseccomp2 libselinux1 libpcre2-8-0
  libcap2 libcrypt1 libmd0
)
# Installed in the runtime stage for something other than a linked library (mariadb-client:
# mariadb-binlog and mariadb, which restore --until runs to replay the binlog).
RUNTIME_EXTRA=(ca-certificates tzdata mariadb-client)

# owner PATH: the Debian package that holds PATH (as installed here; usrmerge moves /lib).
owner() {
  local path=$1 alt pkg
  for alt in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
    pkg=$(dpkg -S "$alt" 2>/dev/null | head -1 | cut -d: -f1) || continue
    [ -n "$pkg" ] && { echo "$pkg"; return; }
  done
  return 1
}

# closure PKG...: the packages and everything they depend on, per this machine's dpkg database.
closure() {
  local -A seen=()
  local queue=("$@") p deps d
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    [ -n "${seen[$p]-}" ] && continue
    seen[$p]=1
    deps=$(dpkg-query -W -f='${Depends},${Pre-Depends}' "$p" 2>/dev/null || true)
    for d in $(tr ',' '\n' <<<"$deps" | sed -E 's/^ *//; s/[ (|].*//; s/:any$//' | grep -v '^$'); do
      queue+=("$d")
    done
  done
  printf '%s\n' "${!seen[@]}" | sort
}

check_runtime() {
  need ldd
  need dpkg
  need readelf
  [ -x "$binary" ] || { fail "no myvault binary at $binary"; return; }
  local runtime base covered needed lib path pkg libs=0
  runtime=$(stage_lines -1 | apt_packages)
  [ -n "$runtime" ] || { fail "the runtime stage installs no packages"; return; }
  base=$(printf '%s\n' "${SLIM_BASE[@]}" | sort -u)
  # shellcheck disable=SC2086  # word splitting of the package lists is intended
  covered=$(closure $runtime $base)
  needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  local -A used=()
  while read -r lib path; do
    libs=$((libs + 1))
    if ! pkg=$(owner "$path"); then fail "no Debian package owns $path ($lib)"; continue; fi
    used[$pkg]=1
    if grep -qxF "$lib" <<<"$needed"; then
      # Linked directly: the runtime stage names its package (unless the slim image has it).
      grep -qxF "$pkg" <<<"$runtime"$'\n'"$base" ||
        fail "the runtime stage does not install $pkg, which holds $lib (linked by myvault)"
    else
      # Needed by a library: its package comes with the installed packages' dependencies.
      grep -qxF "$pkg" <<<"$covered" ||
        fail "the runtime stage does not bring $pkg, which holds $lib (needed by a library)"
    fi
  done < <(ldd "$binary" |
             sed -nE 's/^\s*([^ ]+) => (\/[^ ]+) .*/\1 \2/p; s/^\s*(\/[^ ]+) .*/\1 \1/p')
  [ "$libs" -gt 0 ] || { fail "ldd $binary listed no libraries"; return; }
  # A package no library maps to is only a warning: libcurl4 is installed ahead of the webhook
  # code, and the linker (--as-needed) drops libcurl until that code calls it.
  for pkg in $runtime; do
    [ -n "${used[$pkg]-}" ] || printf '%s\n' "${RUNTIME_EXTRA[@]}" | grep -qxF "$pkg" ||
      echo "warning: the runtime stage installs $pkg, which holds none of the binary's libraries"
  done
  checked "runtime stage against ldd: $libs libraries, packages ${runtime//$'\n'/ }"
}

# ---- scripts: the runbook wrappers hand myvault the right argv ------------------------------
check_scripts() {
  local s
  for s in backup-database.sh restore-database.sh; do
    bash -n "$docker_dir/scripts/$s" || fail "bash -n $s"
    [ -x "$docker_dir/scripts/$s" ] || fail "$s is not executable (COPY keeps the mode)"
  done
  if command -v shellcheck >/dev/null; then
    shellcheck "$docker_dir"/scripts/*.sh || fail "shellcheck docker/scripts"
  fi
  # A stub myvault that prints its argv one [word] at a time and exits with STUB_RC.
  mkdir -p "$tmp/bin"
  # shellcheck disable=SC2016  # the stub's own $@, not ours
  printf '#!/bin/sh\nprintf "[%%s]" "$@"\nexit "${STUB_RC:-0}"\n' >"$tmp/bin/myvault"
  chmod +x "$tmp/bin/myvault"
  local x=$tmp/x
  # expect RC ARGV SCRIPT ARGS...: running SCRIPT ARGS exits RC after the stub printed ARGV.
  expect() {
    local want_rc=$1 want=$2 script=$3 got rc=0
    shift 3
    got=$(PATH="$tmp/bin:$PATH" BACKUP_DIR=$x "$docker_dir/scripts/$script" "$@" 2>/dev/null) ||
      rc=$?
    if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ]; then
      fail "$script $*: exit $rc, myvault argv '$got'; want exit $want_rc, argv '$want'"
    fi
  }
  expect 0 '[backup][--kind][manual]' backup-database.sh manual
  expect 0 '[backup][--kind][auto][--no-prune]' backup-database.sh auto --no-prune
  expect 0 '[backup][--kind][manual]' backup-database.sh
  expect 0 '[backup][--kind][manual][-q]' backup-database.sh -q
  expect 0 '[backup][--kind][manual][--copy-command][rclone copyto {file} r:{name}]' \
    backup-database.sh manual --copy-command 'rclone copyto {file} r:{name}'
  expect 2 '' backup-database.sh weekly
  expect 0 "[restore][$x/myvault-latest.sql.gz][--yes]" restore-database.sh latest --yes
  expect 0 "[restore][$x/myvault-manual-20250101_000000.sql.gz][--yes][--threads][8]" \
    restore-database.sh myvault-manual-20250101_000000.sql.gz --yes --threads 8
  expect 0 '[restore][/srv/b.sql.gz][--list]' restore-database.sh /srv/b.sql.gz --list
  expect 0 '[restore][-][--yes]' restore-database.sh - --yes
  expect 2 '' restore-database.sh
  expect 2 '' restore-database.sh --yes
  local got
  local restore=$docker_dir/scripts/restore-database.sh
  got=$(PATH="$tmp/bin:$PATH" BACKUP_DIR=$x BACKUP_PREFIX=shop "$restore" latest)
  [ "$got" = "[restore][$x/shop-latest.sql.gz]" ] || fail "restore latest, BACKUP_PREFIX=shop: $got"
  got=$(env -u BACKUP_DIR PATH="$tmp/bin:$PATH" "$restore" f.sql.gz)
  [ "$got" = "[restore][/backups/f.sql.gz]" ] || fail "restore without BACKUP_DIR: $got"
  local rc=0
  PATH="$tmp/bin:$PATH" STUB_RC=7 "$restore" latest >/dev/null || rc=$?
  [ "$rc" = 7 ] || fail "restore-database.sh exits $rc when myvault exits 7"
  checked "wrapper scripts with a stub myvault"
}

case "$check" in
  compose) check_compose ;;
  build) check_build ;;
  runtime) check_runtime ;;
  scripts) check_scripts ;;
  *) echo "check_docker.sh: unknown check '$check'" >&2; exit 2 ;;
esac
if [ "$failures" -gt 0 ]; then
  echo "check_docker.sh $check: $failures failure(s)"
  exit 1
fi
