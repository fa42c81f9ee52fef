#include "myvault/dump/dumper.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <thread>

#include "myvault/archive/contents.h"
#include "myvault/archive/member.h"
#include "myvault/archive/writer.h"
#include "myvault/common/clock.h"
#include "myvault/dump/ddl.h"
#include "myvault/dump/pipeline.h"
#include "myvault/dump/snapshot.h"
#include "myvault/mysql/accounts.h"
#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

using archive::MemberKind;

constexpr const char* kIsoUtc = "%Y-%m-%dT%H:%M:%SZ";  // start_time and end_time in the index

// Object ids of the archive index: databases, then tables, then post-data definitions.
struct ObjectIds {
  std::vector<uint32_t> databases, tables, views, triggers, routines, events;
};

ObjectIds AssignObjects(const Catalog& cat, archive::Index* index) {
  ObjectIds ids;
  auto add = [&](std::string kind, const std::string& schema, const std::string& name) {
    uint32_t id = static_cast<uint32_t>(index->objects.size());
    index->objects.push_back(archive::ObjectEntry{id, std::move(kind), schema, name, 0});
    return id;
  };
  for (const auto& d : cat.databases) ids.databases.push_back(add("database", d.name, ""));
  for (const auto& t : cat.tables) {
    ids.tables.push_back(add(t.is_sequence ? "sequence" : "table", t.schema, t.name));
  }
  for (const auto& v : cat.views) ids.views.push_back(add("view", v.schema, v.name));
  for (const auto& t : cat.triggers) ids.triggers.push_back(add("trigger", t.schema, t.name));
  for (const auto& r : cat.routines) ids.routines.push_back(add(r.kind, r.schema, r.name));
  for (const auto& e : cat.events) ids.events.push_back(add("event", e.schema, e.name));
  return ids;
}

// Writes one non-data member on the caller's thread.
class MemberWriter {
 public:
  MemberWriter(archive::ArchiveWriter* writer, int level, const archive::ArchiveKey* key)
      : writer_(writer), encoder_(level, key) {}
  Status Write(MemberKind kind, uint32_t object_id, const std::string& sql) {
    std::string member;
    archive::MemberInfo info{};
    RETURN_IF_ERROR(encoder_.Encode(kind, object_id, 0, 0, sql, &member, &info));
    return writer_->Append(member, info);
  }

 private:
  archive::ArchiveWriter* writer_;
  archive::MemberEncoder encoder_;
};

