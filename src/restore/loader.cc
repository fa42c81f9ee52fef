#include "restore/loader.h"

#include <errmsg.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "myvault/sql/script.h"
#include "myvault/sql/text.h"
#include "myvault/sql/tsv.h"
#include "restore/reconnect.h"

namespace myvault::restore {
namespace {

namespace flow = tbb::flow;
using ChunkPtr = std::shared_ptr<SourceMember>;

class Loader {
 public:
  explicit Loader(const LoaderInputs& in) : in_(in) {}

  // The reader: the next chunk to load, or nullptr once the data members end (or on error).
  // From a file, every remaining chunk is known at once, so chunks are handed out
  // table by table: to a free loader, the next chunk of the table with the most SQL left among
  // those no other loader is working on (any table when all are busy). Two loaders on one table
  // contend for its last pages and, under LOAD DATA, for its AUTO_INCREMENT lock, which InnoDB
  // holds for a whole LOAD DATA statement. A stream is loaded in its own order.
  ChunkPtr Next(SourceMember* pending, bool* more) {
    if (in_.source->index() == nullptr) return Dispatch(NextInFileOrder(pending, more));
    if (!collected_) {
      while (ChunkPtr c = NextInFileOrder(pending, more)) {
        left_[c->info.object_id] += c->info.raw_size;
        queues_[c->info.object_id].push_back(std::move(c));
      }
      collected_ = true;
    }
    std::lock_guard<std::mutex> l(mu_);
    uint32_t best = 0;
    bool found = false, best_idle = false;
    for (const auto& [id, queue] : queues_) {
      if (queue.empty()) continue;
      const bool idle = busy_[id] == 0;
      if (!found || (idle && !best_idle) || (idle == best_idle && left_[id] > left_[best])) {
        best = id;
        best_idle = idle;
        found = true;
      }
    }
    if (!found) return nullptr;
    ChunkPtr c = std::move(queues_[best].front());
    queues_[best].pop_front();
    left_[best] -= c->info.raw_size;
    ++busy_[best];
    return c;
  }

  ChunkPtr Dispatch(ChunkPtr c) {
    if (c != nullptr) {
      std::lock_guard<std::mutex> l(mu_);
      ++busy_[c->info.object_id];
    }
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
      return std::make_shared<SourceMember>(std::move(m));
    }
    return nullptr;
  }

