#include <mysqld_error.h>

#include <algorithm>
#include <set>

#include "mysqldump/rules.h"
#include "mysqldump/system.h"
#include "myvault/common/clock.h"
#include "myvault/dump/ddl.h"
#include "myvault/dump/pipeline.h"
#include "myvault/dump/snapshot.h"
#include "myvault/mysql/accounts.h"
#include "myvault/mysqldump/mysqldump.h"
#include "myvault/mysqldump/script.h"
#include "myvault/sql/text.h"
#include "output.h"
#include "tab.h"
#include "xml.h"

namespace myvault::mysqldump {
namespace {

using Mode = MysqldumpOptions::Mode;

// How long the brief lock that lines up the connections may wait (then exit 8, naming the
// queries in the way), so that a long query never makes production writes queue behind it.
constexpr int kLockWaitSeconds = 60;

dump::Selection MakeSelection(const MysqldumpOptions& o) {
  dump::Selection sel;
  switch (o.mode) {
    case Mode::kTables:
      sel.databases = o.databases;
      for (const auto& t : o.tables) sel.tables.push_back(o.databases.at(0) + "." + t);
      sel.routines_with_tables = true;  // as mysqldump: `db t1 --routines` has db's routines
      break;
    case Mode::kDatabases: sel.databases = o.databases; break;
    case Mode::kAll: sel.include_mysql = true; break;
  }
  sel.exclude_databases = o.ignore_databases;
  sel.exclude_tables = o.ignore_tables;
  sel.missing_tables_allowed = o.force;  // mysqldump --force dumps the tables it finds
  if (o.dump_history) sel.system_time = dump::Selection::SystemTime::kHistory;
  if (!o.as_of.empty()) {
    sel.system_time = dump::Selection::SystemTime::kAsOf;
    sel.as_of = o.as_of;
  }
  return sel;
}

// --system=stats,timezones: the `mysql` tables whose rows come at the end, in that order, with
// their verb. A table the server lacks (no InnoDB, say) is left out, as mariadb-dump does.
Result<std::vector<dump::Table>> LoadSystemRowTables(mysql::Session& s, const MysqldumpOptions& o) {
  std::vector<std::string> names = system_parts::StatsTables(o.system, s.server());
  for (std::string& t : system_parts::TimeZoneTables(o.system)) names.push_back(std::move(t));
  if (names.empty()) return std::vector<dump::Table>{};
  dump::Selection sel;
  for (const std::string& t : names) sel.tables.push_back("mysql." + t);
  sel.missing_tables_allowed = true;
  ASSIGN_OR_RETURN(dump::Catalog cat, dump::LoadCatalog(s, sel));
  auto rank = [&](const dump::Table& t) { return std::find(names.begin(), names.end(), t.name); };
  std::sort(cat.tables.begin(), cat.tables.end(),
            [&](const dump::Table& a, const dump::Table& b) { return rank(a) < rank(b); });
  for (dump::Table& t : cat.tables) t.insert_verb = system_parts::RowsVerb(o);
  return std::move(cat.tables);
}

// Where the stats' and the timezones' tables are in the catalog, for BuildScript.
void IndexSystemRowTables(const MysqldumpOptions& o, const dump::Catalog& cat, ScriptFacts* facts) {
  const std::vector<std::string> stats = system_parts::StatsTables(o.system, facts->server);
  const std::vector<std::string> zones = system_parts::TimeZoneTables(o.system);
  auto has = [](const std::vector<std::string>& v, const std::string& name) {
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  for (size_t i = 0; i < cat.tables.size(); ++i) {
    if (cat.tables[i].insert_verb.empty()) continue;
    if (has(stats, cat.tables[i].name)) facts->stats_tables.push_back(i);
    if (has(zones, cat.tables[i].name)) facts->timezone_tables.push_back(i);
  }
}

// mariadb-dump stops at what it cannot dump as asked: a table versioned by transaction id with
// --dump-history, a view the server reports invalid. --force goes on with a note: the table's
// current rows, the view's definition as a comment (and the view in *forced_views: the run ends
// with exit 2, as mariadb-dump's does).
Status CheckDumpable(const MysqldumpOptions& o, const dump::Catalog& cat,
                     std::vector<std::string>* notes, std::vector<std::string>* forced_views) {
  for (const std::string& t : cat.history_lost) {
    const std::string what = "--dump-history: table " + t +
                             " is versioned by transaction id, whose history cannot be loaded back";
    if (!o.force) return InvalidArgument(what + " (--force dumps its current rows)");
    notes->push_back(what + ": its current rows are dumped");
  }
  if (o.no_create_info) return Status::Ok();
  for (const dump::Definition& v : cat.views) {
    if (v.invalid.empty()) continue;
    const std::string what = "view " + sql::QualifiedName(v.schema, v.name) + ": " + v.invalid;
    if (!o.force) {
      return Status(StatusCode::kServer,
                    what + " (--force writes its definition as a comment and goes on)");
    }
    notes->push_back(what + ": its definition is written as a comment");
    forced_views->push_back(sql::QualifiedName(v.schema, v.name));
  }
  return Status::Ok();
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
  for (mysql::Session* s : c->SnapshotSessions()) {
    // Without --tz-utc, TIMESTAMP values are written in the server's time zone, as mysqldump does.
    if (!o.tz_utc) RETURN_IF_ERROR(s->Execute("SET time_zone = DEFAULT"));
    if (o.max_statement_time > 0) {
      RETURN_IF_ERROR(s->Execute(s->server().StatementTimeLimitSql(o.max_statement_time)));
    }
  }
  return Status::Ok();
}

// --dump-slave: where this replica's source is, read after its SQL thread stopped.
// Whether the replica's SQL thread runs (false on a server that is no replica).
Result<bool> SqlThreadRunning(mysql::Session& s) {
  const mysql::ServerInfo::ReplicaSql replica = s.server().Replica();
  ASSIGN_OR_RETURN(mysql::QueryResult r, s.Query(replica.status));
  return !r.rows.empty() && r.Get(0, replica.sql_running_column) == "Yes";
}

Status ReadSourcePosition(mysql::Session& s, ScriptFacts* facts) {
  const mysql::ServerInfo::ReplicaSql replica = s.server().Replica();
  ASSIGN_OR_RETURN(mysql::QueryResult r, s.Query(replica.status));
  if (r.rows.empty()) {
    return InvalidArgument("--dump-slave: this server is not a replica (" + replica.status +
                           " is empty)");
  }
  facts->source_host = r.Get(0, replica.host_column);
  facts->source_port = r.Get(0, replica.port_column);
  facts->source_log_file = r.Get(0, replica.log_file_column);
  facts->source_log_position = r.Get(0, replica.log_position_column);
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
  config.insert_style.delayed = o.delayed_insert;  // the pipeline keeps it for MyISAM & co only
  config.insert_style.quote_names = o.quote_names;
  config.insert_style.quote = AnsiQuotes(o) ? '"' : '`';
  config.insert_style.qualified = false;
  config.insert_style.column_list = o.complete_insert;
  config.insert_style.one_row_per_statement = !o.extended_insert;
  config.where = o.where;
  config.hex_blob = o.hex_blob;
  config.skip_failed_tables = o.force;  // mysqldump --force: on to the next table
  return config;
}

// Whether the dump needs one consistent view across its connections (else mysqldump takes no
// lock and reads each table when it comes to it: one connection does the same).
bool WantsConsistency(const MysqldumpOptions& o) {
  return o.single_transaction || o.lock_all_tables || o.lock_tables || o.master_data > 0 ||
         o.dump_slave > 0;
}

// One run: the connections, the catalog and what the header says, shared by its steps.
class Run {
 public:
  Run(const MysqldumpOptions& o, ErrorCollector* errors, std::vector<std::string>* notes)
      : o_(o), errors_(errors), notes_(notes), selection_(MakeSelection(o)) {}

  // Connects and reads the catalog: nothing is written or locked yet.
  Status Prepare();
  // Takes the snapshot, reads the definitions, and writes the whole script to `out`.
  Status Dump(SqlOutput* out, MysqldumpReport* report);
  // After a complete dump under --force: the named tables it did not find, as mysqldump ends
  // (its exit code 6), or Ok.
  Status MissingTables() const {
    if (cat_.missing_tables.empty()) return Status::Ok();
    std::string names;
    for (const auto& t : cat_.missing_tables) names += (names.empty() ? "" : ", ") + t;
    return NotFound("unknown table(s) " + names + " (--force dumped the others)")
        .SetServerError(ER_NO_SUCH_TABLE, "42S02", false);
  }
  // After a complete dump under --force: the tables whose rows the server refused to select (a
  // bad --where) and the invalid views written as comments, as mysqldump ends (its exit code 2,
  // the first error), or Ok.
  Status FailedTables() const {
    if (failed_.empty() && forced_views_.empty()) return Status::Ok();
    auto list = [](const std::vector<std::string>& names) {
      std::string text;
      for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
      return text;
    };
    std::string what;
    if (!failed_.empty()) what = "the rows of " + list(failed_) + " could not be selected";
    if (!forced_views_.empty()) {
      what += (what.empty() ? "" : "; ") + std::string("the invalid view(s) ") +
              list(forced_views_) + " were written as comments";
    }
    return Status(StatusCode::kServer, what + " (--force dumped the others)");
  }

 private:
  Status BeginSnapshot();
  Status ReadTextsAsAsked();
  Status DumpXml(SqlOutput* out, MysqldumpReport* report);
  Status Recheck(const mysql::LockPlan& plan);
  // mysqldump's rules for cat_, then --system's tables at its end; again after a recheck has
  // read the catalog afresh.
  void ApplyRules() { ApplyMysqldumpRules(o_, system_rows_, &cat_); }
  Status ReadSystemStatements();

  const MysqldumpOptions& o_;
  ErrorCollector* errors_;
  std::vector<std::string>* notes_;
  const dump::Selection selection_;
  int threads_ = 1;
  bool consistent_ = false;
  Connections c_;
  dump::Catalog cat_;
  ScriptFacts facts_;
  std::unique_ptr<dump::Snapshot> snapshot_;
  std::vector<std::string> failed_;        // --force: tables left without rows, `db`.`t`
  std::vector<std::string> forced_views_;  // --force: invalid views written as comments
  std::vector<dump::Table> system_rows_;   // LoadSystemRowTables, appended to cat_ after the rules
};

Status Run::Prepare() {
  if (o_.default_character_set != "utf8mb4" && o_.set_charset) {
    notes_->push_back("--default-character-set=" + o_.default_character_set +
                      ": the dump is written in utf8mb4 (SET NAMES utf8mb4), which loses nothing");
  }
  threads_ = o_.threads > 0 ? o_.threads : kDefaultThreads;
  consistent_ = WantsConsistency(o_) && !o_.only_system;
  if (o_.xml || !o_.tab.empty()) threads_ = 1;  // written from one connection
  if (!consistent_ && threads_ > 1) {
    // Said only to whoever asked for threads: without the option, one connection is expected.
    if (o_.threads > 1) {
      notes_->push_back(
          "--threads: no --single-transaction or lock option, so one connection reads the tables");
    }
    threads_ = 1;
  }
  ASSIGN_OR_RETURN(c_.lock, mysql::Session::Connect(o_.connection, "lock connection"));
  ASSIGN_OR_RETURN(c_.planner, mysql::Session::Connect(o_.connection, "planner connection"));
  if (!o_.only_system) {
    ASSIGN_OR_RETURN(cat_, dump::LoadCatalog(*c_.planner, selection_));
  }
  for (const auto& t : cat_.missing_tables) {
    notes_->push_back("Couldn't find table: \"" + t.substr(t.find('.') + 1) + "\"");
  }
  if (o_.xml || !o_.tab.empty()) {
    if (o_.system.any()) notes_->push_back("--system: not written with --xml or --tab");
  } else {
    ASSIGN_OR_RETURN(system_rows_, LoadSystemRowTables(*c_.planner, o_));
  }
  ApplyRules();
  RETURN_IF_ERROR(ConnectWorkers(o_, threads_, &c_));
  if (errors_->cancelled()) return errors_->first();
  facts_.server = c_.planner->server();
  const bool mariadb = facts_.server.flavor == mysql::Flavor::kMariaDB;
  if (mariadb && o_.set_gtid_purged != "AUTO") {
    notes_->push_back("--set-gtid-purged: MySQL only, ignored on MariaDB (see --gtid)");
  }
  if (!mariadb && o_.gtid) notes_->push_back("--gtid: MariaDB only, ignored on MySQL");
  facts_.host = o_.connection.host.empty() ? "localhost" : o_.connection.host;
  return Status::Ok();
}

Status Run::Recheck(const mysql::LockPlan& plan) {
  RETURN_IF_ERROR(dump::RecheckCatalog(*c_.planner, selection_, &cat_,
                                       plan.kind == mysql::LockPlan::Kind::kLockTables));
  ApplyRules();
  return Status::Ok();
}

// --skip-quote-names and --compatible: the CREATE texts as the server writes them under
// sql_quote_show_create=0 (backticks only around names that need them) and under sql_mode = the
// --compatible list (ANSI: "double quotes", no table options, views without ALGORITHM and
// DEFINER), as mariadb-dump reads them; the session is set back after. Not for --xml, whose
// document mariadb-dump writes from texts read with the server's default.
Status Run::ReadTextsAsAsked() {
  if ((o_.quote_names && o_.compatible.empty()) || o_.xml) return Status::Ok();
  mysql::Session& s = *c_.planner;
  std::string set = "SET @myvault_sql_mode = @@SESSION.sql_mode";
  std::string reset = "SET SESSION sql_mode = @myvault_sql_mode";
  if (!o_.compatible.empty()) set += ", SESSION sql_mode = " + sql::StringLiteral(o_.compatible);
  if (!o_.quote_names) {
    set += ", SESSION sql_quote_show_create = 0";
    reset += ", SESSION sql_quote_show_create = DEFAULT";
  }
  RETURN_IF_ERROR(s.Execute(set));
  Status st = dump::ReloadCreateTexts(s, &cat_);
  Status back = s.Execute(reset);
  RETURN_IF_ERROR(st);
  return back;
}

// One snapshot for the planner and every worker.
Status Run::BeginSnapshot() {
  dump::SnapshotPlan plan;  // no statements: each connection's own transaction
  plan.lock_wait_timeout_s = kLockWaitSeconds;
  if (consistent_) {
    const dump::SnapshotRequest request{mysql::SnapshotMethod::kAuto, cat_.HasNonTransactional(),
                                        dump::ContentTables(cat_), kLockWaitSeconds};
    ASSIGN_OR_RETURN(plan, dump::PlanSnapshot(*c_.lock, request));
  }
  auto recheck = [this](const mysql::LockPlan& p) { return Recheck(p); };
  auto snapshot =
      dump::Snapshot::Begin(*c_.lock, c_.SnapshotSessions(), plan, o_.connection, errors_, recheck);
  if (!snapshot.ok() && snapshot.status().code() == StatusCode::kAuth && o_.master_data == 0 &&
      !o_.lock_all_tables && threads_ > 1) {
    // No privilege for any lock that lines up several connections (not even LOCK TABLES): one
    // connection in one transaction is what mysqldump --single-transaction gives.
    notes_->push_back("no privilege for the backup lock (" + snapshot.status().message() +
                      "): one connection reads the tables");
    threads_ = 1;
    c_.workers.resize(1);
    dump::SnapshotPlan none;
    none.lock_wait_timeout_s = kLockWaitSeconds;
    snapshot = dump::Snapshot::Begin(*c_.lock, c_.SnapshotSessions(), none, o_.connection, errors_,
                                     recheck);
  }
  if (!snapshot.ok()) return snapshot.status();
  snapshot_ = std::move(*snapshot);
  const dump::SnapshotInfo& snap = snapshot_->info();
  facts_.binlog_file = snap.binlog_file;
  facts_.binlog_position = snap.binlog_position;
  facts_.gtid_position = snap.gtid_position;
  if (o_.master_data > 0 && facts_.binlog_file.empty()) {
    return Status(StatusCode::kServer,
                  "--master-data: the server has no binary log position (binary logging off?)");
  }
  if (o_.master_data > 0 && !snap.position_exact) {
    return Status(StatusCode::kAuth,
                  "--master-data: without RELOAD the binary log position read under LOCK TABLES "
                  "is not exact on this server; grant RELOAD for FLUSH TABLES WITH READ LOCK");
  }
  return Status::Ok();
}

// --system's statements (plugins, accounts, functions, servers) and where its rows go.
Status Run::ReadSystemStatements() {
  if (o_.xml || !o_.tab.empty()) return Status::Ok();  // see Prepare's note
  mysql::Session& s = *c_.planner;
  if (o_.system.plugins) {
    ASSIGN_OR_RETURN(facts_.plugins_sql, system_parts::ReadPluginsSql(s, o_));
  }
  if (o_.system.users) {
    ASSIGN_OR_RETURN(std::vector<mysql::Account> accounts, mysql::ReadAccounts(s));
    for (const mysql::Account& a : accounts) facts_.accounts_sql += mysql::AccountSql(a);
  }
  if (o_.system.udfs) {
    ASSIGN_OR_RETURN(facts_.udfs_sql, system_parts::ReadUdfsSql(s, o_, notes_));
  }
  if (o_.system.servers) {
    ASSIGN_OR_RETURN(facts_.servers_sql, system_parts::ReadServersSql(s, o_));
  }
  IndexSystemRowTables(o_, cat_, &facts_);
  return Status::Ok();
}

Status Run::Dump(SqlOutput* out, MysqldumpReport* report) {
  if (o_.flush_logs) RETURN_IF_ERROR(c_.lock->Execute("FLUSH LOGS"));
  // --dump-slave stops the replica's SQL thread so its position holds still; it is started
  // again however the dump ends, and only then: a thread an operator had stopped stays stopped.
  struct RestartSqlThread {
    mysql::Session* session = nullptr;
    ~RestartSqlThread() {
      if (session != nullptr) (void)session->Execute(session->server().Replica().start_sql_thread);
    }
  } restart;
  if (o_.dump_slave > 0) {
    ASSIGN_OR_RETURN(bool running, SqlThreadRunning(*c_.lock));
    if (running) {
      RETURN_IF_ERROR(c_.lock->Execute(facts_.server.Replica().stop_sql_thread));
      restart.session = c_.lock.get();
    }
    RETURN_IF_ERROR(ReadSourcePosition(*c_.lock, &facts_));
  }
  RETURN_IF_ERROR(BeginSnapshot());
  RETURN_IF_ERROR(dump::LoadDefinitions(*c_.planner, &cat_));
  RETURN_IF_ERROR(ReadTextsAsAsked());
  RETURN_IF_ERROR(ReadSystemStatements());
  RETURN_IF_ERROR(CheckDumpable(o_, cat_, notes_, &forced_views_));
  facts_.dump_date = WallClockText("%Y-%m-%d %H:%M:%S", false);
  if (o_.xml) return DumpXml(out, report);
  if (!o_.tab.empty()) {
    uint64_t with_rows = 0;
    RETURN_IF_ERROR(WriteTabDump(*c_.planner, cat_, o_, facts_, out, &with_rows));
    RETURN_IF_ERROR(snapshot_->ReleaseLock());
    report->tables = cat_.tables.size();
    report->bytes = out->bytes_written();
    report->threads = 1;
    return Status::Ok();
  }

  // The script, with each table's rows streamed in place by the ordered pipeline. Rows are read
  // as utf8mb4 whatever --default-character-set says, so the stream says SET NAMES utf8mb4.
  MysqldumpOptions script_options = o_;
  script_options.default_character_set = "utf8mb4";
  const std::vector<ScriptItem> items = BuildScript(cat_, script_options, facts_);
  ScriptWriter script(&items, &cat_, out);
  ProgressCounters counters;
  ProgressReporter progress(ProgressMode::kQuiet, &counters);
  dump::PipelineResult result;
  if (!o_.no_data) {
    dump::PipelineInputs in;
    in.catalog = &cat_;
    in.table_object_ids.assign(cat_.tables.size(), 0);
    in.planner = c_.planner.get();
    for (auto& w : c_.workers) in.workers.push_back(w.get());
    in.snapshot = snapshot_.get();
    in.ordered = &script;
    in.counters = &counters;
    in.progress = &progress;
    in.errors = errors_;
    in.connection = &o_.connection;
    RETURN_IF_ERROR(dump::RunDataPipeline(MakePipelineConfig(o_, threads_), in, &result));
    std::sort(result.failed_tables.begin(), result.failed_tables.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });  // catalog order
    for (const auto& [table, error] : result.failed_tables) {
      const dump::Table& t = cat_.tables[table];
      failed_.push_back(sql::QualifiedName(t.schema, t.name));
      notes_->push_back("table " + failed_.back() + ": " + error.message() +
                        " (--force: its rows are left out, the next table follows)");
    }
  }
  RETURN_IF_ERROR(snapshot_->ReleaseLock());
  RETURN_IF_ERROR(script.Finish());
  if (errors_->cancelled()) return errors_->first();
  RETURN_IF_ERROR(out->Commit());
  for (auto& w : c_.workers) (void)w->Execute("COMMIT");

  report->tables = cat_.tables.size();
  for (uint64_t rows : result.table_rows) report->rows += rows;
  report->bytes = out->bytes_written();
  report->threads = threads_;
  return Status::Ok();
}

// --xml: the document from the planner connection, in the snapshot.
Status Run::DumpXml(SqlOutput* out, MysqldumpReport* report) {
  XmlResult result;
  RETURN_IF_ERROR(WriteXmlDump(*c_.planner, cat_, o_, out, &result));
  for (const auto& [table, error] : result.failed) {
    failed_.push_back(table);
    notes_->push_back("table " + table + ": " + error +
                      " (--force: its rows are left out, the next table follows)");
  }
  RETURN_IF_ERROR(snapshot_->ReleaseLock());
  if (errors_->cancelled()) return errors_->first();
  RETURN_IF_ERROR(out->Commit());
  report->tables = cat_.tables.size();
  report->rows = result.rows;
  report->bytes = out->bytes_written();
  report->threads = 1;
  return Status::Ok();
}

}  // namespace

Status RunMysqldump(const MysqldumpOptions& o, ErrorCollector* errors, MysqldumpReport* report,
                    std::vector<std::string>* notes) {
  const double start = MonotonicSeconds();
  Run run(o, errors, notes);
  RETURN_IF_ERROR(run.Prepare());
  ASSIGN_OR_RETURN(auto out, SqlOutput::Open(o.result_file));
  Status st = run.Dump(out.get(), report);
  if (!st.ok() && !o.xml) out->MarkIncomplete(st);  // an unfinished XML document is not well formed
  report->seconds = MonotonicSeconds() - start;
  if (st.ok()) st = run.MissingTables();
  if (st.ok()) st = run.FailedTables();
  return st;
}

int MysqldumpExitCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kIo: return 5;  // EX_EOF
    case StatusCode::kInternal: return 1;
    case StatusCode::kInvalidArgument:  // mariadb-dump's option checks that exit 1
      for (std::string_view one : {kInvalidCompatibleMode, kMustUseTab}) {
        if (status.message().starts_with(one)) return 1;
      }
      return 2;
    case StatusCode::kCancelled: return kExitCancelled;
    case StatusCode::kNotFound:
      return status.server_errno() == ER_NO_SUCH_TABLE ? 6 : 2;  // EX_ILLEGAL_TABLE : EX_MYSQLERR
    default: return 2;  // EX_MYSQLERR, and what mysqldump's option parser gives
  }
}

}  // namespace myvault::mysqldump