// Routines first: a view may call a function, and the server checks that when the view is
// created; a routine's body is resolved only when it runs, so it may read views created after
// it. Then the views (each after the views it reads), triggers (which may call routines) and
// events.
Status WritePostData(const Catalog& cat, const ObjectIds& ids, const DdlOptions& ddl,
                     MemberWriter* out) {
  std::map<std::string, std::string> collations;
  for (const auto& d : cat.databases) collations[d.name] = d.collation;
  auto write_all = [&](const std::vector<Definition>& defs, const std::vector<uint32_t>& oids) {
    for (size_t i = 0; i < defs.size(); ++i) {
      const std::string sql = DefinitionSql(defs[i], ddl, collations[defs[i].schema]);
      RETURN_IF_ERROR(out->Write(MemberKind::kPost, oids[i], sql));
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(write_all(cat.routines, ids.routines));
  RETURN_IF_ERROR(write_all(cat.views, ids.views));
  RETURN_IF_ERROR(write_all(cat.triggers, ids.triggers));
  return write_all(cat.events, ids.events);
}

// A whole-server dump (no --databases, no --tables) holds the accounts too. An account that
// may not read them gets a warning and an archive whose metadata says why they are missing.
struct AccountsRead {
  std::vector<mysql::Account> accounts;
  std::string left_out;  // why there are none although the dump covers the whole server
  bool wanted = false;
};

AccountsRead ReadDumpAccounts(const Selection& sel, mysql::Session& s, ProgressReporter* progress) {
  AccountsRead out;
  out.wanted = sel.databases.empty() && sel.tables.empty();
  if (!out.wanted) return out;
  Result<std::vector<mysql::Account>> accounts = mysql::ReadAccounts(s);
  if (accounts.ok()) {
    out.accounts = std::move(*accounts);
  } else {
    out.left_out = accounts.status().message();
    progress->Warn("accounts left out of the archive: " + out.left_out);
  }
  return out;
}

void AddAccountMetadata(const AccountsRead& read,
                        std::vector<std::pair<std::string, std::string>>* meta) {
  if (!read.wanted) return;
  if (!read.left_out.empty()) {
    meta->emplace_back("accounts_left_out", read.left_out);
  } else {
    meta->emplace_back("accounts", std::to_string(read.accounts.size()));
  }
}

// One post member per account, after every other post member (a grant names the tables and
// routines it is on), with an object of kind "user" or "role" named user@host.
Status WriteAccounts(const AccountsRead& read, archive::Index* index, MemberWriter* out) {
  for (const mysql::Account& a : read.accounts) {
    const uint32_t id = static_cast<uint32_t>(index->objects.size());
    index->objects.push_back(archive::ObjectEntry{id, a.is_role ? "role" : "user", "",
                                                  a.is_role ? a.user : a.user + "@" + a.host, 0});
    RETURN_IF_ERROR(out->Write(MemberKind::kPost, id, mysql::AccountSql(a)));
  }
  return Status::Ok();
}

// What the archive cannot give back as the server holds it, said before the dump goes on.
void WarnAboutLosses(const Catalog& cat, ProgressReporter* progress) {
  for (const auto& v : cat.views) {
    if (v.invalid.empty()) continue;
    progress->Warn("view " + sql::QualifiedName(v.schema, v.name) + " is invalid (" + v.invalid +
                   "): its definition is kept in the archive as a comment, and a restore does "
                   "not create it");
  }
  for (const auto& t : cat.history_lost) {
    progress->Warn("table " + t +
                   " is versioned by transaction id, which takes no history rows back: only its "
                   "current rows are dumped");
  }
}

Result<std::vector<std::unique_ptr<mysql::Session>>> ConnectWorkers(const DumpOptions& o) {
  std::vector<std::unique_ptr<mysql::Session>> workers;
  for (int i = 0; i < o.threads; ++i) {
    ASSIGN_OR_RETURN(auto s, mysql::Session::Connect(o.connection, "worker " + std::to_string(i)));
    workers.push_back(std::move(s));
  }
  return workers;
}

}  // namespace

Status DumpOptions::Validate() const {
  if (output.empty()) return InvalidArgument("--output is required");
  if (threads < 1 || threads > 256) return InvalidArgument("--threads must be 1..256");
  if (compress_threads < 0 || compress_threads > 256) {
    return InvalidArgument("--compress-threads must be 0..256");
  }
  if (compress_level < 0 || compress_level > 12) {
    return InvalidArgument("--compress-level must be 0..12");
  }
  if (chunk_size < 4096 || chunk_size > (1ull << 30)) {
    return InvalidArgument("--chunk-size must be between 4 KiB and 1 GiB");
  }
  if (statement_size < 1024) return InvalidArgument("--statement-size must be at least 1 KiB");
  if (lock_wait_timeout_s < 1) return InvalidArgument("--lock-wait-timeout must be >= 1");
  if (max_chunks_in_flight < 0) return InvalidArgument("--max-chunks-in-flight must be >= 0");
  return Status::Ok();
}

namespace {

// The connections of one dump: `lock` holds the backup lock, `planner` reads the catalog and
// plans inside the snapshot, `workers` stream the data.
struct Connections {
  std::unique_ptr<mysql::Session> lock, planner;
  std::vector<std::unique_ptr<mysql::Session>> workers;
};

void WarnAboutNonTransactional(const Catalog& cat, ProgressReporter* progress) {
  uint64_t bytes = 0, tables = 0;
  for (const auto& t : cat.tables) {
    if (!t.transactional) bytes += t.data_length, ++tables;
  }
  if (tables == 0) return;
  progress->Warn(std::to_string(tables) + " non-transactional table(s) (MyISAM/Aria/..., " +
                 ProgressReporter::HumanBytes(static_cast<double>(bytes)) +
                 "): writes to the whole server are blocked until they are read");
}

archive::ArchiveContents ContentsOf(const Catalog& cat) {
  archive::ArchiveContents contents;
  contents.recorded = true;
  for (const auto& d : cat.databases) {
    (cat.partial.count(d.name) > 0 ? contents.partial : contents.complete).insert(d.name);
  }
  for (const auto& [name, why] : cat.excluded) contents.excluded.insert(name);
  return contents;
}

std::string DescribeSnapshot(const SnapshotInfo& snap) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", snap.lock_seconds);
  std::string binlog = "(off or not readable)";
  if (!snap.binlog_file.empty()) {
    binlog = snap.binlog_file + ":" + snap.binlog_position +
             (snap.position_exact ? "" : " (approximate: read under LOCK TABLES)");
  }
  return "snapshot taken with " + snap.method + " in " + seconds + " s" +
         (snap.attempts > 1 ? " after " + std::to_string(snap.attempts) + " attempts" : "") +
         " at binlog " + binlog +
         (snap.gtid_position.empty() ? "" : ", GTID " + snap.gtid_position);
}

// Facts recorded in the header (as comments) and the index; the end time and totals are added
// when the dump is done.
std::vector<std::pair<std::string, std::string>> StartMetadata(const DumpOptions& o,
                                                               const mysql::ServerInfo& server,
                                                               const Catalog& cat,
                                                               const SnapshotInfo& snap,
                                                               const std::string& start_time) {
  std::string databases;
  for (const auto& d : cat.databases) databases += (databases.empty() ? "" : ",") + d.name;
  std::vector<std::pair<std::string, std::string>> meta = {
      {"tool", std::string("myvault ") + MYVAULT_VERSION},
      {"server_flavor", server.FlavorName()},
      {"server_version", server.version},
      {"server", mysql::DescribeTarget(o.connection)},
      {"start_time", start_time},
      {"snapshot_method", snap.method},
      {"binlog_file", snap.binlog_file},
      {"binlog_position", snap.binlog_position},
      {"binlog_position_exact", snap.binlog_file.empty() ? ""
                                : snap.position_exact    ? "yes"
                                                         : "no"},
      {"gtid_position", snap.gtid_position},
      {"databases", databases}};
  archive::AppendContentsMetadata(ContentsOf(cat), &meta);
  return meta;
}

Status WriteSchema(const Catalog& cat, const ObjectIds& ids, MemberWriter* out) {
  for (size_t i = 0; i < cat.databases.size(); ++i) {
    RETURN_IF_ERROR(
        out->Write(MemberKind::kSchema, ids.databases[i], DatabaseSql(cat.databases[i])));
  }
  for (size_t i = 0; i < cat.tables.size(); ++i) {
    RETURN_IF_ERROR(out->Write(MemberKind::kSchema, ids.tables[i], TableSql(cat.tables[i])));
  }
  return Status::Ok();
}

PipelineConfig MakePipelineConfig(const DumpOptions& o) {
  PipelineConfig config;
  config.threads = o.threads;
  config.compress_threads =
      o.compress_threads > 0 ? o.compress_threads
                             : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  config.compress_level = o.compress_level;
  config.chunk_size = o.chunk_size;
  config.statement_size = o.statement_size;
  config.keyset_page_rows = o.keyset_page_rows;
  config.max_chunks_in_flight =
      o.max_chunks_in_flight > 0 ? o.max_chunks_in_flight : 2 * o.threads + config.compress_threads;
  return config;
}

}  // namespace

