#include "restore/loader.h"

#include <errmsg.h>
#include <malloc.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "myvault/sql/script.h"
#include "myvault/sql/text.h"
#include "myvault/sql/tsv.h"
#include "restore/dispatch.h"
#include "restore/reconnect.h"

namespace myvault::restore {
namespace {

namespace flow = tbb::flow;

// A chunk on its way to a loader; `ticket` is its place in the ChunkQueue (file sources).
struct Chunk {
  SourceMember member;
  std::optional<ChunkQueue::Ticket> ticket;
};
using ChunkPtr = std::shared_ptr<Chunk>;

// A chunk's rows in the form its method sends (chunk_sql.h).
struct ChunkRows {
  std::vector<std::string_view> statements;
  std::vector<std::string> renamed;     // the statements after --rename, when given
  std::optional<sql::RowBatch> values;  // kBulk
  std::optional<sql::TsvBatch> tsv;     // kLoadData
};

class Loader {
 public:
  explicit Loader(const LoaderInputs& in) : in_(in) {
    for (const auto& [id, table] : *in_.tables) {
      if (in_.autoinc_serial && table.auto_increment)
        send_turns_[id] = std::make_unique<std::mutex>();
    }
  }

  // The reader: the next chunk to load, or nullptr once the data members end (or on error).
  // From a file, every remaining chunk is known at once, and the ChunkQueue hands them out
  // (dispatch.h). A stream is loaded in its own order.
  ChunkPtr Next(SourceMember* pending, bool* more) {
    if (in_.source->index() == nullptr) return NextInFileOrder(pending, more);
    if (!collected_) {
      while (ChunkPtr c = NextInFileOrder(pending, more)) {
        const uint32_t id = c->member.info.object_id;
        queue_.Add(id, c->member.info.raw_size);
        queued_[id].push_back(std::move(c));
      }
      collected_ = true;
    }
    std::lock_guard<std::mutex> l(mu_);
    std::optional<ChunkQueue::Ticket> t = queue_.Next();
    if (!t) return nullptr;
    ChunkPtr c = std::move(queued_[t->table][t->index]);
    c->ticket = t;
    return c;
  }

  // Loaders working on `object` now (this one included).
  int Busy(uint32_t object) {
    std::lock_guard<std::mutex> l(mu_);
    return busy_[object];
  }

  // The next data chunk to load in file order, or nullptr once the data members end.
  ChunkPtr NextInFileOrder(SourceMember* pending, bool* more) {
    // Once the data has ended, stay ended: the member after it is the caller's now.
    while (!ended_ && !in_.errors->cancelled()) {
      SourceMember m;
      if (first_) {
        m = std::move(*pending);
        first_ = false;
      } else {
        auto next = in_.source->Next(&m);
        if (!next.ok()) {
          in_.errors->Report(next.status());
          ended_ = true;
          return nullptr;
        }
        if (!*next) {
          *more = false;
          ended_ = true;
          return nullptr;
        }
      }
      if (m.info.kind != archive::MemberKind::kData) {
        *pending = std::move(m);
        *more = true;
        ended_ = true;
        return nullptr;
      }
      if (in_.tables->count(m.info.object_id) == 0) continue;  // not selected
      if (in_.committed->count({m.info.object_id, m.info.chunk}) > 0) {
        Record(m.info, /*skipped=*/true, 0);
        continue;
      }
      return std::make_shared<Chunk>(Chunk{std::move(m), std::nullopt});
    }
    return nullptr;
  }

  // A loader: one chunk on one pooled session. A loader counts as on its table from here, not
  // from Next: the reader runs ahead of the loaders, and a chunk it holds loads nothing yet.
  void Load(const ChunkPtr& chunk) {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++busy_[chunk->member.info.object_id];
    }
    Status st;
    if (!in_.errors->cancelled()) {
      std::unique_ptr<mysql::Session> session = in_.sessions->Take();
      st = LoadWithRetries(&chunk->member, &session);
      // A session lost for good (null) goes back too: the next chunk on it reconnects first.
      in_.sessions->Return(std::move(session));
    }
    chunk->member.payload = std::string();  // the queue keeps no payload
    {
      std::lock_guard<std::mutex> l(mu_);
      --busy_[chunk->member.info.object_id];
      if (chunk->ticket) queue_.Done(*chunk->ticket);
    }
    if (!st.ok()) in_.errors->Report(st);
  }

