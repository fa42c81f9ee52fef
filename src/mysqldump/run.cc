#include <chrono>
#include <ctime>
#include <set>

#include "myvault/dump/ddl.h"
#include "myvault/dump/pipeline.h"
#include "myvault/dump/snapshot.h"
#include "myvault/mysqldump/mysqldump.h"
#include "myvault/mysqldump/script.h"
#include "output.h"

namespace myvault::mysqldump {
namespace {

using Mode = MysqldumpOptions::Mode;

double Now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string LocalDate() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

dump::Selection MakeSelection(const MysqldumpOptions& o) {
  dump::Selection sel;
  switch (o.mode) {
    case Mode::kTables:
      sel.databases = o.databases;
      for (const auto& t : o.tables) sel.tables.push_back(o.databases.at(0) + "." + t);
      break;
    case Mode::kDatabases: sel.databases = o.databases; break;
    case Mode::kAll: sel.include_mysql = true; break;
  }
  sel.exclude_databases = o.ignore_databases;
  sel.exclude_tables = o.ignore_tables;
  return sel;
}

// mysqldump's rules for the `mysql` database: the logs and statistics the server keeps for
// itself are dumped without rows, and its views (mysql.user on MariaDB) not at all.
void ApplySystemRules(dump::Catalog* cat) {
  static const std::set<std::string> kNoRows = {"general_log",          "slow_log",
                                                "innodb_index_stats",   "innodb_table_stats",
                                                "transaction_registry", "event"};
  for (auto& t : cat->tables) {
    if (t.schema == "mysql" && kNoRows.count(t.name) != 0) t.dump_rows = false;
  }
  std::erase_if(cat->views, [](const dump::Definition& v) { return v.schema == "mysql"; });
}

// The worker connections of the dump, and the two that take the lock and plan.
struct Connections {
  std::unique_ptr<mysql::Session> lock, planner;
  std::vector<std::unique_ptr<mysql::Session>> workers;

