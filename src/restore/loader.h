// The data phase of a restore, built in one function (RunDataPhase):
//
//   reader (input_node, 1)  ->  loaders (function_node, `threads`, rejecting)
//
// The reader takes data members from the source in file order, skipping chunks the journal says
// are committed, and stops at the first member that is not data (left in `pending` for the
// caller). Each loader holds one pooled session for a chunk: it reads and inflates the member
// (file sources; so decompression runs in parallel), splits it into statements, applies
// --rename, and runs it as one transaction together with the chunk's journal row, checking that
// the rows inserted equal the rows the archive records. Tables marked load_data have each chunk
// converted to LOAD DATA LOCAL INFILE input (sql/tsv.h) and loaded with one statement, which
// costs the server far less parsing than the INSERTs; a server that refuses LOCAL INFILE gets
// INSERTs for the rest of the run. InnoDB holds a table's AUTO_INCREMENT lock for a whole LOAD
// DATA statement, so the reader hands a free loader a table no other loader is on when there is
// one, and a loader sharing an AUTO_INCREMENT table with another uses INSERTs, which do not hold
// that lock (measured: 2 loaders took 11.1 s in file order, 6.0 s table by table). Deadlocks, lock
// wait timeouts and lost connections are retried (after a reconnect, the journal tells whether the
// COMMIT happened), up to `retries` more times, 0.5, 1, 2, 4, 8 s apart (reconnect.h); chunks of
// non-transactional tables are not retried (a half-applied chunk cannot be undone: --resume reloads
// such a table from its start). The rejecting edge keeps at most `threads` + 1 members' payloads in
// memory; a file's remaining chunks are queued as index entries (about a hundred bytes each) to be
// handed out table by table (Loader::Next).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "restore/journal.h"
#include "restore/source.h"
#include "restore/target.h"

namespace myvault::restore {

struct LoadTable {
  std::string schema, name;  // on the target
  bool transactional = true;
  bool load_data = false;       // chunks go in as LOAD DATA LOCAL INFILE rather than INSERTs
  bool auto_increment = false;  // has an AUTO_INCREMENT column
  uint32_t chunks_left = 0;     // for the tables-done counter; 0 when unknown (stdin)
};

struct LoaderInputs {
  MemberSource* source = nullptr;
  std::map<uint32_t, LoadTable>* tables = nullptr;  // object id -> table; unknown ids are skipped
  const std::set<std::pair<uint32_t, uint32_t>>* committed = nullptr;
  const Journal* journal = nullptr;
  SessionPool* sessions = nullptr;
  const LoadSessionSettings* settings = nullptr;
  const std::map<std::string, std::string>* rename = nullptr;
  int threads = 4;
  int retries = 5;
  uint64_t max_statement = 0;  // the server's max_allowed_packet: longer statements fail early
  ProgressCounters* counters = nullptr;
  ProgressReporter* progress = nullptr;
  ErrorCollector* errors = nullptr;
};

struct LoaderResult {
  uint64_t chunks = 0, skipped = 0, retries = 0, rows = 0, bytes = 0;
  uint64_t load_data_chunks = 0;  // of `chunks`, those loaded with LOAD DATA (the rest: INSERT)
  std::map<uint32_t, uint64_t> table_rows;  // loaded now plus skipped (already committed)
};

// `pending` holds the first data member on entry; on return it holds the first member after
// the data (and *more is true), or *more is false at the end of the source.
Status RunDataPhase(const LoaderInputs& in, SourceMember* pending, bool* more,
                    LoaderResult* result);

}  // namespace myvault::restore