  void Fill(LoaderResult* out) {
    std::lock_guard<std::mutex> l(mu_);
    *out = result_;
  }

 private:
  std::string Where(const SourceMember& m) const {
    const LoadTable& t = in_.tables->at(m.info.object_id);
    return "table " + sql::QualifiedName(t.schema, t.name) + " chunk " +
           std::to_string(m.info.chunk);
  }

  // The chunk's statements (after --rename) and the form its method sends.
  Status Prepare(SourceMember* m, const LoadTable& table, ChunkRows* rows) const {
    RETURN_IF_ERROR(in_.source->Load(m));
    RETURN_IF_ERROR(sql::SplitStatements(m->payload, &rows->statements));
    if (!in_.rename->empty()) {
      rows->renamed.reserve(rows->statements.size());
      for (std::string_view v : rows->statements) {
        std::string s(v);
        if (!sql::RenameInsertTarget(&s, *in_.rename)) {
          return Corrupt(in_.source->name() + ": " + Where(*m) +
                         ": a statement is not an INSERT into a qualified table");
        }
        rows->renamed.push_back(std::move(s));
      }
      rows->statements.assign(rows->renamed.begin(), rows->renamed.end());
    }
    RETURN_IF_ERROR(CheckSizes(*m, rows->statements));
    Status st;
    switch (MethodFor(table)) {
      case LoadMethod::kBulk:
        rows->values.emplace();
        rows->values->data.reserve(m->payload.size());
        for (std::string_view s : rows->statements) {
          if (st.ok()) st = sql::InsertToRows(s, &*rows->values);
        }
        break;
      case LoadMethod::kLoadData:
        rows->tsv.emplace();
        rows->tsv->data.reserve(m->payload.size());
        for (std::string_view s : rows->statements) {
          if (st.ok()) st = sql::InsertToTsv(s, &*rows->tsv);
        }
        break;
      case LoadMethod::kInsert: break;
    }
    return st.ok() ? st : st.WithContext(in_.source->name() + ": " + Where(*m));
  }

  // How `table`'s chunks go now: the run's method where the column types allow it and the
  // server has not refused it.
  LoadMethod MethodFor(const LoadTable& table) const {
    if (!table.binary_exact) return LoadMethod::kInsert;
    if (in_.method == LoadMethod::kBulk && !bulk_refused_) return LoadMethod::kBulk;
    if (in_.method == LoadMethod::kLoadData && !load_data_refused_) return LoadMethod::kLoadData;
    return LoadMethod::kInsert;
  }

  // A statement over max_allowed_packet would make the server drop the connection, which looks
  // retryable; say what to change instead.
  Status CheckSizes(const SourceMember& m, const std::vector<std::string_view>& views) const {
    if (in_.max_statement == 0) return Status::Ok();
    for (std::string_view v : views) {
      if (v.size() + 1024 <= in_.max_statement) continue;
      return Status(StatusCode::kServer,
                    Where(m) + ": a statement of " + std::to_string(v.size()) +
                        " bytes exceeds the server's max_allowed_packet (" +
                        std::to_string(in_.max_statement) +
                        "); raise it (SET GLOBAL max_allowed_packet) and run again with --resume");
    }
    return Status::Ok();
  }

  Status LoadWithRetries(SourceMember* m, std::unique_ptr<mysql::Session>* session) {
    const LoadTable& table = in_.tables->at(m->info.object_id);
    ChunkRows rows;
    RETURN_IF_ERROR(Prepare(m, table, &rows));
    for (int attempt = 0;; ++attempt) {
      Status st;
      if (*session == nullptr) {  // the last attempt lost its connection
        auto committed = Reconnect(*m, session);
        if (committed.ok() && *committed) {
          Record(m->info, false, m->info.raw_size);
          return Status::Ok();
        }
        st = committed.status();
      }
      if (st.ok()) st = Attempt(**session, *m, rows, table);
      if (st.ok()) {
        Record(m->info, false, m->info.raw_size);
        return st;
      }
      if (in_.errors->cancelled()) return in_.errors->first();
      st = st.WithContext(Where(*m));
      if (!st.retryable() || attempt >= in_.retries) return st;
      if (!table.transactional) return st.WithContext("non-transactional table, not retried");
      {
        std::lock_guard<std::mutex> l(mu_);
        ++result_.retries;
      }
      in_.progress->Warn(st.message() + "; retrying (" + std::to_string(attempt + 1) + " of " +
                         std::to_string(in_.retries) + ")");
      RetryWait(attempt, in_.errors);
      if (IsConnectionLoss(st)) session->reset();
    }
  }

