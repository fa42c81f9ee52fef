#include "myvault/dump/pipeline.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <deque>
#include <numeric>

#include "myvault/archive/member.h"
#include "myvault/dump/plan.h"
#include "myvault/sql/text.h"
#include "unit_dumper.h"

namespace myvault::dump {
namespace {

namespace flow = tbb::flow;

// Per-table bookkeeping shared by the planner and the workers.
struct TableState {
  std::atomic<int> outstanding{0};  // units not yet finished
  std::atomic<uint32_t> next_chunk{0};
  std::atomic<uint64_t> rows{0};
};

// Engines whose data lives elsewhere or nowhere: their definition is dumped, their rows not.
bool HasNoLocalData(const Table& t) {
  std::string e = t.engine;
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return t.is_sequence || e == "blackhole" || e == "mrg_myisam" || e == "federated" ||
         e == "spider" || e == "connect";
}

// Produces WorkUnits table by table on the planner's snapshot connection.
class Planner {
 public:
  Planner(const PipelineConfig& config, const PipelineInputs& in, std::vector<TableState>* states,
          std::function<void(size_t)> table_done)
      : config_(config), in_(in), states_(states), table_done_(std::move(table_done)) {
    const auto& tables = in.catalog->tables;
    order_.resize(tables.size());
    std::iota(order_.begin(), order_.end(), 0);
    // Non-transactional tables first (writes are held until they are read), then largest first.
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      if (tables[a].transactional != tables[b].transactional) return !tables[a].transactional;
      return tables[a].data_length > tables[b].data_length;
    });
  }

  // Next unit, or nullopt when every table is planned (or on error, reported to the collector).
  std::optional<WorkUnit> Next() {
    while (pending_.empty() && next_table_ < order_.size()) {
      if (in_.errors->cancelled()) return std::nullopt;
      size_t t = order_[next_table_++];
      Status st = PlanTable(t);
      if (!st.ok()) {
        in_.errors->Report(st.WithContext("plan " + Name(t)));
        return std::nullopt;
      }
    }
    if (pending_.empty()) return std::nullopt;
    WorkUnit u = pending_.front();
    pending_.pop_front();
    return u;
  }

 private:
  std::string Name(size_t t) const {
    const Table& table = in_.catalog->tables[t];
    return "table " + sql::QualifiedName(table.schema, table.name);
  }

  uint64_t UnitBytes() const { return config_.chunk_size * 4; }

  Status PlanTable(size_t t) {
    const Table& table = in_.catalog->tables[t];
    std::vector<WorkUnit> units;
    if (HasNoLocalData(table)) {
      table_done_(t);
      return Status::Ok();
    }
    WorkUnit base;
    base.table = t;
    uint64_t avg_row = table.rows_estimate > 0 ? table.data_length / table.rows_estimate : 0;
    base.paginate = table.key.size() > 1 || table.key_kind == KeyKind::kKeyset;
    base.page_rows = config_.keyset_page_rows > 0
                         ? config_.keyset_page_rows
                         : std::max<uint64_t>(1000, UnitBytes() / std::max<uint64_t>(avg_row, 64));
    if (table.key_kind == KeyKind::kNone) base.paginate = false;
    std::vector<__int128> bounds;
    if (table.key_kind == KeyKind::kInteger || IsIntegerFirstKey(table)) {
      ASSIGN_OR_RETURN(bounds, IntegerBounds(table));
    }
    if (bounds.empty()) {
      units.push_back(base);
    } else {
      for (size_t i = 0; i <= bounds.size(); ++i) {
        WorkUnit u = base;
        if (i > 0) u.lower = Int128ToString(bounds[i - 1]);
        if (i < bounds.size()) u.upper = Int128ToString(bounds[i]);
        units.push_back(u);
      }
    }
    (*states_)[t].outstanding.store(static_cast<int>(units.size()));
    for (auto& u : units) pending_.push_back(std::move(u));
    return Status::Ok();
  }

  bool IsIntegerFirstKey(const Table& table) const {
    if (table.key.empty()) return false;
    const std::string& type = table.columns[table.key[0]].data_type;
    return type == "tinyint" || type == "smallint" || type == "mediumint" || type == "int" ||
           type == "bigint";
  }

  Result<std::vector<__int128>> IntegerBounds(const Table& table) {
    std::vector<__int128> none;
    if (table.data_length <= UnitBytes()) return none;
    std::string col = sql::QuoteIdentifier(table.columns[table.key[0]].name);
    ASSIGN_OR_RETURN(mysql::QueryResult r,
                     in_.planner->Query("SELECT MIN(" + col + "), MAX(" + col + ") FROM " +
                                        sql::QualifiedName(table.schema, table.name)));
    if (r.rows.empty() || !r.rows[0][0] || !r.rows[0][1]) return none;
    auto lo = ParseInt128(*r.rows[0][0]);
    auto hi = ParseInt128(*r.rows[0][1]);
    if (!lo || !hi) return none;
    size_t max_units = static_cast<size_t>(config_.threads) * 64;
    return SplitIntegerRange(*lo, *hi, table.rows_estimate, table.data_length, UnitBytes(),
                             max_units);
  }

