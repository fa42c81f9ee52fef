// Private to the dump pipeline: the planner that turns tables into WorkUnits.
//
// Tables are planned one at a time on the planner's snapshot connection, non-transactional ones
// first (writes are held until they are read), then largest first; in ordered mode (mysqldump
// output) in catalog order instead. Units are numbered (WorkUnit::seq) in the order they leave. An
// integer first key column is split into ranges from MIN/MAX (as many as the table's size asks
// for); a large table keyed otherwise (VARCHAR or UUID keys, composite keys) is split lazily into
// ranges of about one unit's rows each by jumping `step` rows along the key (LIMIT 1 OFFSET step),
// so workers start on the first range while the next boundary is found; a table without a usable
// key is one unit. Called from one thread at a time (the flow graph's input_node).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "myvault/dump/pipeline.h"
#include "myvault/dump/plan.h"

namespace myvault::dump {

// Per-table bookkeeping shared by the planner and the workers. `outstanding` counts the units
// not yet finished plus one while the planner may still add units; whoever brings it to zero
// reports the table done.
struct TableState {
  std::atomic<int> outstanding{0};
  std::atomic<uint32_t> next_chunk{0};
  std::atomic<uint64_t> rows{0};
  std::atomic<bool> failed{false};  // PipelineConfig::skip_failed_tables: its SELECT failed
};

class Planner {
 public:
  Planner(const PipelineConfig& config, const PipelineInputs& in,
          const std::vector<TableQuery>* queries, std::vector<TableState>* states,
          std::function<void(size_t)> table_done);

  // The next unit, or nullopt when every table is planned (or on error, which is reported to
  // the collector).
  std::optional<WorkUnit> Next();

 private:
  struct Split {  // a keyset table being cut into ranges
    size_t table = 0;
    std::vector<std::string> lower;
    uint64_t step = 0;
  };

  Status PlanTable(size_t t);
  Status NextSplit();
  void Emit(WorkUnit unit);
  void DoneEmitting(size_t t);
  uint64_t UnitBytes() const { return config_.chunk_size * 4; }
  uint64_t RowsPerUnit(const Table& t) const;
  Result<std::vector<__int128>> IntegerBounds(const Table& table);

  const PipelineConfig& config_;
  const PipelineInputs& in_;
  const std::vector<TableQuery>* queries_;
  std::vector<TableState>* states_;
  std::function<void(size_t)> table_done_;
  std::vector<size_t> order_;
  size_t next_table_ = 0;
  std::optional<Split> split_;
  std::deque<WorkUnit> pending_;
  uint64_t next_seq_ = 0;
};

}  // namespace myvault::dump
