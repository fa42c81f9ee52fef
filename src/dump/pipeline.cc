#include "myvault/dump/pipeline.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>

#include "myvault/archive/member.h"
#include "myvault/dump/plan.h"
#include "myvault/mysql/killer.h"
#include "myvault/mysql/server_info.h"
#include "myvault/sql/text.h"
#include "planner.h"
#include "unit_dumper.h"

namespace myvault::dump {
namespace {

namespace flow = tbb::flow;

// Runs a node body; an exception (bad_alloc, a library's) becomes the pipeline's error instead of
// escaping into the graph, where it would cancel everything without a cause.
template <typename F>
void Guarded(ErrorCollector& errors, const char* node, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    errors.Report(Internal(std::string(node) + ": " + e.what()));
  } catch (...) {
    errors.Report(Internal(std::string(node) + ": unknown exception"));
  }
}

// Checks out one of the worker sessions; at most `threads` units run at once, so one is free.
class SessionPool {
 public:
  explicit SessionPool(const std::vector<mysql::Session*>& sessions) : free_(sessions) {}
  mysql::Session* Take() {
    std::lock_guard<std::mutex> l(mu_);
    mysql::Session* s = free_.back();
    free_.pop_back();
    return s;
  }
  void Give(mysql::Session* s) {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(s);
  }

 private:
  std::mutex mu_;
  std::vector<mysql::Session*> free_;
};

// What the node bodies share. Each body is one method; RunDataPipeline only wires them.
class PipelineWork {
 public:
  PipelineWork(const PipelineConfig& config, const PipelineInputs& in)
      : config_(config),
        in_(in),
        errors_(*in.errors),
        states_(in.catalog->tables.size()),
        planner_(config, in, &queries_, &states_, [this](size_t t) { TableDone(t); }),
        chunks_(config.max_chunks_in_flight, 2 * config.chunk_size + (64u << 10),
                in.ordered != nullptr),
        sessions_(in.workers),
        encoders_(config.compress_level, in.key) {
    for (const auto& t : in.catalog->tables) {
      queries_.push_back(BuildTableQuery(t));
      queries_.back().filter = config.where;
      for (sql::ColumnFormat& f : queries_.back().formats) {
        if (config.hex_blob && f.encoding == sql::ValueEncoding::kHex) f.quote_large = false;
      }
      nontransactional_left_ += t.transactional ? 0 : 1;
    }
  }

  std::optional<WorkUnit> NextUnit() { return planner_.Next(); }

  // Streams one unit on a free worker session, handing each full chunk to `emit`.
  void DumpUnit(const WorkUnit& unit, const std::function<void(const ChunkPtr&)>& emit) {
    if (errors_.cancelled()) return;
    const Table& table = in_.catalog->tables[unit.table];
    TableState& state = states_[unit.table];
    if (state.failed.load()) {  // another unit of the table failed: nothing more to read
      FinishUnit(unit, 0, emit);
      return;
    }
    UnitContext ctx;
    ctx.table = &table;
    ctx.query = &queries_[unit.table];
    ctx.style = config_.insert_style;
    ctx.style.column_list |= NeedsColumnList(table);
    if (!table.insert_verb.empty()) ctx.style.verb = table.insert_verb;
    ctx.style.delayed = ctx.style.delayed && mysql::EngineTakesInsertDelayed(table.engine);
    ctx.unit_seq = unit.seq;
    ctx.object_id = in_.table_object_ids[unit.table];
    ctx.chunk_size = config_.chunk_size;
    ctx.statement_size = config_.statement_size;
    ctx.chunks = &chunks_;
    ctx.errors = &errors_;
    ctx.next_chunk_number = [&state] { return state.next_chunk.fetch_add(1); };
    uint32_t piece = 0;
    ctx.emit = [&](const ChunkPtr& c) {
      c->table = unit.table;
      c->unit_seq = unit.seq;
      c->piece = piece++;
      in_.counters->raw_bytes.fetch_add(c->sql.size(), std::memory_order_relaxed);
      in_.counters->rows.fetch_add(c->rows, std::memory_order_relaxed);
      emit(c);
    };
    mysql::Session* session = sessions_.Take();
    Result<uint64_t> rows = dump::DumpUnit(*session, ctx, unit);
    sessions_.Give(session);
    if (!rows.ok()) {
      const Status& st = rows.status();
      if (config_.skip_failed_tables && IsSqlError(st) && !errors_.cancelled()) {
        if (!state.failed.exchange(true)) {
          std::lock_guard<std::mutex> l(failed_mu_);
          failed_.emplace_back(unit.table, st);
        }
        FinishUnit(unit, piece, emit);
        return;
      }
      if (st.code() != StatusCode::kCancelled || !errors_.cancelled()) {
        errors_.Report(
            st.WithContext("dump table " + sql::QualifiedName(table.schema, table.name)));
      }
      return;
    }
    state.rows.fetch_add(*rows, std::memory_order_relaxed);
    FinishUnit(unit, piece, emit);
  }