  // A loader: one chunk on one pooled session.
  void Load(const ChunkPtr& chunk) {
    Status st;
    if (!in_.errors->cancelled()) {
      std::unique_ptr<mysql::Session> session = in_.sessions->Take();
      st = LoadWithRetries(chunk.get(), &session);
      // A session lost for good (null) goes back too: the next chunk on it reconnects first.
      in_.sessions->Return(std::move(session));
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      --busy_[chunk->info.object_id];
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

  Status Statements(SourceMember* m, std::vector<std::string_view>* views,
                    std::vector<std::string>* renamed) const {
    RETURN_IF_ERROR(in_.source->Load(m));
    RETURN_IF_ERROR(sql::SplitStatements(m->payload, views));
    if (in_.rename->empty()) return CheckSizes(*m, *views);
    renamed->reserve(views->size());
    for (std::string_view v : *views) {
      std::string s(v);
      if (!sql::RenameInsertTarget(&s, *in_.rename)) {
        return Corrupt(in_.source->name() + ": " + Where(*m) +
                       ": a statement is not an INSERT into a qualified table");
      }
      renamed->push_back(std::move(s));
    }
    views->assign(renamed->begin(), renamed->end());
    return CheckSizes(*m, *views);
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
    std::vector<std::string_view> statements;
    std::vector<std::string> renamed;
    RETURN_IF_ERROR(Statements(m, &statements, &renamed));
    const LoadTable& table = in_.tables->at(m->info.object_id);
    std::optional<sql::TsvBatch> tsv;
    if (table.load_data && !load_data_refused_) {
      tsv.emplace();
      tsv->data.reserve(m->payload.size());
      for (std::string_view s : statements) {
        Status st = sql::InsertToTsv(s, &*tsv);
        if (!st.ok()) return st.WithContext(in_.source->name() + ": " + Where(*m));
      }
    }
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
      if (st.ok()) st = Attempt(**session, *m, statements, tsv ? &*tsv : nullptr, table);
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
  Status Attempt(mysql::Session& s, const SourceMember& m,
                 const std::vector<std::string_view>& statements, const sql::TsvBatch* tsv,
                 const LoadTable& table) {
    if (table.transactional) RETURN_IF_ERROR(s.Execute("START TRANSACTION"));
    uint64_t inserted = 0;
    Status st;
    bool done = false;
    bool by_load_data = false;
    // A table with AUTO_INCREMENT that another loader is filling too takes INSERTs: they do
    // not hold its AUTO_INCREMENT lock for a whole statement as LOAD DATA does.
    const bool shared = table.auto_increment && Busy(m.info.object_id) > 1;
    if (tsv != nullptr && !load_data_refused_ && !shared) {
      st = LoadData(s, table, *tsv, &inserted);
      done = st.ok() || !RefusesLocalInfile(st);
      by_load_data = done;
      if (!done) st = Status::Ok();
    }
    if (!done) st = Insert(s, statements, &inserted);
    if (st.ok() && inserted != m.info.rows) {
      st = Status(StatusCode::kServer, "inserted " + std::to_string(inserted) +
                                           " rows, the archive records " +
                                           std::to_string(m.info.rows));
    }
    if (st.ok()) st = s.Execute(in_.journal->ChunkSql(m.info.object_id, m.info.chunk, inserted));
    if (st.ok() && table.transactional) st = s.Execute("COMMIT");
    if (!st.ok() && table.transactional && !IsConnectionLoss(st)) (void)s.Execute("ROLLBACK");
    if (st.ok() && by_load_data) {
      std::lock_guard<std::mutex> l(mu_);
      ++result_.load_data_chunks;
    }
    return st;
  }

  Status Insert(mysql::Session& s, const std::vector<std::string_view>& statements,
                uint64_t* inserted) {
    for (std::string_view statement : statements) {
      if (in_.errors->cancelled()) return in_.errors->first();
      uint64_t n = 0;
      RETURN_IF_ERROR(s.Execute(statement, &n));
      *inserted += n;
    }
    return Status::Ok();
  }

  Status LoadData(mysql::Session& s, const LoadTable& table, const sql::TsvBatch& tsv,
                  uint64_t* inserted) {
    std::string statement = "LOAD DATA LOCAL INFILE 'myvault-chunk' INTO TABLE " +
                            sql::QualifiedName(table.schema, table.name) +
                            " CHARACTER SET binary (";
    for (size_t i = 0; i < tsv.columns.size(); ++i) {
      if (i > 0) statement += ",";
      statement += tsv.columns[i];
    }
    statement += ")";
    return s.LoadDataLocal(statement, tsv.data, inserted);
  }

  // The server (local_infile=OFF) or the client library refuses LOAD DATA LOCAL: say so once,
  // and load with INSERTs from now on.
  bool RefusesLocalInfile(const Status& st) {
    switch (st.server_errno()) {
      case 1148:  // ER_NOT_ALLOWED_COMMAND
      case 2068:  // CR_LOAD_DATA_LOCAL_INFILE_REJECTED (MySQL client)
      case 3948:  // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
      case 4166:  // ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB)
        break;
      default: return false;
    }
    if (!load_data_refused_.exchange(true)) {
      in_.progress->Warn("the server refuses LOAD DATA LOCAL INFILE (" + st.message() +
                         "); loading with INSERT statements, which is slower");
    }
    return true;
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
  bool collected_ = false;                           // reader only
  std::map<uint32_t, std::deque<ChunkPtr>> queues_;  // by table, in file order (file only)
  std::map<uint32_t, uint64_t> left_;                // SQL bytes still queued, by table
  std::map<uint32_t, int> busy_;                     // loaders on a table now (mu_)
  std::atomic<bool> load_data_refused_{false};
  std::mutex mu_;
  LoaderResult result_;
};

}  // namespace

Status RunDataPhase(const LoaderInputs& in, SourceMember* pending, bool* more,
                    LoaderResult* result) {
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