  const PipelineConfig& config_;
  const PipelineInputs& in_;
  std::vector<TableState>* states_;
  std::function<void(size_t)> table_done_;
  std::vector<size_t> order_;
  size_t next_table_ = 0;
  std::deque<WorkUnit> pending_;
};

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

}  // namespace

Status RunDataPipeline(const PipelineConfig& config, const PipelineInputs& in,
                       PipelineResult* result) {
  const Catalog& catalog = *in.catalog;
  ErrorCollector& errors = *in.errors;
  std::vector<TableState> states(catalog.tables.size());
  std::vector<TableQuery> queries;
  for (const auto& t : catalog.tables) queries.push_back(BuildTableQuery(t));
  std::atomic<size_t> nontransactional_left{0};
  for (const auto& t : catalog.tables) nontransactional_left += t.transactional ? 0 : 1;

  auto table_done = [&](size_t t) {
    in.counters->tables_done.fetch_add(1, std::memory_order_relaxed);
    if (!catalog.tables[t].transactional && --nontransactional_left == 0 &&
        in.snapshot->lock_held()) {
      Status st = in.snapshot->ReleaseLock();
      if (!st.ok()) errors.Report(st);
      in.progress->Event("non-transactional tables done: writes were held for " +
                         ProgressReporter::HumanDuration(in.snapshot->held_seconds()));
    }
  };
  Planner planner(config, in, &states, table_done);
  TokenPool tokens(config.max_chunks_in_flight);
  SessionPool sessions(in.workers);
  tbb::enumerable_thread_specific<archive::MemberEncoder> encoders(config.compress_level);
  uint64_t chunks_written = 0;

  // TBB's default thread limit is the core count; workers block on the network, so the
  // arena gets a slot for each of them plus the compressors and the writer.
  int slots = config.threads + config.compress_threads + 2;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(slots));
  tbb::task_arena arena(slots);
  arena.execute([&] {
    flow::graph g;

    flow::input_node<WorkUnit> plan_node(g, [&](tbb::flow_control& fc) -> WorkUnit {
      std::optional<WorkUnit> u = planner.Next();
      if (!u) {
        fc.stop();
        return WorkUnit{};
      }
      return *u;
    });

    using WorkerNode = flow::multifunction_node<WorkUnit, std::tuple<ChunkPtr>, flow::rejecting>;
    WorkerNode dump_node(
        g, static_cast<size_t>(config.threads),
        [&](const WorkUnit& unit, WorkerNode::output_ports_type& ports) {
          if (errors.cancelled()) return;
          const Table& table = catalog.tables[unit.table];
          TableState& state = states[unit.table];
          UnitContext ctx;
          ctx.table = &table;
          ctx.query = &queries[unit.table];
          ctx.object_id = in.table_object_ids[unit.table];
          ctx.chunk_size = config.chunk_size;
          ctx.statement_size = config.statement_size;
          ctx.tokens = &tokens;
          ctx.errors = &errors;
          ctx.next_chunk_number = [&state] { return state.next_chunk.fetch_add(1); };
          ctx.emit = [&](ChunkPtr c) {
            c->table = unit.table;
            in.counters->raw_bytes.fetch_add(c->sql.size(), std::memory_order_relaxed);
            in.counters->rows.fetch_add(c->rows, std::memory_order_relaxed);
            std::get<0>(ports).try_put(std::move(c));
          };
          mysql::Session* session = sessions.Take();
          Result<uint64_t> rows = DumpUnit(*session, ctx, unit);
          sessions.Give(session);
          if (!rows.ok()) {
            if (rows.status().code() != StatusCode::kCancelled || !errors.cancelled()) {
              errors.Report(rows.status().WithContext(
                  "dump table " + sql::QualifiedName(table.schema, table.name)));
            }
            return;
          }
          state.rows.fetch_add(*rows, std::memory_order_relaxed);
          if (state.outstanding.fetch_sub(1) == 1) table_done(unit.table);
        });

    flow::function_node<ChunkPtr, ChunkPtr> compress_node(
        g, static_cast<size_t>(config.compress_threads), [&](ChunkPtr c) -> ChunkPtr {
          if (errors.cancelled()) return c;
          Status st = encoders.local().Encode(archive::MemberKind::kData, c->object_id, c->number,
                                              c->rows, c->sql, &c->member, &c->info);
          if (!st.ok()) errors.Report(st);
          std::string().swap(c->sql);  // release the SQL text before queueing for the writer
          return c;
        });

    flow::function_node<ChunkPtr> write_node(g, flow::serial, [&](const ChunkPtr& c) {
      if (errors.cancelled()) return;
      Status st = in.writer->Append(c->member, c->info);
      if (!st.ok()) {
        errors.Report(st);
        return;
      }
      ++chunks_written;
      in.counters->written_bytes.fetch_add(c->member.size(), std::memory_order_relaxed);
      in.counters->chunks.fetch_add(1, std::memory_order_relaxed);
    });

    flow::make_edge(plan_node, dump_node);
    flow::make_edge(flow::output_port<0>(dump_node), compress_node);
    flow::make_edge(compress_node, write_node);
    plan_node.activate();
    g.wait_for_all();
  });

  if (errors.cancelled()) return errors.first();
  result->table_rows.clear();
  for (const auto& s : states) result->table_rows.push_back(s.rows.load());
  result->chunks = chunks_written;
  return Status::Ok();
}

}  // namespace myvault::dump