  // An error the server gave about the statement itself (its errno, below the client library's
  // 2000s), which another table's statement would not repeat; not a lost connection.
  static bool IsSqlError(const Status& st) {
    return st.code() != StatusCode::kCancelled && st.server_errno() != 0 &&
           st.server_errno() < 2000 && !st.retryable();
  }

  // After a unit's last chunk (`pieces` of them): tells the ordered writer the unit has no more,
  // and marks the table done after its last unit.
  void FinishUnit(const WorkUnit& unit, uint32_t pieces,
                  const std::function<void(const ChunkPtr&)>& emit) {
    if (in_.ordered != nullptr) {
      auto end = std::make_shared<Chunk>();
      end->table = unit.table;
      end->unit_seq = unit.seq;
      end->piece = pieces;
      end->end_of_unit = true;
      emit(end);
    }
    if (states_[unit.table].outstanding.fetch_sub(1) == 1) TableDone(unit.table);
  }

  // Compresses a chunk into its gzip member (with its SHA-256) and frees its SQL text.
  void Compress(Chunk* c) {
    if (errors_.cancelled()) return;
    Status st = encoders_.local().Encode(archive::MemberKind::kData, c->object_id, c->number,
                                         c->rows, c->sql, &c->member, &c->info);
    if (!st.ok()) errors_.Report(st);
    c->sql.clear();  // capacity kept: the pool reuses the buffer
  }

  // Appends a member to the archive; the chunk returns to the pool when the last reference goes.
  void Write(const Chunk& c) {
    if (errors_.cancelled()) return;
    Status st = in_.writer->Append(c.member, c.info);
    if (!st.ok()) {
      errors_.Report(st);
      return;
    }
    ++chunks_written_;
    in_.counters->written_bytes.fetch_add(c.member.size(), std::memory_order_relaxed);
    in_.counters->chunks.fetch_add(1, std::memory_order_relaxed);
  }

