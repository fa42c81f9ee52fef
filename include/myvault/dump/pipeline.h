// The data pipeline of a dump, built in one function (RunDataPipeline):
//
//   planner (input_node, 1)  ->  dump workers (multifunction_node, `threads`, rejecting)
//     -> compress (function_node, `compress_threads`)  ->  writer (function_node, serial)
//
// The planner turns tables into WorkUnits on its own snapshot connection (see
// src/dump/planner.h), largest tables first and non-transactional ones before all others. Each
// worker owns one snapshot connection for the duration of a unit and streams its rows into
// chunks of `chunk_size` SQL bytes. A chunk is one of a fixed pool of `max_chunks_in_flight`
// reusable buffers, taken before it is filled and returned after the writer appended it, so
// memory is bounded whatever the table sizes. Compression and per-chunk SHA-256 run in parallel;
// the writer appends members in arrival order (data members may come in any order; each names
// its table and chunk), so a slow table never holds back the others.
// Errors go to the ErrorCollector, which stops every node; no exception leaves a node body.
//
// Ordered mode (mysqldump's plain SQL stream, PipelineInputs::ordered set) has no compressor:
//
//   planner (catalog order)  ->  dump workers  ->  ordered writer (function_node, serial)
//
// Units are numbered in plan order (tables in catalog order, each table's ranges in key order)
// and each worker numbers the chunks of its unit; the writer keeps the chunks that arrive early
// and hands the OrderedSink every chunk in that order, so the output is what one connection
// reading table after table would produce. The chunk pool keeps one buffer for the unit the
// writer waits for, so workers running ahead can never take the buffers it needs: memory stays
// bounded at `max_chunks_in_flight` chunks and the stream never stalls for good.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "myvault/archive/writer.h"
#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "myvault/dump/catalog.h"
#include "myvault/dump/snapshot.h"
#include "myvault/mysql/session.h"
#include "myvault/sql/row_format.h"

namespace myvault::dump {

struct PipelineConfig {
  int threads = 4;
  int compress_threads = 2;
  int compress_level = 1;
  uint64_t chunk_size = 1u << 20;
  uint64_t statement_size = 1u << 20;
  int max_chunks_in_flight = 10;
  uint64_t keyset_page_rows = 0;  // 0: derived from chunk_size and the table's average row
  // A table that NeedsColumnList() always gets a column list; `delayed` applies only to tables
  // whose engine takes INSERT DELAYED (mysql::EngineTakesInsertDelayed).
  sql::InsertStyle insert_style;
  std::string where;      // filter on every table's rows (mysqldump --where), or ""
  bool hex_blob = false;  // every binary value as 0x... (mysqldump --hex-blob)
  // mysqldump --force: a table whose SELECT the server rejects (an SQL error: a --where naming
  // a column the table lacks, say; not a lost connection or a cancel) is left without rows and
  // listed in PipelineResult::failed_tables, and the other tables are dumped. Off: such an error
  // stops the dump.
  bool skip_failed_tables = false;
};

// Receives the INSERT text of ordered mode, on the writer thread: tables in catalog order, each
// table's rows in key order, as whole statements.
class OrderedSink {
 public:
  virtual ~OrderedSink() = default;
  virtual Status Rows(size_t table, std::string_view sql) = 0;
};

struct PipelineInputs {
  const Catalog* catalog = nullptr;
  std::vector<uint32_t> table_object_ids;    // archive object id of catalog->tables[i]
  mysql::Session* planner = nullptr;         // in the snapshot; used by the planner only
  std::vector<mysql::Session*> workers;      // in the snapshot; one per worker
  Snapshot* snapshot = nullptr;              // released when non-transactional tables are done
  archive::ArchiveWriter* writer = nullptr;  // archive mode
  const archive::ArchiveKey* key = nullptr;  // archive mode, encrypted: seals the data members
  OrderedSink* ordered = nullptr;            // ordered mode (then `writer` is unused)
  ProgressCounters* counters = nullptr;
  ProgressReporter* progress = nullptr;
  ErrorCollector* errors = nullptr;
  const mysql::ConnectionOptions* connection = nullptr;  // to KILL busy workers' queries on cancel
};

struct PipelineResult {
  std::vector<uint64_t> table_rows;  // per catalog table
  uint64_t chunks = 0;
  // skip_failed_tables: each table left without rows (catalog index) and the server's error, in
  // the order they failed. Rows written before a failure in the middle of a table stay written.
  std::vector<std::pair<size_t, Status>> failed_tables;
};

Status RunDataPipeline(const PipelineConfig& config, const PipelineInputs& in,
                       PipelineResult* result);

}  // namespace myvault::dump
