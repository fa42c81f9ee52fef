// The data phase of a restore, built in one function (RunDataPhase):
//
//   reader (input_node, 1)  ->  loaders (function_node, `threads`, rejecting)
//
// The reader takes data members from the source in file order, skipping chunks the journal says
// are committed, and stops at the first member that is not data (left in `pending` for the
// caller). From a file, every remaining chunk is known at once and queued as an index entry
// (about a hundred bytes each); ChunkQueue (dispatch.h) decides which a free loader takes: a
// table nobody is on first, else the largest, so that a huge table left last gets every loader,
// each on its own distant key range. A stream is loaded in its own order.
//
// Each loader holds one pooled session for a chunk: it reads and inflates the member (file
// sources; so decompression runs in parallel), splits it into statements, applies --rename, and
// runs it as one transaction together with the chunk's journal row, checking that the rows
// inserted equal the rows the archive records. How the rows go (chunk_sql.h): with `method`
// kBulk (MariaDB) a prepared INSERT with array binding, which several loaders can run on one
// AUTO_INCREMENT table at once; with kLoadData LOAD DATA LOCAL INFILE, which under
// innodb_autoinc_lock_mode 0 or 1 holds the table's AUTO-INC lock for the whole statement, so a
// loader sharing such a table with another sends INSERTs instead; tables whose column types do
// not load exactly from binary strings (binary_exact false), and any table once the server has
// refused the method, get the archive's INSERTs. Deadlocks, lock wait timeouts and lost
// connections are retried (after a reconnect, the journal tells whether the COMMIT happened), up
// to `retries` more times, 0.5, 1, 2, 4, 8 s apart (reconnect.h); chunks of non-transactional
// tables are not retried (a half-applied chunk cannot be undone: --resume reloads such a table
// from its start). The rejecting edge keeps at most `threads` + 1 members' payloads in memory.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "restore/chunk_sql.h"
#include "restore/journal.h"
#include "restore/source.h"
#include "restore/target.h"

namespace myvault::restore {

struct LoadTable {
  std::string schema, name;  // on the target
  bool transactional = true;
  bool binary_exact = false;    // its column types load exactly from binary strings
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
  LoadMethod method = LoadMethod::kInsert;  // for binary_exact tables
  bool autoinc_lock_free = false;  // innodb_autoinc_lock_mode=2: LOAD DATA takes no AUTO-INC lock
  // ServerInfo::SerializesAutoIncrementInserts: the rows of an AUTO_INCREMENT table are sent by
  // one loader at a time; the others prepare their next chunk of it meanwhile, instead of
  // spinning on the server's latch.
  bool autoinc_serial = false;
  int threads = 4;
  int retries = 5;
  uint64_t max_statement = 0;  // the server's max_allowed_packet: longer statements fail early
  ProgressCounters* counters = nullptr;
  ProgressReporter* progress = nullptr;
  ErrorCollector* errors = nullptr;
};

struct LoaderResult {
  uint64_t chunks = 0, skipped = 0, retries = 0, rows = 0, bytes = 0;
  uint64_t bulk_chunks = 0;       // of `chunks`, those loaded with array-bound INSERTs
  uint64_t load_data_chunks = 0;  // of `chunks`, those loaded with LOAD DATA (the rest: INSERT)
  std::map<uint32_t, uint64_t> table_rows;  // loaded now plus skipped (already committed)
};

// `pending` holds the first data member on entry; on return it holds the first member after
// the data (and *more is true), or *more is false at the end of the source.
Status RunDataPhase(const LoaderInputs& in, SourceMember* pending, bool* more,
                    LoaderResult* result);

}  // namespace myvault::restore
