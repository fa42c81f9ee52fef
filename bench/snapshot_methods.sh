#!/ usr / bin / env bash
#The ways to line up a dump 's snapshots without RELOAD, under concurrent bank transfers: myvault' s
# `lock - tables` (LOCK TABLES... READ NOWAIT, asked again until granted) and `snapshot - check`
#(snapshots reopened until they share one binlog position), against the plain waiting
# `LOCK TABLES... READ` (`lock - tables - wait`) that myvault does not use; then how long LOCK
#TABLES takes on many tables.See bench / README.md and "Consistency and locking" in README.md.
#
#bench / snapshot_methods.sh
#
#Environment knobs(defaults):
#WRITERS = "1 4 8" concurrent transfer connections, one row of the table per count / method
#ROUNDS = 20 line - ups per row(eight sessions each; 10 s timeout each)
#TABLES = "500 1000 2000" table counts for the LOCK TABLES timing
#
#Columns : commits / s of the writers meanwhile; rounds lined up within the timeout; attempts per
#round(NOWAIT requests or snapshot rounds); median and slowest line - up; transfers the server
#rolled back as deadlock victims(an application error a dump caused); other writer errors.
#Prints Markdown and writes it to bench / results / snapshot - < UTC time>.md(not committed).
set - euo pipefail source "$(dirname " $0 ")/../tools/lib/common.sh"

    WRITERS = ${WRITERS : -"1 4 8"} ROUNDS = ${ROUNDS : -20} TABLES =
${TABLES : -"500 1000 2000"} PROBE =
    $REPO / build / bench / snapshot_methods[-x "$PROBE"] ||
    die "build it first: cmake --build build --target snapshot_methods"[
        ["$ROUNDS" = ~^[1 - 9][0 - 9] * $]] ||
    die "ROUNDS must be >= 1"

    bench_workspace 0 server_start "$work/server" ||
    die "the server did not start" sock =
        $work / server /
            mysqld.sock

                log "== banks and $(echo " $TABLES
                    " | tr ' ' '\n' | sort -n | tail -1) tables" root_sql "$work/server"
        << 'SQL' CREATE DATABASE bank_a;
CREATE DATABASE bank_b;
CREATE DATABASE many;
USE bank_a;
CREATE TABLE bank_a.accounts(id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE = InnoDB;
CREATE TABLE bank_b.accounts LIKE bank_a.accounts;
INSERT INTO bank_a.accounts SELECT seq, 1000 FROM seq_1_to_50000;
INSERT INTO bank_b.accounts SELECT seq, 1000 FROM seq_1_to_50000;
SQL
max=$(echo "$TABLES" | tr ' ' '\n' | sort -n | tail -1)
for i in $(seq 1 "$max");
do
  echo "CREATE TABLE many.t$i (id INT PRIMARY KEY, v INT) ENGINE = InnoDB;" done | root_sql
      "$work/server"

      report() {
  echo "## Snapshot methods without RELOAD ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ROUNDS=$ROUNDS)"
  echo
  echo "| method | writers | commits/s | lined up | attempts/round | median s | slowest s | deadlock victims | other errors |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
  local w m
  for w in $WRITERS;
  do
    for
      m in lock - tables snapshot - check lock - tables - wait;
  do
      log "  $m, $w writer(s)"
      "$PROBE" "$sock" transfers "$m" "$w" "$ROUNDS"
    done
  done
  echo
  echo "| tables | LOCK TABLES ... READ NOWAIT, s |"
  echo "|--:|--:|"
  for w in $TABLES;
  do
    "$PROBE"
    "$sock" tables "$w";
  done
  }

mkdir - p "$REPO/bench/results" result =
    $REPO / bench / results / snapshot - $(date - u + % Y % m % dT % H % M % SZ).md report >
    "$result" cat "$result" log "written to ${result#" $REPO "/}"
