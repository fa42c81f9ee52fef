// Fingerprint: what a server holds in some databases, object by object, so that a source and a
// restored copy can be compared and every difference named.
//
// Keys and values (values are the server's own text where short, a SHA-256 where not):
//   database `db`                       SHOW CREATE DATABASE (charset, collation)
//   table `db`.`t` create               SHOW CREATE TABLE, AUTO_INCREMENT=N kept
//   table `db`.`t` checksum             CHECKSUM TABLE ... EXTENDED
//   table `db`.`t` rows                 COUNT(*) (of every version for a system-versioned table)
//   table `db`.`t` data                 SHA-256 over every row (see below)
//   view `db`.`v`                       SHOW CREATE VIEW (definer included) + charset columns
//   trigger|procedure|function|event|package|package body `db`.`x`
//                                       SHOW CREATE ... minus creation times, plus the creation
//                                       context: sql_mode, character_set_client,
//                                       collation_connection and Database Collation (and the
//                                       trigger's action order)
//   sequence `db`.`s` create / state    SHOW CREATE SEQUENCE; SELECT * FROM s (the stored state:
//                                       next_not_cached_value etc., read without advancing it)
//
// Row data: every column including INVISIBLE and generated ones (and MariaDB's implicit
// row_start/row_end of a system-versioned table, whose every version, history included, is
// read with FOR SYSTEM_TIME ALL), named from
// information_schema.COLUMNS and rendered exactly: FLOAT/DOUBLE as col+0e0 (shortest round-trip
// double), BIT as col+0, binary/blob/geometry as HEX(col), character types as
// HEX(CAST(col AS BINARY)) (the bytes, not the collation's idea of equality), everything else as
// the server's text; TIMESTAMPs are read in time_zone '+00:00'. NULL is tagged apart from any
// string. Each row is hashed, the row hashes are sorted and hashed again: the result does not
// depend on scan order and still counts duplicate rows (tables without a key), and it streams, so
// a 16 MiB row or many rows need no GROUP_CONCAT limit.
//
// Thread safety: TakeFingerprint opens its own connection; call it from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

using Fingerprint = std::map<std::string, std::string>;

struct FingerprintOptions {
  // Remove DEFINER=`u`@`h` from views, triggers, routines and events (for --skip-definer dumps).
  bool strip_definers = false;
};

Result<Fingerprint> TakeFingerprint(const ServerConfig& server,
                                    const std::vector<std::string>& databases,
                                    const FingerprintOptions& options = {});

// The keys present in only one of a, b or with different values, sorted.
std::vector<std::string> DifferingKeys(const Fingerprint& a, const Fingerprint& b);

// A readable report of DifferingKeys with both values (clipped), "" when a == b.
std::string Diff(const Fingerprint& a, const Fingerprint& b);

// One SHA-256 (hex) over the whole fingerprint, for caching.
std::string DigestOf(const Fingerprint& fingerprint);

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace myvault::it