  std::vector<mysql::Session*> SnapshotSessions() const {
    std::vector<mysql::Session*> out{planner.get()};
    for (const auto& w : workers) out.push_back(w.get());
    return out;
  }
};

Status ConnectWorkers(const MysqldumpOptions& o, int threads, Connections* c) {
  for (int i = static_cast<int>(c->workers.size()); i < threads; ++i) {
    ASSIGN_OR_RETURN(auto s, mysql::Session::Connect(o.connection, "worker " + std::to_string(i)));
    c->workers.push_back(std::move(s));
  }
  if (o.tz_utc) return Status::Ok();
  // Without --tz-utc, TIMESTAMP values are written in the server's time zone, as mysqldump does.
  for (mysql::Session* s : c->SnapshotSessions())
    RETURN_IF_ERROR(s->Execute("SET time_zone = DEFAULT"));
  return Status::Ok();
}

// --dump-slave: where this replica's source is, read after its SQL thread stopped.
Status ReadSourcePosition(mysql::Session& s, ScriptFacts* facts) {
  ASSIGN_OR_RETURN(mysql::QueryResult r, s.Query("SHOW SLAVE STATUS"));
  if (r.rows.empty()) {
    return InvalidArgument(
        "--dump-slave: this server is not a replica (SHOW SLAVE STATUS is empty)");
  }
  facts->source_host = r.Get(0, "Master_Host");
  facts->source_port = r.Get(0, "Master_Port");
  facts->source_log_file = r.Get(0, "Relay_Master_Log_File");
  facts->source_log_position = r.Get(0, "Exec_Master_Log_Pos");
  if (s.server().flavor == mysql::Flavor::kMariaDB) {
    auto g = s.Query("SELECT @@GLOBAL.gtid_slave_pos");
    if (g.ok() && !g->rows.empty()) facts->source_gtid = g->rows[0][0].value_or("");
  }
  return Status::Ok();
}

dump::PipelineConfig MakePipelineConfig(const MysqldumpOptions& o, int threads) {
  dump::PipelineConfig config;
  config.threads = threads;
  config.compress_threads = 1;  // unused in ordered mode
  config.chunk_size = 1u << 20;
  config.statement_size = std::max<uint64_t>(o.net_buffer_length, 4096);
  config.max_chunks_in_flight = 2 * threads + 2;
  config.insert_style.verb = o.replace ? "REPLACE" : o.insert_ignore ? "INSERT IGNORE" : "INSERT";
  config.insert_style.qualified = false;
  config.insert_style.column_list = o.complete_insert;
  config.insert_style.one_row_per_statement = !o.extended_insert;
  config.where = o.where;
  return config;
}

// Whether the dump needs one consistent view across its connections (else mysqldump takes no
// lock and reads each table when it comes to it: one connection does the same).
bool WantsConsistency(const MysqldumpOptions& o) {
  return o.single_transaction || o.lock_all_tables || o.lock_tables || o.master_data > 0 ||
         o.dump_slave > 0;
}

}  // namespace

Status RunMysqldump(const MysqldumpOptions& o, ErrorCollector* errors, MysqldumpReport* report,
                    std::vector<std::string>* notes) {
  const double start = Now();
  if (o.default_character_set != "utf8mb4" && o.set_charset) {
    notes->push_back("--default-character-set=" + o.default_character_set +
                     ": the dump is written in utf8mb4 (SET NAMES utf8mb4), which loses nothing");
  }
  int threads = o.threads > 0 ? o.threads : kDefaultThreads;
  const bool consistent = WantsConsistency(o);
  if (!consistent && threads > 1) {
    notes->push_back("no --single-transaction or lock option: one connection reads the tables");
    threads = 1;
  }

  // 1. Connect and read the catalog before creating the output or taking any lock.
  Connections c;
  ASSIGN_OR_RETURN(c.lock, mysql::Session::Connect(o.connection, "lock connection"));
  ASSIGN_OR_RETURN(c.planner, mysql::Session::Connect(o.connection, "planner connection"));
  const dump::Selection selection = MakeSelection(o);
  ASSIGN_OR_RETURN(dump::Catalog cat, dump::LoadCatalog(*c.planner, selection));
  ApplySystemRules(&cat);
  RETURN_IF_ERROR(ConnectWorkers(o, threads, &c));
  if (errors->cancelled()) return errors->first();
  ASSIGN_OR_RETURN(auto out, SqlOutput::Open(o.result_file));

  const mysql::ServerInfo& server = c.planner->server();
  ScriptFacts facts;
  facts.server = server;
  facts.host = o.connection.host.empty() ? "localhost" : o.connection.host;
  if (o.flush_logs) RETURN_IF_ERROR(c.lock->Execute("FLUSH LOGS"));
  bool sql_thread_stopped = false;
  if (o.dump_slave > 0) {
    RETURN_IF_ERROR(c.lock->Execute("STOP SLAVE SQL_THREAD"));
    sql_thread_stopped = true;
    RETURN_IF_ERROR(ReadSourcePosition(*c.lock, &facts));
  }

  // 2. One snapshot for the planner and every worker.
  mysql::LockPlan plan;  // no statements: each connection's own transaction
  if (consistent) plan = mysql::ChooseLockPlan(server, cat.HasNonTransactional());
  auto recheck = [&] {
    RETURN_IF_ERROR(dump::RecheckCatalog(*c.planner, selection, &cat));
    ApplySystemRules(&cat);
    return Status::Ok();
  };
  auto snapshot =
      dump::Snapshot::Begin(*c.lock, c.SnapshotSessions(), plan, o.connection, 60, errors, recheck);
  if (!snapshot.ok() && snapshot.status().code() == StatusCode::kAuth && o.master_data == 0 &&
      !o.lock_all_tables && threads > 1) {
    // No privilege for the brief lock that lines up several connections: one connection in
    // one transaction is what mysqldump --single-transaction gives.
    notes->push_back("no privilege for the backup lock (" + snapshot.status().message() +
                     "): one connection reads the tables");
    threads = 1;
    c.workers.resize(1);
    snapshot = dump::Snapshot::Begin(*c.lock, c.SnapshotSessions(), mysql::LockPlan{}, o.connection,
                                     60, errors, recheck);
  }
  if (!snapshot.ok()) return snapshot.status();
  const dump::SnapshotInfo& snap = (*snapshot)->info();
  facts.binlog_file = snap.binlog_file;
  facts.binlog_position = snap.binlog_position;
  facts.gtid_position = snap.gtid_position;
  if (o.master_data > 0 && facts.binlog_file.empty()) {
    return Status(StatusCode::kServer,
                  "--master-data: the server has no binary log position (binary logging off?)");
  }
  RETURN_IF_ERROR(dump::LoadDefinitions(*c.planner, &cat));
  facts.dump_date = LocalDate();

  // 3. The script, with each table's rows streamed in place by the ordered pipeline. Rows are
  // read as utf8mb4 whatever --default-character-set says, so the stream says SET NAMES utf8mb4.
  MysqldumpOptions script_options = o;
  script_options.default_character_set = "utf8mb4";
  const std::vector<ScriptItem> items = BuildScript(cat, script_options, facts);
  ScriptWriter script(&items, &cat, out.get());
  ProgressCounters counters;
  ProgressReporter progress(ProgressMode::kQuiet, &counters);
  dump::PipelineResult result;
  if (!o.no_data) {
    dump::PipelineInputs in;
    in.catalog = &cat;
    in.table_object_ids.assign(cat.tables.size(), 0);
    in.planner = c.planner.get();
    for (auto& w : c.workers) in.workers.push_back(w.get());
    in.snapshot = snapshot->get();
    in.ordered = &script;
    in.counters = &counters;
    in.progress = &progress;
    in.errors = errors;
    in.connection = &o.connection;
    RETURN_IF_ERROR(dump::RunDataPipeline(MakePipelineConfig(o, threads), in, &result));
  }
  RETURN_IF_ERROR((*snapshot)->ReleaseLock());
  if (sql_thread_stopped) RETURN_IF_ERROR(c.lock->Execute("START SLAVE SQL_THREAD"));
  RETURN_IF_ERROR(script.Finish());
  if (errors->cancelled()) return errors->first();
  RETURN_IF_ERROR(out->Commit());
  for (auto& w : c.workers) (void)w->Execute("COMMIT");

  report->tables = cat.tables.size();
  for (uint64_t rows : result.table_rows) report->rows += rows;
  report->bytes = out->bytes_written();
  report->threads = threads;
  report->seconds = Now() - start;
  return Status::Ok();
}

}  // namespace myvault::mysqldump