Status ExcludedDatabasesStatus(const DumpReport& report) {
  if (report.excluded.empty()) return Status::Ok();
  std::string names;
  for (const auto& [name, why] : report.excluded) {
    names += (names.empty() ? "" : "; ") + sql::QuoteIdentifier(name) + ": " + why;
  }
  return Status(StatusCode::kRestoreInProgress,
                "the archive leaves out " + std::to_string(report.excluded.size()) +
                    " database(s) being restored, and is marked partial (" + names + ")");
}

Status RunDump(const DumpOptions& o, ErrorCollector* errors, DumpReport* report) {
  RETURN_IF_ERROR(o.Validate());
  const double start = MonotonicSeconds();
  const std::string start_time = WallClockText(kIsoUtc, true);
  ProgressCounters counters;
  ProgressReporter progress(o.progress, &counters);

  // 1. Connect every session and read the catalog before creating any file or taking any lock.
  Connections c;
  ASSIGN_OR_RETURN(c.lock, mysql::Session::Connect(o.connection, "lock connection"));
  ASSIGN_OR_RETURN(c.planner, mysql::Session::Connect(o.connection, "planner connection"));
  ASSIGN_OR_RETURN(Catalog cat, LoadCatalog(*c.planner, o.selection));
  ASSIGN_OR_RETURN(c.workers, ConnectWorkers(o));
  if (errors->cancelled()) return errors->first();
  archive::NewKey key;
  if (!o.encrypt_to.empty() || o.passphrase) {
    ASSIGN_OR_RETURN(key, archive::NewArchiveKey(o.encrypt_to, o.passphrase));
  }
  ASSIGN_OR_RETURN(auto writer, archive::ArchiveWriter::Create(
                                    o.output, {o.fsync, 6, o.checksum_base_name, key.key.get(),
                                               std::move(key.key_block)}));

  // 2. One snapshot for the planner and every worker.
  WarnAboutNonTransactional(cat, &progress);
  const mysql::ServerInfo& server = c.planner->server();
  std::vector<mysql::Session*> snapshot_sessions{c.planner.get()};
  for (auto& w : c.workers) snapshot_sessions.push_back(w.get());
  const SnapshotRequest request{o.snapshot_method, cat.HasNonTransactional(), ContentTables(cat),
                                o.lock_wait_timeout_s};
  ASSIGN_OR_RETURN(SnapshotPlan snapshot_plan, PlanSnapshot(*c.lock, request));
  ASSIGN_OR_RETURN(auto snapshot,
                   Snapshot::Begin(*c.lock, snapshot_sessions, snapshot_plan, o.connection, errors,
                                   [&](const mysql::LockPlan& plan) {
                                     return RecheckCatalog(
                                         *c.planner, o.selection, &cat,
                                         plan.kind == mysql::LockPlan::Kind::kLockTables);
                                   }));
  const SnapshotInfo& snap = snapshot->info();
  progress.Event(DescribeSnapshot(snap));
  RETURN_IF_ERROR(LoadDefinitions(*c.planner, &cat));
  const AccountsRead accounts = ReadDumpAccounts(o.selection, *c.planner, &progress);
  WarnAboutLosses(cat, &progress);

  // 3. Header and schema, then the data through the pipeline.
  archive::Index index;
  ObjectIds ids = AssignObjects(cat, &index);
  index.metadata = StartMetadata(o, server, cat, snap, start_time);
  AddAccountMetadata(accounts, &index.metadata);
  MemberWriter members(writer.get(), o.compress_level, key.key.get());
  RETURN_IF_ERROR(members.Write(MemberKind::kHeader, archive::kNoObject,
                                HeaderSql(index.metadata, cat.HasHistory())));
  RETURN_IF_ERROR(WriteSchema(cat, ids, &members));
  PipelineInputs in;
  in.catalog = &cat;
  in.table_object_ids = ids.tables;
  in.planner = c.planner.get();
  for (auto& w : c.workers) in.workers.push_back(w.get());
  in.snapshot = snapshot.get();
  in.writer = writer.get();
  in.key = key.key.get();
  in.counters = &counters;
  in.progress = &progress;
  in.errors = errors;
  in.connection = &o.connection;
  counters.tables_total = cat.tables.size();
  for (const auto& t : cat.tables) counters.rows_estimate += t.rows_estimate;
  PipelineResult result;
  progress.Start();
  Status st = RunDataPipeline(MakePipelineConfig(o), in, &result);
  progress.Stop();
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(snapshot->ReleaseLock());

  // 4. Views, triggers, routines, events; the footer; the index with the row counts.
  RETURN_IF_ERROR(WritePostData(cat, ids, DdlOptions{o.skip_definer}, &members));
  RETURN_IF_ERROR(WriteAccounts(accounts, &index, &members));
  RETURN_IF_ERROR(
      members.Write(MemberKind::kFooter, archive::kNoObject, FooterSql(cat.HasHistory())));
  if (errors->cancelled()) return errors->first();
  uint64_t total_rows = 0;
  for (size_t i = 0; i < cat.tables.size(); ++i) {
    index.objects[ids.tables[i]].rows = result.table_rows[i];
    total_rows += result.table_rows[i];
  }
  index.metadata.emplace_back("end_time", WallClockText(kIsoUtc, true));
  index.metadata.emplace_back("rows", std::to_string(total_rows));
  index.metadata.emplace_back("sql_bytes", std::to_string(counters.raw_bytes.load()));
  RETURN_IF_ERROR(writer->Finish(std::move(index)));
  for (auto& w : c.workers) (void)w->Execute("COMMIT");

  report->tables = cat.tables.size();
  report->rows = total_rows;
  report->chunks = result.chunks;
  report->raw_bytes = counters.raw_bytes.load();
  report->archive_bytes = writer->bytes_written();
  report->seconds = MonotonicSeconds() - start;
  report->lock_seconds = snap.lock_seconds;
  report->nontransactional_lock_seconds = cat.HasNonTransactional() ? snapshot->held_seconds() : 0;
  report->binlog_file = snap.binlog_file;
  report->binlog_position = snap.binlog_position;
  report->gtid_position = snap.gtid_position;
  report->contents = ContentsOf(cat);
  report->excluded = cat.excluded;
  return Status::Ok();
}

}  // namespace myvault::dump
