// Private to the dump pipeline: chunks, the pool that bounds them, and the worker body
// that streams one WorkUnit's rows into chunks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "myvault/archive/format.h"
#include "myvault/common/cancel.h"
#include "myvault/dump/plan.h"
#include "myvault/mysql/session.h"
#include "myvault/sql/row_format.h"

namespace myvault::dump {

struct Chunk {
  size_t table = 0;
  uint32_t object_id = 0;
  uint32_t number = 0;
  uint64_t rows = 0;
  uint64_t unit_seq = 0;     // ordered mode: the unit's WorkUnit::seq
  uint32_t piece = 0;        // ordered mode: the chunk's position within its unit
  bool end_of_unit = false;  // ordered mode: a marker (no SQL) after a unit's last chunk
  std::string sql;           // the SQL text; emptied (capacity kept) once compressed
  std::string member;        // the encoded gzip member
  archive::MemberInfo info{};
};
// A chunk on loan from the ChunkPool; it goes back when the last reference is dropped,
// wherever in the pipeline that is.
using ChunkPtr = std::shared_ptr<Chunk>;

// The bound on memory: a fixed set of chunk buffers, reused. Acquire waits (polling
// cancellation) while every chunk is out. Buffers keep their capacity between uses, so the
// process holds at most `chunks` x (chunk size + compressed size) of chunk memory, allocated
// once, whatever the database size. Thread-safe; must outlive every ChunkPtr it lent.
//
// In ordered mode the last free buffer is kept for the head unit (the one the ordered writer
// waits for): a unit further ahead waits for a second free buffer, so chunks held for later
// cannot starve the head, whose chunks are written (and returned) as soon as they are full.
class ChunkPool {
 public:
  // Buffers that grew past `keep_bytes` (a row much larger than a chunk) are released when they
  // come back, so one huge row does not pin its memory for the rest of the dump.
  ChunkPool(int chunks, uint64_t keep_bytes, bool ordered = false);
  // Returns nullptr if cancelled while waiting. `unit_seq` matters in ordered mode only.
  ChunkPtr Acquire(const ErrorCollector& errors, uint64_t unit_seq = 0);
  // Ordered mode: the writer now waits for unit `seq`.
  void SetHead(uint64_t seq);

 private:
  void Return(Chunk* chunk);
  bool MayTake(uint64_t unit_seq) const;  // with mu_ held
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Chunk>> all_;
  std::vector<Chunk*> free_;
  uint64_t keep_bytes_;
  bool ordered_;
  uint64_t head_ = 0;
};

// What a worker needs to turn rows into chunks. `next_chunk_number` numbers the table's chunks;
// `emit` hands a full chunk to the compressor.
struct UnitContext {
  const Table* table = nullptr;
  const TableQuery* query = nullptr;
  sql::InsertStyle style;
  uint64_t unit_seq = 0;
  uint32_t object_id = 0;
  uint64_t chunk_size = 0;
  uint64_t statement_size = 0;
  ChunkPool* chunks = nullptr;
  const ErrorCollector* errors = nullptr;
  std::function<uint32_t()> next_chunk_number;
  std::function<void(ChunkPtr)> emit;
};

// Streams `unit` from `session` into chunks; returns the rows read.
Result<uint64_t> DumpUnit(mysql::Session& session, const UnitContext& ctx, const WorkUnit& unit);

}  // namespace myvault::dump