  // A new connection after a lost one. True when the journal shows the chunk's COMMIT made it
  // before the connection went (nothing left to do).
  Result<bool> Reconnect(const SourceMember& m, std::unique_ptr<mysql::Session>* session) {
    bool binlog_off = false;
    auto fresh = ConnectLoadSession(*in_.settings, "loader", &binlog_off);
    if (!fresh.ok()) {
      Status st = fresh.status();  // still unreachable: worth another try
      if (st.code() == StatusCode::kConnection) st.SetServerError(CR_SERVER_GONE_ERROR, "", true);
      return st;
    }
    *session = std::move(fresh).value();
    return in_.journal->HasChunk(**session, m.info.object_id, m.info.chunk);
  }

  // One try at a chunk: one transaction with its journal row (non-transactional tables: the
  // same statements, which cannot be undone).
  Status Attempt(mysql::Session& s, const SourceMember& m, const ChunkRows& rows,
                 const LoadTable& table) {
    if (table.transactional) RETURN_IF_ERROR(s.Execute("START TRANSACTION"));
    uint64_t inserted = 0;
    LoadMethod method = LoadMethod::kInsert;
    Status st;
    {
      std::unique_lock<std::mutex> turn = SendTurn(m.info.object_id);
      st = Send(s, m, rows, table, &inserted, &method);
    }
    if (st.ok() && inserted != m.info.rows) {
      st = Status(StatusCode::kServer, "inserted " + std::to_string(inserted) +
                                           " rows, the archive records " +
                                           std::to_string(m.info.rows));
    }
    if (st.ok()) st = s.Execute(in_.journal->ChunkSql(m.info.object_id, m.info.chunk, inserted));
    if (st.ok() && table.transactional) st = s.Execute("COMMIT");
    if (!st.ok() && table.transactional && !IsConnectionLoss(st)) (void)s.Execute("ROLLBACK");
    if (st.ok() && method != LoadMethod::kInsert) {
      std::lock_guard<std::mutex> l(mu_);
      ++(method == LoadMethod::kBulk ? result_.bulk_chunks : result_.load_data_chunks);
    }
    return st;
  }

  // The right to send rows into `table` now: held by one loader at a time for a table whose
  // inserts the server serializes (LoaderInputs::autoinc_serial); an empty lock otherwise.
  std::unique_lock<std::mutex> SendTurn(uint32_t table) {
    auto it = send_turns_.find(table);
    if (it == send_turns_.end()) return {};
    return std::unique_lock<std::mutex>(*it->second);
  }

  // Sends the chunk's rows by the table's method (*used says which went), falling back to its
  // INSERT statements when the server refuses the method (said once) or, for LOAD DATA, when
  // another loader shares the AUTO_INCREMENT table and LOAD DATA would hold its AUTO-INC lock.
  Status Send(mysql::Session& s, const SourceMember& m, const ChunkRows& rows,
              const LoadTable& table, uint64_t* inserted, LoadMethod* used) {
    const std::string name = sql::QualifiedName(table.schema, table.name);
    const LoadMethod method = MethodFor(table);
    if (method == LoadMethod::kBulk && rows.values) {
      Status st = SendBulk(s, name, *rows.values, in_.max_statement, inserted);
      if (!RefusesArrayBinding(st)) {
        *used = LoadMethod::kBulk;
        return st;
      }
      if (!bulk_refused_.exchange(true)) {
        in_.progress->Warn("the server does not take array-bound INSERTs (" + st.message() +
                           "); loading with INSERT statements, which is slower");
      }
    }
    const bool shared =
        table.auto_increment && !in_.autoinc_lock_free && Busy(m.info.object_id) > 1;
    if (method == LoadMethod::kLoadData && rows.tsv && !shared) {
      Status st = SendLoadData(s, name, *rows.tsv, inserted);
      if (!RefusesLoadDataLocal(st)) {
        *used = LoadMethod::kLoadData;
        return st;
      }
      if (!load_data_refused_.exchange(true)) {
        in_.progress->Warn("the server refuses LOAD DATA LOCAL INFILE (" + st.message() +
                           "); loading with INSERT statements, which is slower");
      }
    }
    *used = LoadMethod::kInsert;
    return SendInserts(s, rows.statements, in_.errors, inserted);
  }

