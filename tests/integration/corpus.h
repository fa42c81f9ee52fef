// The edge-case corpus: three databases built to catch every way a dumper loses or alters data.
//
//   mv_corpus      (utf8mb4_general_ci) integers, BITs, DECIMAL(65,30), FLOAT/DOUBLE that need
//                  more than 6 digits, strings with NUL \ ' " ^Z \r\n tabs, 'NULL' vs NULL vs '',
//                  all 256 bytes, latin1/utf8mb3/utf8mb4 in one table, JSON, geometry, ENUM/SET,
//                  DATETIME(6)/TIMESTAMP(6) set under time_zone +05:30, zero dates, YEAR, TIME,
//                  generated and INVISIBLE columns, AUTO_INCREMENT holding 0 / above max(id) /
//                  on an empty table, every key shape (dense INT, sparse BIGINT UNSIGNED up to
//                  2^64-1, composite, VARCHAR, none with duplicate rows, UNIQUE NOT NULL only),
//                  big_rows (40k rows, many chunks), big_blob (one 16 MiB random LONGBLOB),
//                  triggers that would change data if they fired during a load, views (one whose
//                  name sorts before the view it reads), ANSI_QUOTES routines with ';' and
//                  DELIMITER text in their bodies, a view and a procedure whose DEFINER is
//                  another account (mv_definer@localhost), a disabled event, two sequences.
//   mv corpus2     (latin1 default, a space in the name) MyISAM, Aria, RANGE-partitioned table,
//                  a foreign-key cycle, table/column names with backticks, spaces and quotes.
//   mv_ünï         (utf8mb4_unicode_ci) unicode database, table, column, view, routine, trigger.
//
// Generation is deterministic (fixed seeds, server-side sequences over fixed ranges), so two
// loads give equal fingerprints. Loading takes a few seconds.
//
// Thread safety: the functions use the given connection; one caller at a time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fingerprint.h"
#include "harness.h"
#include "myvault/status.h"

namespace myvault::it {

inline const std::vector<std::string>& CorpusDatabases() {
  static const std::vector<std::string> kDatabases = {"mv_corpus", "mv corpus2", "mv_ünï"};
  return kDatabases;
}

// Objects the tests name directly.
inline constexpr char kCorpusDb[] = "mv_corpus";
inline constexpr char kFloatTable[] = "floats";           // id INT PK, f FLOAT, d DOUBLE
inline constexpr char kBinaryTable[] = "binaries";        // id INT PK, vb VARBINARY, bl BLOB, ...
inline constexpr char kAutoIncGapTable[] = "ai_gap";      // ids 1..50, AUTO_INCREMENT=101
inline constexpr char kTriggerSourceTable[] = "trg_src";  // triggers trg_src_bi/_ai/_ai2
inline constexpr char kTriggerLogTable[] = "trg_log";     // 4 rows; a fired trigger adds more

// The corpus's second AFTER INSERT trigger, run in mv_corpus (the corpus uses note "ai2"); the
// self-check recreates it with another note to change its body, then puts it back.
std::string TriggerAi2Statement(std::string_view note);

// Drops and recreates the corpus databases on `server`.
Status LoadEdgeCaseCorpus(TestServer& server);

// Returns the corpus fingerprint, loading the corpus first unless the server already holds
// exactly this version of it (recorded in database mv_test_meta). Cheap when nothing changed,
// which matters because ctest runs every test in its own process.
Result<Fingerprint> EnsureEdgeCaseCorpus(TestServer& server);

namespace corpus_internal {
// The load script in parts, each a list of multi-statement batches (corpus_*.cc).
void AppendTypeTables(std::vector<std::string>* script);
void AppendKeyTables(std::vector<std::string>* script);
void AppendObjects(std::vector<std::string>* script);
void AppendOtherDatabases(std::vector<std::string>* script);
}  // namespace corpus_internal

}  // namespace myvault::it