  // Ordered mode: keeps chunks that arrive before their turn and passes on, in unit and piece
  // order, every chunk whose turn has come.
  void WriteOrdered(const ChunkPtr& c) {
    if (errors_.cancelled()) return;
    early_.emplace(std::make_pair(c->unit_seq, c->piece), c);
    for (auto it = early_.find({head_, next_piece_}); it != early_.end();
         it = early_.find({head_, next_piece_})) {
      ChunkPtr next = std::move(it->second);
      early_.erase(it);
      if (next->end_of_unit) {
        ++head_;
        next_piece_ = 0;
        chunks_.SetHead(head_);
        continue;
      }
      ++next_piece_;
      Status st = in_.ordered->Rows(next->table, next->sql);
      if (!st.ok()) {
        errors_.Report(st);
        return;
      }
      ++chunks_written_;
      in_.counters->written_bytes.fetch_add(next->sql.size(), std::memory_order_relaxed);
      in_.counters->chunks.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Ordered mode: every chunk was passed on (none is left waiting for a unit that never ended).
  Status CheckOrderedDone() const {
    if (early_.empty()) return Status::Ok();
    return Internal("ordered output: " + std::to_string(early_.size()) +
                    " chunk(s) left waiting for unit " + std::to_string(head_));
  }

  void FillResult(PipelineResult* result) const {
    result->table_rows.clear();
    for (const auto& s : states_) result->table_rows.push_back(s.rows.load());
    result->chunks = chunks_written_;
    std::lock_guard<std::mutex> l(failed_mu_);
    result->failed_tables = failed_;
  }

 private:
  void TableDone(size_t t) {
    in_.counters->tables_done.fetch_add(1, std::memory_order_relaxed);
    if (in_.catalog->tables[t].transactional || --nontransactional_left_ != 0 ||
        !in_.snapshot->lock_held()) {
      return;
    }
    Status st = in_.snapshot->ReleaseLock();
    if (!st.ok()) errors_.Report(st);
    char held[32];
    std::snprintf(held, sizeof held, "%.3f s", in_.snapshot->held_seconds());
    in_.progress->Event(std::string("non-transactional tables done: writes were held for ") + held);
  }

  const PipelineConfig& config_;
  const PipelineInputs& in_;
  ErrorCollector& errors_;
  std::vector<TableState> states_;
  std::vector<TableQuery> queries_;
  std::atomic<size_t> nontransactional_left_{0};
  Planner planner_;
  ChunkPool chunks_;
  SessionPool sessions_;
  tbb::enumerable_thread_specific<archive::MemberEncoder> encoders_;
  uint64_t chunks_written_ = 0;  // writer node only (serial)
  // Ordered writer state (writer node only): the unit and piece it waits for, and the chunks
  // that came early.
  uint64_t head_ = 0;
  uint32_t next_piece_ = 0;
  std::map<std::pair<uint64_t, uint32_t>, ChunkPtr> early_;
  mutable std::mutex failed_mu_;
  std::vector<std::pair<size_t, Status>> failed_;  // skip_failed_tables, guarded by failed_mu_
};

}  // namespace

Status RunDataPipeline(const PipelineConfig& config, const PipelineInputs& in,
                       PipelineResult* result) {
  ErrorCollector& errors = *in.errors;
  PipelineWork work(config, in);

  // TBB's default thread limit is the core count; workers block on the network, so the
  // arena gets a slot for each of them plus the compressors and the writer.
  const int slots = config.threads + config.compress_threads + 2;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(slots));
  tbb::task_arena arena(slots);
  // On cancellation (Ctrl-C, or an error elsewhere) a worker may be waiting inside the server,
  // for a table lock or a slow scan, where it does not look at the cancel flag: the killer ends
  // the workers' running queries from a connection of its own.
  std::optional<mysql::QueryKiller> killer;
  if (in.connection != nullptr) {
    killer.emplace(*in.connection, in.errors);
    for (mysql::Session* w : in.workers) killer->Watch(*w);
  }
  arena.execute([&] {
    flow::graph g;

    // planner: one at a time (input_node), paced by the workers' rejecting policy.
    flow::input_node<WorkUnit> plan_node(g, [&](tbb::flow_control& fc) -> WorkUnit {
      std::optional<WorkUnit> u;
      Guarded(errors, "planner", [&] { u = work.NextUnit(); });
      if (!u) fc.stop();
      return u.value_or(WorkUnit{});
    });

    // dump workers: `threads` at once, each on its own snapshot connection.
    using WorkerNode = flow::multifunction_node<WorkUnit, std::tuple<ChunkPtr>, flow::rejecting>;
    WorkerNode dump_node(g, static_cast<size_t>(config.threads),
                         [&](const WorkUnit& unit, WorkerNode::output_ports_type& ports) {
                           Guarded(errors, "dump worker", [&] {
                             work.DumpUnit(
                                 unit, [&](const ChunkPtr& c) { std::get<0>(ports).try_put(c); });
                           });
                         });

    // ordered mode: one writer putting chunks back in plan order; no compression.
    flow::function_node<ChunkPtr> ordered_node(g, flow::serial, [&](const ChunkPtr& c) {
      Guarded(errors, "ordered writer", [&] { work.WriteOrdered(c); });
    });

    // compression + per-chunk SHA-256: `compress_threads` at once.
    flow::function_node<ChunkPtr, ChunkPtr> compress_node(
        g, static_cast<size_t>(config.compress_threads), [&](ChunkPtr c) -> ChunkPtr {
          Guarded(errors, "compressor", [&] { work.Compress(c.get()); });
          return c;
        });

    // writer: one, appending in arrival order and feeding the file's SHA-256.
    flow::function_node<ChunkPtr> write_node(g, flow::serial, [&](const ChunkPtr& c) {
      Guarded(errors, "writer", [&] { work.Write(*c); });
    });

    flow::make_edge(plan_node, dump_node);
    if (in.ordered != nullptr) {
      flow::make_edge(flow::output_port<0>(dump_node), ordered_node);
    } else {
      flow::make_edge(flow::output_port<0>(dump_node), compress_node);
      flow::make_edge(compress_node, write_node);
    }
    plan_node.activate();
    g.wait_for_all();
  });

  if (errors.cancelled()) return errors.first();
  if (in.ordered != nullptr) RETURN_IF_ERROR(work.CheckOrderedDone());
  work.FillResult(result);
  return Status::Ok();
}

}  // namespace myvault::dump