  void Record(const archive::MemberInfo& info, bool skipped, uint64_t bytes) {
    std::lock_guard<std::mutex> l(mu_);
    (skipped ? result_.skipped : result_.chunks) += 1;
    result_.rows += info.rows;
    result_.bytes += bytes;
    result_.table_rows[info.object_id] += info.rows;
    in_.counters->rows += info.rows;
    in_.counters->raw_bytes += info.raw_size;
    in_.counters->chunks += 1;
    LoadTable& t = in_.tables->at(info.object_id);
    if (t.chunks_left > 0 && --t.chunks_left == 0) in_.counters->tables_done += 1;
  }

  const LoaderInputs& in_;
  bool first_ = true;
  bool ended_ = false;
  bool collected_ = false;                            // reader only
  std::map<uint32_t, std::vector<ChunkPtr>> queued_;  // by table, in file order (file only)
  ChunkQueue queue_;                                  // (mu_)
  std::map<uint32_t, int> busy_;                      // loaders on a table now (mu_)
  std::map<uint32_t, std::unique_ptr<std::mutex>> send_turns_;  // see SendTurn (set up once)
  std::atomic<bool> load_data_refused_{false};
  std::atomic<bool> bulk_refused_{false};
  std::mutex mu_;
  LoaderResult result_;
};

// Every chunk allocates buffers of about its size (compressed bytes, payload, rows). glibc maps
// each block above its mmap threshold separately and unmaps it when freed (page faults for every
// chunk, measured 2.4 s of system time per 400 MB of SQL) until a freed mapped block raises the
// threshold. Fixing the threshold (and the trim threshold, as glibc's own raise does) at 32 MiB
// lets freed buffers be reused from the heap; the heap then holds the loaders' working set.
void KeepChunkBuffersInTheHeap() {
  constexpr int kThreshold = 32 << 20;
  mallopt(M_MMAP_THRESHOLD, kThreshold);
  mallopt(M_TRIM_THRESHOLD, 2 * kThreshold);
}

}  // namespace

Status RunDataPhase(const LoaderInputs& in, SourceMember* pending, bool* more,
                    LoaderResult* result) {
  KeepChunkBuffersInTheHeap();
  Loader loader(in);
  *more = false;
  // Loaders wait on the server, not the CPU: the arena gets a slot for each, plus the reader.
  const int slots = in.threads + 2;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(slots));
  tbb::task_arena arena(slots);
  arena.execute([&] {
    flow::graph g;
    flow::input_node<ChunkPtr> reader(g, [&](tbb::flow_control& fc) -> ChunkPtr {
      ChunkPtr c;
      try {
        c = loader.Next(pending, more);
      } catch (const std::exception& e) {
        in.errors->Report(Internal(std::string("restore reader: ") + e.what()));
      }
      if (c == nullptr) fc.stop();
      return c;
    });
    flow::function_node<ChunkPtr, flow::continue_msg, flow::rejecting> load(
        g, static_cast<size_t>(in.threads), [&](const ChunkPtr& c) {
          try {
            loader.Load(c);
          } catch (const std::exception& e) {
            in.errors->Report(Internal(std::string("restore loader: ") + e.what()));
          }
          return flow::continue_msg();
        });
    flow::make_edge(reader, load);
    reader.activate();
    g.wait_for_all();
  });
  loader.Fill(result);
  if (in.errors->cancelled()) return in.errors->first();
  return Status::Ok();
}

}  // namespace myvault::restore
